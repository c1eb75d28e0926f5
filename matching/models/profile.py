"""The mediation profile (DPIA Bijlage 1): a pseudonymous code and content, never identity.

Pages and PDFs for corporations render from this model alone. It links to its
referral only so the regisseur's services can move the case forward.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import IsNull
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from referrals.models import ContractForm
from woonkans.choices import AgeBand  # noqa: F401 - re-exported; the enum lives in core
from woonkans.money import MoneyRule
from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

# A sanity bound, not a rule: the agreement names no rent limit; homes in this programme rent far
# below € 10.000 a month, so a higher monthly rent is a typing slip.
RENT_CEILING_CENTS = 1_000_000
# A monthly rent: more than nothing, at most the sanity bound.
RENT = MoneyRule(min_cents=1, max_cents=RENT_CEILING_CENTS)
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud in the overleg


def new_code(region_letter):
    return f"WK-{region_letter}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class ProfileStatus(models.TextChoices):
    DRAFT = "draft", _("In bewerking")
    SHARED = "shared", _("Gedeeld met corporaties")
    MATCHED = "matched", _("Gematcht")
    HOUSED = "housed", _("Gehuisvest")
    ENDED_POSITIVE = "ended_positive", _("Traject goed afgerond")
    ENDED_NEGATIVE = "ended_negative", _("Traject negatief beëindigd")
    STOPPED = "stopped", _("Gestopt")


# The free-text sections, in the order of the DPIA format: (field, label).
SECTIONS = [
    ("current_situation", _("Huidige situatie")),
    ("housing_situation", _("Woonsituatie")),
    ("household_care", _("Huishouden / persoonlijke verzorging")),
    ("work_participation", _("Arbeid / dagbesteding / maatschappelijke participatie")),
    ("mobility", _("Mobiliteit")),
    ("social_network", _("Sociale contacten / netwerk / mantelzorg")),
    ("social_self_reliance", _("Sociale redzaamheid")),
    ("finances", _("Financiën / schulden")),
    ("conclusion", _("Conclusie / overweging")),
    ("failure_agreements", _("Afspraken als het traject misgaat")),
    ("dwelling_needs", _("Passende woning")),
]
SECTION_FIELDS = [field for field, _label in SECTIONS]
# The sections are health and support data (special category) unless listed here.
SECTION_CATEGORIES = {"finances": Category.FINANCIAL, "dwelling_needs": Category.FREE_TEXT}


class CareFunding(models.TextChoices):
    """How the support is paid (SOK art. 9.2b): care in kind from a contracted party, or a pgb."""

    ZIN = "zin", _("Zorg in natura (door de gemeente gecontracteerde aanbieder)")
    PGB = "pgb", _("Persoonsgebonden budget (pgb)")


# Since when a housed profile's evaluation is due: the later of the housing and the last evaluation, the
# housing while there is none. Written out with Coalesce: PostgreSQL's GREATEST skips a NULL, SQLite's MAX
# (the demo's database) returns NULL, which left every housed profile without an evaluation off "Wacht te
# lang" there. Read by leadtimes.waiting; its partial indexes below hold this very expression.
EVALUATION_DUE_FROM = Greatest("housed_on", Coalesce("last_evaluation_on", "housed_on"))


class Profile(GuardedStatus, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.OneToOneField("referrals.Referral", on_delete=models.PROTECT, related_name="profile")
    # The referral's municipality (whose Wmo-consultant is the casusregisseur), written with the profile by
    # create_profile (a referral keeps its municipality): the consultant's "Wacht te lang" walks
    # (municipality, EVALUATION_DUE_FROM) instead of every housed profile of both regions.
    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+", editable=False)
    code = models.CharField(_("code"), max_length=12, unique=True, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="profiles")
    regisseur = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=20, choices=ProfileStatus.choices, default=ProfileStatus.DRAFT)
    age_band = models.CharField(_("leeftijdscategorie"), max_length=6, choices=AgeBand.choices, blank=True)
    young_adult = models.BooleanField(default=False)
    origin = models.CharField(max_length=20, blank=True)
    negative_rental_history = models.BooleanField(_("negatieve huurhistorie"), default=False)
    contract_form = models.CharField(_("contractvorm"), max_length=20, choices=ContractForm.choices, blank=True)
    search_area = models.ManyToManyField(Organisation, related_name="+", verbose_name=_("zoekgebied"))
    current_situation = models.TextField(blank=True)
    housing_situation = models.TextField(blank=True)
    household_care = models.TextField(blank=True)
    work_participation = models.TextField(blank=True)
    mobility = models.TextField(blank=True)
    social_network = models.TextField(blank=True)
    social_self_reliance = models.TextField(blank=True)
    finances = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    failure_agreements = models.TextField(blank=True)
    dwelling_needs = models.TextField(blank=True)
    pii_overrides = models.JSONField(default=list, blank=True)
    # The safety plan (Bijlage 2 step 4): the consultant and the care provider discuss with the
    # resident whether one is needed; None = not yet decided (copied from the research on creation).
    safety_plan_needed = models.BooleanField(_("veiligheidsplan nodig"), null=True, blank=True)
    safety_plan_provider = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("veiligheidsplan afgesproken met"),
    )
    safety_plan_agreed_on = models.DateField(_("veiligheidsplan afgesproken op"), null=True, blank=True)
    # SOK art. 5.3a: the care provider sees to the registration as woningzoekende at the corporations.
    registered_on = models.DateField(_("ingeschreven als woningzoekende op"), null=True, blank=True)
    registered_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inschrijving geregeld door"),
    )
    # SOK art. 9.2b: the support comes from a contracted party (ZIN) in principle; a provider that is
    # not a party, paid from a pgb, only by the chair's exception.
    care_provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("zorgaanbieder")
    )
    care_provider_other = models.CharField(_("zorgaanbieder die geen partij is"), max_length=200, blank=True)
    care_funding = models.CharField(
        _("financiering van de zorg"), max_length=3, choices=CareFunding.choices, blank=True
    )
    pgb_exception_reason = models.TextField(_("reden van de uitzondering"), blank=True)
    pgb_exception_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pgb_exception_on = models.DateField(_("uitzondering gemaakt op"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    matched_at = models.DateTimeField(null=True, blank=True)
    housed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # The start of lead-time step "offer": the first offer on a share not revoked (first_open_offer),
    # kept by the services that add an offer or revoke a share (matching.services.sync_offered_at).
    # Derived on every read it made "Wacht te lang" and the home's offer count read every shared profile.
    offered_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Since when a corporation's question waits for the regisseur: of the open threads whose last message
    # is the corporation's, the oldest such last message (waiting_question), kept by the services that post
    # a message or revoke a share (sync_question_at). Derived on every read, the home's question count
    # read the last message of every thread of the region.
    question_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The date of the last evaluation held (record_evaluation keeps it): lead-time step "housed" runs from
    # the later of housed_on and this (EVALUATION_DUE_FROM, its partial index). Derived per read, "Wacht te
    # lang" read the last evaluation of every housed profile of the region.
    last_evaluation_on = models.DateField(null=True, blank=True, editable=False)

    # A corporation the profile is shared with reads the code, the categories and the text sections
    # (DPIA Bijlage 1); a field added here stays out of its pages until it says corporation=True.
    personal_data = PersonalData.of(
        fields={
            "code": PersonalField(Category.PSEUDONYMOUS, label=_("code"), corporation=True),
            "region": PersonalField(Category.CASE, label=_("regio"), corporation=True),
            "municipality": PersonalField(Category.CASE, label=_("gemeente")),
            "status": PersonalField(Category.CASE, label=_("status"), corporation=True),
            "age_band": PersonalField(Category.PSEUDONYMOUS, corporation=True),
            "young_adult": PersonalField(Category.PSEUDONYMOUS, label=_("jongvolwassene (18–27)")),
            "origin": PersonalField(Category.PSEUDONYMOUS, label=_("herkomst")),
            "negative_rental_history": PersonalField(Category.PSEUDONYMOUS, corporation=True),
            "contract_form": PersonalField(Category.PSEUDONYMOUS, corporation=True),
            **{
                name: PersonalField(SECTION_CATEGORIES.get(name, Category.SPECIAL), label=label, corporation=True)
                for name, label in SECTIONS
            },
            # Bijlage 2 step 5: the corporation reads whether a safety plan is needed (it concerns the
            # dwelling and the neighbourhood); with whom and when it was agreed, the provider, the
            # funding and the registration stay with the regisseur: a provider's name (a women's
            # shelter, an addiction clinic) or a registration date (the corporation's own register)
            # would point at the resident. The matched corporation meets the provider at step 6.
            "safety_plan_needed": PersonalField(Category.SPECIAL, corporation=True),
            "safety_plan_provider": PersonalField(Category.CASE),
            "safety_plan_agreed_on": PersonalField(Category.CASE),
            "registered_on": PersonalField(Category.CASE),
            "registered_by": PersonalField(Category.CASE),
            "care_provider": PersonalField(Category.CASE),
            "care_provider_other": PersonalField(Category.CASE),
            "care_funding": PersonalField(Category.CASE),
            "pgb_exception_reason": PersonalField(Category.FREE_TEXT),
            "pgb_exception_on": PersonalField(Category.CASE),
            # The regisseur's reasons for keeping a passage the identifying-data scan flagged.
            "pii_overrides": PersonalField(Category.FREE_TEXT, exported=False),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
            "updated_at": PersonalField(Category.CASE, label=_("laatst gewijzigd op")),
            "shared_at": PersonalField(Category.CASE, label=_("gedeeld op")),
            "matched_at": PersonalField(Category.CASE, label=_("gematcht op")),
            "housed_on": PersonalField(Category.CASE, label=_("gehuisvest op")),
            "ended_on": PersonalField(Category.CASE, label=_("beëindigd op")),
            "offered_at": PersonalField(Category.CASE, label=_("woning aangeboden op")),
            "question_at": PersonalField(Category.CASE, label=_("vraag van een corporatie wacht sinds")),
            "last_evaluation_on": PersonalField(Category.CASE, label=_("laatste evaluatie gehouden op")),
        },
        not_personal="id referral regisseur version pgb_exception_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bemiddelingsprofiel")
        verbose_name_plural = _("bemiddelingsprofielen")
        indexes = [
            models.Index(fields=["region", "status"]),
            # The regisseurs' list in its default order (woonkans.lists adds -pk): a page walks this
            # index and probes each row's grant, rather than sorting every profile it may see.
            models.Index(fields=["created_at", "id"], name="matching_profile_created_id"),
            # The same list sorted by status (ascending and descending, each with the list's -pk).
            models.Index(fields=["status", "-id"], name="matching_profile_status_id"),
            models.Index(fields=["status", "id"], name="matching_profile_status_desc"),
            # ... and by code (it starts with the region's letter: the list names its region, selectors).
            models.Index(fields=["region", "code", "-id"], name="matching_profile_region_code"),
            # The home's capped counts per status (woonkans.worklist.measure_by): walked in the order of
            # the stage's start, the grant probed per row, stopped after CAP + 1 rows.
            models.Index(fields=["status", "created_at"], name="matching_profile_st_created"),
            models.Index(fields=["status", "shared_at"], name="matching_profile_st_shared"),
            # Lead-time step "offer" and the home's offer count, in the order of the step's start.
            models.Index(
                fields=["offered_at", "id"],
                condition=models.Q(status=ProfileStatus.SHARED, offered_at__isnull=False),
                name="matching_profile_offered",
            ),
            # The home's question count and its list, in the order of the oldest waiting question.
            models.Index(
                fields=["question_at", "id"],
                condition=models.Q(question_at__isnull=False),
                name="matching_profile_question",
            ),
            # The home's count of matched profiles, in the order of the match (the profile's matched_at).
            models.Index(
                fields=["matched_at", "id"],
                condition=models.Q(status=ProfileStatus.MATCHED),
                name="matching_profile_matched",
            ),
            # Lead-time step "housed" (no evaluation for too long), in the order of the step's start.
            models.Index(
                EVALUATION_DUE_FROM,
                condition=models.Q(status=ProfileStatus.HOUSED),
                name="matching_profile_eval_due",
            ),
            # The same step for the casusregisseur: the own municipality's housed profiles, in that order.
            models.Index(
                F("municipality"),
                EVALUATION_DUE_FROM,
                condition=models.Q(status=ProfileStatus.HOUSED),
                name="matching_profile_muni_eval_due",
            ),
        ]

    def __str__(self):
        return self.code

    def save(self, *args, **kwargs):
        if not self.code:
            # 32^6 codes per region: a clash is rare but possible; draw again rather than fail on the
            # unique constraint (which still guards the rare race between two saves).
            self.code = new_code(self.region.code_letter)
            while Profile.objects.filter(code=self.code).exists():
                self.code = new_code(self.region.code_letter)
        super().save(*args, **kwargs)

    def sections(self):
        return [(field, label, getattr(self, field)) for field, label in SECTIONS]


class ProfileUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Profile, on_delete=models.CASCADE)

    personal_data = PersonalData.none()

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("recht van een gebruiker op een profiel")
        verbose_name_plural = _("rechten van gebruikers op profielen")


class ProfileGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Profile, on_delete=models.CASCADE)

    personal_data = PersonalData.none()

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("recht van een groep op een profiel")
        verbose_name_plural = _("rechten van groepen op profielen")
        # The lists' per-row probe (woonkans.privacy.disclosure.grants): object first, index-only.
        indexes = [models.Index(fields=["content_object", "permission", "group"], name="matching_pgop_object_perm")]


class ProfileVersion(models.Model):
    """A snapshot of the profile's text at each save: the profile's history."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        fields={
            "content": PersonalField(Category.FREE_TEXT, exported=False),
            "saved_at": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id profile version saved_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("versie van het profiel")
        verbose_name_plural = _("versies van het profiel")
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["profile", "version"], name="one_row_per_profile_version")]

    def __str__(self):
        return f"{self.profile} v{self.version}"


