"""The Wmo referral: identity (its own table), research, consent, documents, feedback.

Identity is kept apart from everything else so that later stages (profiles for
corporations) can be rendered without ever loading it.
"""

import uuid
from datetime import date

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from woonkans.choices import Origin  # noqa: F401 - re-exported; the enum lives in core
from woonkans.parties.models import Organisation, Region
from woonkans.privacy.fields import EncryptedTextField
from woonkans.privacy.models import StoredFileFields
from woonkans.privacy.personal_data import Category, ChangeLog, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from .workflow import COARSE, Status

ELIGIBLE_RETENTION_YEARS = 15
NOT_ELIGIBLE_RETENTION_YEARS = 5


class Referral(GuardedStatus, models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("gemeente")
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="referrals", verbose_name=_("regio"))
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.REPORTED)
    reported_by = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("gemeld door"),
    )
    reported_with_mandate = models.BooleanField(_("gemeld met mandaat van de inwoner"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    research_started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(_("reden"), blank=True)
    eligible = models.BooleanField(_("behoort tot de doelgroep"), null=True, blank=True)
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    exception_granted = models.BooleanField(default=False)
    # DPIA §10: a legal hold (litigation, a supervisor's inquiry) stops the retention purge.
    legal_hold = models.BooleanField(_("juridische bewaarplicht (niet opschonen)"), default=False)
    # GDPR art. 18: while set, the case is read-only and its shares are paused (subject_rights).
    restricted_at = models.DateTimeField(_("verwerking beperkt sinds"), null=True, blank=True, editable=False)
    # Set by woonkans.privacy.retention.purge_case: the personal data of this case is gone.
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The case points at its anonymous monitoring fact; nothing points back (monitoring.models).
    fact = models.OneToOneField(
        "monitoring.CaseFact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    personal_data = PersonalData.of(
        free_text="closed_reason",
        case="municipality region reported_by reported_with_mandate eligible legal_hold restricted_at",
        fields={
            "status": PersonalField(Category.CASE, label=_("status")),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
            "updated_at": PersonalField(Category.CASE, label=_("laatst gewijzigd op")),
            "research_started_at": PersonalField(Category.CASE, label=_("onderzoek gestart op")),
            "submitted_at": PersonalField(Category.CASE, label=_("aangemeld op")),
            "closed_at": PersonalField(Category.CASE, label=_("afgesloten op")),
            "eligibility_checked_at": PersonalField(Category.CASE, label=_("doelgroep getoetst op")),
            "exception_granted": PersonalField(Category.CASE, label=_("uitzondering toegekend")),
            "purged_at": PersonalField(Category.CASE, label=_("persoonsgegevens verwijderd op")),
        },
        not_personal="id created_by fact",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        permissions = [
            ("view_report_status", "Can see the coarse status of a report it made"),
            ("view_identity", "Can see the resident's identity and lease documents (matched corporation)"),
            ("view_contact", "Can see the resident's name and contact data (linked care provider)"),
        ]
        indexes = [models.Index(fields=["municipality", "status", "-created_at"])]

    def __str__(self):
        return f"Aanmelding {self.short_reference}"

    @property
    def short_reference(self):
        return str(self.id)[:8].upper()

    @property
    def coarse_status(self):
        return COARSE[Status(self.status)]

    @property
    def retention_years(self):
        """DPIA §10: 15 years when the resident was eligible, 5 when not."""
        return ELIGIBLE_RETENTION_YEARS if self.eligible else NOT_ELIGIBLE_RETENTION_YEARS


class ReferralUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    personal_data = PersonalData.none()


class ReferralGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE)

    personal_data = PersonalData.none()


class Sex(models.TextChoices):
    FEMALE = "female", _("Vrouw")
    MALE = "male", _("Man")
    OTHER = "other", _("Anders")
    UNKNOWN = "unknown", _("Niet bekend")


class Identity(models.Model):
    """Everything that identifies the resident. Only the municipality, the region's regisseurs
    and (after a match) the matched corporation and provider ever load this."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="identity", primary_key=True)
    given_name = models.CharField(_("voornaam"), max_length=100)
    family_name = models.CharField(_("achternaam"), max_length=150)
    bsn = EncryptedTextField(_("BSN"), blank=True)
    bsn_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    birth_date = models.DateField(_("geboortedatum"), null=True, blank=True)
    sex = models.CharField(_("geslacht"), max_length=10, choices=Sex.choices, blank=True)
    street_address = models.CharField(_("straat en huisnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    city = models.CharField(_("woonplaats"), max_length=100, blank=True)
    phone = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    email = models.EmailField(_("e-mailadres"), blank=True)

    personal_data = PersonalData.of(
        identifying="given_name family_name sex city",
        fields={
            "bsn": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE),
            "bsn_index": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            # Address, contact and birth date are starred out by half in the change log; the name stays
            # readable there, so a change can be traced to its case.
            "birth_date": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "street_address": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "postcode": PersonalField(Category.IDENTIFYING, label=_("postcode"), change_log=ChangeLog.MASK),
            "phone": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
            "email": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.MASK),
        },
        not_personal="referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("identiteit")
        verbose_name_plural = _("identiteiten")

    def __str__(self):
        return f"Identiteit bij {self.referral}"

    @property
    def full_name(self):
        return f"{self.given_name} {self.family_name}".strip()

    def age_on(self, day: date):
        if self.birth_date is None:
            return None
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class ContractForm(models.TextChoices):
    PROVIDER_LEASE = "provider_lease", _("Huurcontract op naam van de zorgaanbieder")
    LINKED_CARE = "linked_care", _("Huurcontract met gekoppelde zorgafspraken")
    UNDECIDED = "undecided", _("Nog te bepalen in het overleg")


class Research(models.Model):
    """The keukentafelgesprek: the seven life domains and what matters for housing."""

    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="research", primary_key=True)
    housing_situation = models.TextField(_("Woonsituatie"), blank=True)
    household_care = models.TextField(_("Huishouden en persoonlijke verzorging"), blank=True)
    daytime_activities = models.TextField(_("Daginvulling en dagbesteding"), blank=True)
    finances = models.TextField(_("Financiën en schulden"), blank=True)
    social_network = models.TextField(_("Sociale contacten, netwerk en mantelzorg"), blank=True)
    mobility = models.TextField(_("Mobiliteit"), blank=True)
    social_self_reliance = models.TextField(_("Sociale redzaamheid"), blank=True)
    support_need = models.TextField(_("Ondersteuningsbehoefte"), blank=True)
    support_need_about_living = models.BooleanField(
        _("De ondersteuningsbehoefte hangt samen met het zelfstandig leren wonen"), default=False
    )
    regular_route_motivation = models.TextField(_("Waarom lukt huren via de reguliere weg niet?"), blank=True)
    origin = models.CharField(_("Waar komt de inwoner vandaan?"), max_length=20, choices=Origin.choices, blank=True)
    origin_other = models.CharField(_("Anders, namelijk"), max_length=200, blank=True)
    status_holder = models.BooleanField(_("De inwoner is statushouder"), default=False)
    labour_migrant = models.BooleanField(_("De inwoner is arbeidsmigrant"), default=False)
    negative_rental_history = models.BooleanField(_("Negatieve huurhistorie"), default=False)
    rental_arrears = models.BooleanField(_("Huurachterstand"), default=False)
    rental_nuisance = models.BooleanField(_("Overlast"), default=False)
    rental_history_notes = models.TextField(_("Toelichting op de huurhistorie"), blank=True)
    search_area = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="+",
        verbose_name=_("Voorkeur zoekgebied"),
        limit_choices_to={"kind": "municipality"},
    )
    dwelling_needs = models.TextField(_("Passende woning"), blank=True)
    neighbourhood_needs = models.TextField(_("Passende wijk of buurt"), blank=True)
    contract_form = models.CharField(_("Contractvorm"), max_length=20, choices=ContractForm.choices, blank=True)
    guardianship = models.BooleanField(_("Er is bewindvoering"), default=False)
    guardianship_notes = models.TextField(_("Toelichting bewindvoering"), blank=True)
    safety_plan_needed = models.BooleanField(_("Een veiligheidsplan is nodig"), default=False)

    personal_data = PersonalData.of(
        special=(
            "housing_situation household_care daytime_activities social_network mobility social_self_reliance "
            "support_need support_need_about_living origin origin_other status_holder labour_migrant "
            "safety_plan_needed"
        ),
        financial="finances negative_rental_history rental_arrears guardianship guardianship_notes",
        free_text="regular_route_motivation rental_nuisance rental_history_notes dwelling_needs neighbourhood_needs",
        case="contract_form",
        not_personal="referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("onderzoek")
        verbose_name_plural = _("onderzoeken")

    def __str__(self):
        return f"Onderzoek bij {self.referral}"


class Consent(models.Model):
    referral = models.OneToOneField(Referral, on_delete=models.CASCADE, related_name="consent", primary_key=True)
    support_plan_signed_on = models.DateField(_("ondersteuningsplan ondertekend op"))
    informed_of_sharing = models.BooleanField(_("geïnformeerd over wat met wie wordt gedeeld en waarom"))
    informed_of_rights = models.BooleanField(_("geïnformeerd over de rechten (AVG art. 15–18 en 21)"))
    privacy_statement_version = models.CharField(_("versie privacyverklaring"), max_length=20)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True)

    personal_data = PersonalData.of(
        case="support_plan_signed_on informed_of_sharing informed_of_rights privacy_statement_version",
        fields={
            "recorded_at": PersonalField(Category.CASE, label=_("vastgelegd op")),
            "withdrawn_at": PersonalField(Category.CASE, label=_("ingetrokken op")),
            "withdrawal_reason": PersonalField(Category.FREE_TEXT, label=_("reden van intrekken")),
        },
        not_personal="referral recorded_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")

    def __str__(self):
        return f"Toestemming bij {self.referral}"

    @property
    def is_valid(self):
        return self.withdrawn_at is None and self.informed_of_sharing and self.informed_of_rights


class DocumentKind(models.TextChoices):
    LANDLORD_STATEMENT = "landlord_statement", _("Verhuurdersverklaring (laatste 5 jaar)")
    GBA_EXTRACT = "gba_extract", _("Uittreksel BRP/GBA met adreshistorie")
    INCOME_STATEMENT = "income_statement", _("Inkomensverklaring (IB60)")
    GUARDIANSHIP_DECISION = "guardianship_decision", _("Beschikking bewindvoering")
    OTHER = "other", _("Overig")


class Document(StoredFileFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("soort document"), max_length=32, choices=DocumentKind.choices)

    personal_data = PersonalData.of(
        identifying="file_name",
        case="kind",
        fields={
            "path": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "content_type": PersonalField(Category.CASE, label=_("bestandstype")),
            "size": PersonalField(Category.CASE, label=_("grootte (bytes)")),
            "sha256": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "uploaded_at": PersonalField(Category.CASE, label=_("geüpload op")),
        },
        not_personal="uploaded_by id referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self):
        return self.file_name


class FeedbackKind(models.IntegerChoices):
    PRECONDITIONS = 1, _("1. Randvoorwaarden die vóór de huisvesting geregeld moeten zijn")
    PROFILE = 2, _("2. Het bemiddelingsprofiel zoals het is opgesteld")
    PLACEMENT = 3, _("3. De corporatie die de inwoner huisvest en de beoogde datum")


class Feedback(models.Model):
    """The regisseur's three feedbacks to the consultant (DPIA §3), instead of secure e-mail."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="feedbacks")
    kind = models.PositiveSmallIntegerField(_("terugkoppeling"), choices=FeedbackKind.choices)
    text = models.TextField(_("toelichting"))
    corporation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "corporation"},
        verbose_name=_("corporatie"),
    )
    intended_date = models.DateField(_("beoogde datum"), null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        free_text="text",
        case="kind corporation intended_date",
        fields={
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
        },
        not_personal="id referral author",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("terugkoppeling")
        verbose_name_plural = _("terugkoppelingen")

    def __str__(self):
        return f"{self.get_kind_display()} bij {self.referral}"


class ExceptionRequest(models.Model):
    """An anonymous case put to the region's Woonkans-overleg (decided in the matching stage)."""

    class Decision(models.TextChoices):
        OPEN = "open", _("Open")
        GRANTED = "granted", _("Toegekend")
        REFUSED = "refused", _("Afgewezen")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exception_requests")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    failed_conditions = models.JSONField(default=list)
    motivation = models.TextField(_("motivering (anoniem)"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData.of(
        free_text="motivation",
        fields={
            "region": PersonalField(Category.CASE, label=_("regio")),
            "failed_conditions": PersonalField(Category.FREE_TEXT, label=_("niet voldaan aan")),
            "requested_at": PersonalField(Category.CASE, label=_("aangevraagd op")),
            "decision": PersonalField(Category.CASE, label=_("besluit")),
            "decided_at": PersonalField(Category.CASE, label=_("besloten op")),
        },
        not_personal="id referral requested_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("uitzonderingsverzoek")
        verbose_name_plural = _("uitzonderingsverzoeken")

    def __str__(self):
        return f"Uitzonderingsverzoek {str(self.id)[:8]}"


class EventKind(models.TextChoices):
    REPORTED = "reported", _("Melding ontvangen")
    STARTED = "started", _("Onderzoek gestart")
    SUBMITTED = "submitted", _("Aangemeld bij Woonkans")
    EXCEPTION_REQUESTED = "exception_requested", _("Uitzondering aangevraagd")
    WITHDRAWN = "withdrawn", _("Aanmelding ingetrokken")
    CONSENT_RECORDED = "consent_recorded", _("Toestemming vastgelegd")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Toestemming ingetrokken")
    DOCUMENT_ADDED = "document_added", _("Document toegevoegd")
    DOCUMENT_REMOVED = "document_removed", _("Document verwijderd")
    FEEDBACK = "feedback", _("Terugkoppeling van de regisseur")
    EXCEPTION_GRANTED = "exception_granted", _("Uitzondering toegekend door het Woonkans-overleg")
    EXCEPTION_REFUSED = "exception_refused", _("Uitzondering afgewezen door het Woonkans-overleg")
    PROFILE_SHARED = "profile_shared", _("Profiel gedeeld met corporaties")
    MATCHED = "matched", _("Gematcht met een corporatie")
    HOUSED = "housed", _("Gehuisvest")
    HANDED_OVER = "handed_over", _("Warme overdracht naar de andere regio")
    ENDED = "ended", _("Traject beëindigd")


class ReferralEvent(models.Model):
    """The case's timeline: one row per business action, written in the action's transaction."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    actor_organisation = models.CharField(max_length=200)
    at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)

    personal_data = PersonalData.of(
        fields={
            "kind": PersonalField(Category.CASE, label=_("soort")),
            "actor_organisation": PersonalField(Category.CASE, label=_("door organisatie")),
            "at": PersonalField(Category.CASE, label=_("tijdstip")),
            "note": PersonalField(Category.FREE_TEXT, label=_("toelichting")),
        },
        not_personal="id referral actor",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%d-%m-%Y})"


class FormDraft(models.Model):
    """What a user typed in a step that could not be saved yet (invalid, or autosaved): encrypted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="drafts")
    step = models.CharField(max_length=32)
    data = EncryptedTextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData.of(
        fields={
            "step": PersonalField(Category.CASE, exported=False),
            "data": PersonalField(Category.FREE_TEXT, exported=False),
            "saved_at": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id referral saved_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["referral", "step"], name="one_draft_per_step")]

    def __str__(self):
        return f"Concept {self.step}"