class ShareResponse(models.TextChoices):
    NONE = "", _("Nog geen reactie")
    INTERESTED = "interested", _("Interesse")
    OFFER = "offer", _("Biedt een woning aan")
    NO_STOCK = "no_stock", _("Geen passend aanbod")


class ProfileShare(models.Model):
    """A profile shown to one corporation, and that corporation's answer."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="shares")
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="profile_shares")
    shared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    shared_at = models.DateTimeField(default=timezone.now)
    response = models.CharField(max_length=12, choices=ShareResponse.choices, blank=True, default="")
    responded_at = models.DateTimeField(null=True, blank=True)
    # After a match elsewhere, the corporation keeps only this row: "placed elsewhere".
    placed_elsewhere = models.BooleanField(default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Since when the regisseur's word waits for the corporation: the last message of the share's thread
    # when it is not the corporation's and came after its answer, while the share is open and the profile
    # shared (waiting_message), kept by the services that post a message, answer, match or stop
    # (sync_message_at). Derived on every read, the home's message count read every profile grant of the
    # corporation and the last message of each of its threads.
    message_at = models.DateTimeField(null=True, blank=True, editable=False)

    personal_data = PersonalData.of(
        fields={
            "corporation": PersonalField(Category.CASE, label=_("corporatie")),
            "shared_at": PersonalField(Category.CASE, label=_("gedeeld op")),
            "response": PersonalField(Category.CASE, label=_("reactie")),
            "responded_at": PersonalField(Category.CASE, label=_("gereageerd op")),
            "placed_elsewhere": PersonalField(Category.CASE, label=_("elders geplaatst")),
            "revoked_at": PersonalField(Category.CASE, label=_("ingetrokken op")),
            "message_at": PersonalField(Category.CASE, label=_("bericht van de regisseur wacht sinds")),
        },
        not_personal="id profile shared_by",
        on_purge=OnPurge.KEEP,
    )

    class Meta:
        verbose_name = _("gedeeld profiel")
        verbose_name_plural = _("gedeelde profielen")
        ordering = ["-shared_at"]
        constraints = [models.UniqueConstraint(fields=["profile", "corporation"], name="one_share_per_corporation")]
        indexes = [
            models.Index(fields=["corporation", "-shared_at"]),
            # The home's count of messages waiting for the corporation walks only the waiting shares.
            models.Index(
                fields=["corporation", "message_at", "id"],
                condition=models.Q(message_at__isnull=False),
                name="matching_share_message",
            ),
            # The shares still waiting for the corporation's answer (the home's count and "Wacht te lang"),
            # in the order they were shared: the walk stops at the cap, not after every share it ever had.
            models.Index(
                fields=["corporation", "shared_at", "id"],
                condition=models.Q(responded_at__isnull=True, revoked_at__isnull=True, placed_elsewhere=False),
                name="matching_share_awaiting",
            ),
            # "Has any corporation answered this profile?" ("Wacht te lang", step shared): one index-only
            # probe per waiting share, where PostgreSQL hashed every answered share of every corporation.
            models.Index(
                fields=["profile"], condition=models.Q(responded_at__isnull=False), name="matching_share_answered"
            ),
        ]

    def __str__(self):
        return f"{self.profile} → {self.corporation}"


class Offer(models.Model):
    share = models.ForeignKey(ProfileShare, on_delete=models.CASCADE, related_name="offers")
    dwelling_address = models.CharField(_("adres van de woning"), max_length=200)
    dwelling_type = models.CharField(_("type woning"), max_length=100)
    # Always set for a new offer (RENT.ensure in respond_to_profile); NULL only for an offer from
    # before the rent rule whose rent was € 0 or impossible (matching migration 0003).
    rent_cents = models.PositiveIntegerField(_("huur per maand (centen)"), null=True)
    available_from = models.DateField(_("beschikbaar vanaf"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        identifying="dwelling_address",
        case="dwelling_type available_from",
        fields={
            "rent_cents": PersonalField(Category.FINANCIAL, kept_on_purge=True),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
        },
        not_personal="id share created_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("woningaanbod")
        verbose_name_plural = _("woningaanbiedingen")
        ordering = ["-created_at"]
        constraints = [RENT.check("rent_cents", name="rent_in_range", nullable=True)]

    def __str__(self):
        return f"{self.dwelling_type}, {self.dwelling_address}"


class ProfileMessage(models.Model):
    """The question thread between one corporation and the regisseur about a profile."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="messages")
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("bericht"))
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        free_text="text",
        fields={
            "corporation": PersonalField(Category.CASE, label=_("corporatie")),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
        },
        not_personal="id profile author",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("vraag over het profiel")
        verbose_name_plural = _("vragen over profielen")
        ordering = ["created_at"]
        indexes = [
            # A thread is (profile, corporation): "is there a later message?" (the home's and the list's
            # open questions, matching.waiting) is one probe here, not a walk over the corporation's messages.
            models.Index(fields=["profile", "corporation", "created_at"], name="matching_message_thread"),
        ]

    def __str__(self):
        return f"Bericht over {self.profile}"


def first_open_offer(profile_ref="pk"):
    """When lead-time step "offer" started for the profile at ``profile_ref``: its first offer on a share
    not revoked (a revoked share's offers are void). The one definition of Profile.offered_at."""
    offers = Offer.objects.filter(share__profile=models.OuterRef(profile_ref), share__revoked_at__isnull=True)
    return models.Subquery(offers.order_by("created_at").values("created_at")[:1])


def sync_offered_at(profile_id):
    """Re-derive Profile.offered_at after an offer was added or a share revoked (in that transaction)."""
    Profile.objects.filter(pk=profile_id).update(offered_at=first_open_offer())


def questions_for_regisseur():
    """Threads whose last word is the corporation's, on a share still open (a revoked share closes the
    thread: services.post_message): the regisseur answers. Their last messages, one per thread."""
    later = ProfileMessage.objects.filter(
        profile=models.OuterRef("profile"),
        corporation=models.OuterRef("corporation"),
        created_at__gt=models.OuterRef("created_at"),
    )
    open_share = ProfileShare.objects.filter(
        profile=models.OuterRef("profile"), corporation=models.OuterRef("corporation"), revoked_at__isnull=True
    )
    return (
        ProfileMessage.objects.filter(~models.Exists(later))
        .filter(author__organisation_id=models.F("corporation_id"))
        .filter(models.Exists(open_share))
    )


def waiting_question(profile_ref="pk"):
    """The oldest of the profile's waiting questions (questions_for_regisseur). The one definition of
    Profile.question_at."""
    waiting = questions_for_regisseur().filter(profile=models.OuterRef(profile_ref))
    return models.Subquery(waiting.order_by("created_at").values("created_at")[:1])


def sync_question_at(profile_id):
    """Re-derive Profile.question_at after a message was posted or a share revoked (in that transaction)."""
    Profile.objects.filter(pk=profile_id).update(question_at=waiting_question())


def _regisseur_last_word():
    """For the share at hand: the created_at of its thread's last message when that is not the
    corporation's (the regisseur answered or asked) and came after the corporation's answer to the share."""
    later = ProfileMessage.objects.filter(
        profile=models.OuterRef("profile"),
        corporation=models.OuterRef("corporation"),
        created_at__gt=models.OuterRef("created_at"),
    )
    written = (
        ProfileMessage.objects.filter(~models.Exists(later))
        .filter(profile=models.OuterRef("profile_id"), corporation=models.OuterRef("corporation_id"))
        .exclude(author__organisation_id=models.F("corporation_id"))
        .filter(
            models.Q(IsNull(models.OuterRef("responded_at"), True))
            | models.Q(created_at__gt=models.OuterRef("responded_at"))
        )
    )
    return models.Subquery(written.order_by("created_at").values("created_at")[:1])


def waiting_message():
    """Since when the regisseur's word waits for the corporation on the share at hand: its last word
    (_regisseur_last_word) while the share is open and the profile shared, else NULL. The one definition
    of ProfileShare.message_at."""
    still_shared = Profile.objects.filter(pk=models.OuterRef("profile_id"), status=ProfileStatus.SHARED)
    return models.Case(
        models.When(
            models.Q(revoked_at__isnull=True, placed_elsewhere=False) & models.Q(models.Exists(still_shared)),
            then=_regisseur_last_word(),
        ),
        default=None,
        output_field=models.DateTimeField(),
    )


def sync_message_at(profile_id):
    """Re-derive ProfileShare.message_at of the profile's shares after a message was posted, a share
    answered or revoked, or the profile matched or stopped (in that transaction). One UPDATE."""
    ProfileShare.objects.filter(profile_id=profile_id).update(message_at=waiting_message())
