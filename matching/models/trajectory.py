"""After the match: the fixed contacts, housing, evaluations, signals and case meetings, and the end."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from .profile import Offer, Profile, ProfileStatus


class EndKind(models.TextChoices):
    POSITIVE = "positive", _("Goed afgerond")
    EVICTED = "evicted", _("Negatief: ontruimd")
    LEFT = "left", _("Negatief: vertrokken, woont er niet meer")


# The endings of a trajectory that ended negatively: end_trajectory writes one of these exactly when it moves
# the profile to ENDED_NEGATIVE (any kind but POSITIVE), in the same transaction.
NEGATIVE_ENDINGS = (EndKind.EVICTED, EndKind.LEFT)


class Match(models.Model):
    """The agreement of step 6: corporation, dwelling, date, provider and the fixed contacts (Art. 8.1)."""

    profile = models.OneToOneField(Profile, on_delete=models.PROTECT, related_name="match")
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dwelling_address = models.CharField(_("adres van de woning"), max_length=200)
    intended_date = models.DateField(_("beoogde ingangsdatum"))
    care_provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The referral's municipality (whose consultant is the casusregisseur), written with the match by
    # record_match: the casusregisseur's trajectories list walks (municipality, matched_at, id) and probes
    # each match's grant, instead of every profile grant of the municipality (matching.selectors).
    municipality = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False, db_index=False
    )
    # The profile's referral (one-to-one, never changes), written with the match by record_match: the
    # corporation's and provider's trajectories list probes the referral grant on the match itself, so its
    # capped count reads no profile and no referral (matching.selectors._trajectories).
    referral = models.ForeignKey(
        "referrals.Referral",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        db_index=False,
    )
    # Whether the matched corporation's group holds view_identity, and the linked provider's group
    # view_contact, on the case now: copied from the grant tables by the disclosure sync, in the transaction
    # that writes the grants (matching.case_facts.follow_grants), never decided here. The trajectories
    # list's capped count walks the side's partial index on it instead of probing 1 001 grants; the page's
    # rows still probe the grant itself. NULL (not yet derived) counts as not granted.
    identity_granted = models.BooleanField(null=True, editable=False)
    contact_granted = models.BooleanField(null=True, editable=False)
    corporation_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vast aanspreekpunt")
    )
    corporation_substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vervanger"),
    )
    provider_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("vast aanspreekpunt")
    )
    provider_substitute = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vervanger"),
    )
    matched_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField(default=timezone.now)
    lease_signed_on = models.DateField(_("huurcontract getekend op"), null=True, blank=True)
    end_kind = models.CharField(max_length=10, choices=EndKind.choices, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_evaluation = models.TextField(_("evaluatie bij beëindiging"), blank=True)
    evaluation_reminded_on = models.DateField(null=True, blank=True)
    # While the profile is housed: the day the next evaluation's six months run from, the last evaluation
    # or else the lease (evaluation_due_from), kept by the services that house, evaluate, end or stop
    # (sync_evaluation_due_from). Derived on every read, the home's evaluation count read every match of
    # the organisation and its last evaluation.
    evaluation_due_from = models.DateField(null=True, blank=True, editable=False)

    personal_data = PersonalData.of(
        identifying="dwelling_address",
        free_text="end_evaluation",
        case="intended_date lease_signed_on",
        fields={
            "corporation": PersonalField(Category.CASE, label=_("corporatie")),
            "offer": PersonalField(Category.CASE, label=_("aanbieding")),
            "care_provider": PersonalField(Category.CASE, label=_("zorgaanbieder")),
            "municipality": PersonalField(Category.CASE, label=_("gemeente")),
            "matched_at": PersonalField(Category.CASE, label=_("gematcht op")),
            "end_kind": PersonalField(Category.CASE, label=_("soort beëindiging")),
            "ended_on": PersonalField(Category.CASE, label=_("beëindigd op")),
            "evaluation_reminded_on": PersonalField(Category.CASE, label=_("herinnering evaluatie op")),
            "evaluation_due_from": PersonalField(Category.CASE, label=_("evaluatietermijn loopt vanaf")),
        },
        # The contact persons are staff: their names are their own data, not the resident's.
        not_personal=(
            "id profile referral identity_granted contact_granted corporation_contact corporation_substitute"
            " provider_contact provider_substitute matched_by"
        ),
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        # The trajectories list of each side, newest match first: walked in order, cut after the page.
        indexes = [
            models.Index(fields=["corporation", "matched_at", "id"], name="matching_match_corp_matched"),
            models.Index(fields=["care_provider", "matched_at", "id"], name="matching_match_prov_matched"),
            models.Index(fields=["municipality", "matched_at", "id"], name="matching_match_mun_matched"),
            # The trajectories each side may see (the capped count of /trajecten/): index-only, no grant probe.
            models.Index(
                fields=["corporation", "matched_at", "id"],
                condition=models.Q(identity_granted=True),
                name="matching_match_corp_granted",
            ),
            models.Index(
                fields=["care_provider", "matched_at", "id"],
                condition=models.Q(contact_granted=True),
                name="matching_match_prov_granted",
            ),
            # The corporation's negatively ended trajectories (matching.selectors.ended_for_claim), in the
            # list's order: a page walks its rows, the capped count only these, not every match.
            models.Index(
                models.F("corporation"),
                models.OrderBy(models.F("ended_on"), descending=True, nulls_last=True),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(end_kind__in=NEGATIVE_ENDINGS),
                name="matching_match_corp_ended",
            ),
            # The corporation's matches without a lease yet (the home's count and "Wacht te lang"): a profile
            # is MATCHED only while its match has neither a lease nor an end (record_housing, end_trajectory),
            # so the walk skips the housed and ended ones that pile up with the years.
            models.Index(
                fields=["corporation", "matched_at", "id"],
                condition=models.Q(lease_signed_on__isnull=True, ended_on__isnull=True),
                name="matching_match_corp_open",
            ),
            # The housed trajectories in the order their evaluation falls due (the home's count and the
            # ?evaluation_due=true list of each side): the walk stops at the cut-off date.
            models.Index(
                fields=["corporation", "evaluation_due_from", "id"],
                condition=models.Q(evaluation_due_from__isnull=False),
                name="matching_match_corp_eval",
            ),
            models.Index(
                fields=["care_provider", "evaluation_due_from", "id"],
                condition=models.Q(evaluation_due_from__isnull=False),
                name="matching_match_prov_eval",
            ),
        ]

    def __str__(self):
        return f"Match {self.profile}"


class Evaluation(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="evaluations")
    held_on = models.DateField(_("gehouden op"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("verslag"))
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        free_text="notes",
        case="held_on",
        fields={
            "organisation": PersonalField(Category.CASE, label=_("organisatie")),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
        },
        not_personal="id profile author",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("evaluatie")
        verbose_name_plural = _("evaluaties")
        ordering = ["-held_on"]

    def __str__(self):
        return f"Evaluatie {self.profile} {self.held_on}"


class SignalKind(models.TextChoices):
    SUPPORT_STALLS = "support_stalls", _("De ondersteuning stagneert")
    SITUATION_CHANGED = "situation_changed", _("De situatie is veranderd")
    UNSAFE = "unsafe", _("Onveilige situatie")
    PROVIDER_UNDERPERFORMS = "provider_underperforms", _("Zorgaanbieder presteert structureel onder de maat")


class Signal(models.Model):
    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="signals")
    kind = models.CharField(_("soort signaal"), max_length=24, choices=SignalKind.choices)
    text = models.TextField(_("toelichting"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    # The party of the case the signal is about: always another one than the raiser's (SOK art. 8.3).
    # Empty only on signals recorded before the party was asked.
    about = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("over")
    )
    created_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        free_text="text",
        case="kind",
        fields={
            "organisation": PersonalField(Category.CASE, label=_("organisatie")),
            "about": PersonalField(Category.CASE, label=_("over")),
            "created_at": PersonalField(Category.CASE, label=_("aangemaakt op")),
        },
        not_personal="id profile raised_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.profile})"


class CaseMeeting(GuardedStatus, models.Model):
    """A casusoverleg raised by a signal (Art. 8.2–8.4): run by the chair or an appointed casusregisseur.

    The casusregisseur reports back to the raiser (art. 8.3); the chair decides whether a meeting is
    needed at all (art. 8.4): held (date, participants, outcome) or not needed (with a reason).
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Aangevraagd")
        PLANNED = "planned", _("Gepland")
        HELD = "held", _("Gehouden")
        NOT_NEEDED = "not_needed", _("Geen casusoverleg nodig")

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="case_meetings")
    signal = models.OneToOneField(Signal, on_delete=models.PROTECT, related_name="case_meeting")
    # The signal's own time, kept on the meeting (set with it, never changes): the chair's open signals
    # (/nazorg/) are read in this order from a partial index of the open meetings, not by joining every
    # open meeting to its signal and sorting them all.
    signalled_at = models.DateTimeField(_("gesignaleerd op"), null=True, editable=False)
    # The case's region, kept on the meeting (set with it by raise_signal, moved with the case by
    # accept_handover): the chair's open signals and their capped count are read from the region's own
    # part of a partial index, not by looking up each open meeting's profile (benchmarks/NOTES.md).
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", editable=False, db_index=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    casusregisseur = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("casusregisseur"),
    )
    planned_on = models.DateField(_("datum"), null=True, blank=True)
    held_on = models.DateField(_("gehouden op"), null=True, blank=True)
    participants = models.TextField(_("deelnemers"), blank=True)
    outcome = models.TextField(_("uitkomst"), blank=True)
    not_needed_reason = models.TextField(_("reden geen casusoverleg"), blank=True)
    report_back = models.TextField(_("terugkoppeling aan de melder"), blank=True)
    reported_back_at = models.DateTimeField(_("teruggekoppeld op"), null=True, blank=True)
    reported_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    personal_data = PersonalData.of(
        free_text="outcome report_back participants not_needed_reason",
        case="planned_on held_on reported_back_at signalled_at",
        fields={
            "signal": PersonalField(Category.CASE, label=_("signaal")),
            "status": PersonalField(Category.CASE, label=_("status")),
        },
        not_personal="id profile region casusregisseur reported_back_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        ordering = ["-signal__created_at"]
        # /casusoverleggen/ by status either way (default: the open ones first, "-status", then newest): its
        # page is read in index order, 26 rows, not all of a casusregisseur's meetings joined and sorted.
        indexes = [
            models.Index(fields=["casusregisseur", "status", "-id"], name="matching_cm_runner_status_id"),
            models.Index(fields=["casusregisseur", "status", "id"], name="matching_cm_runner_status_desc"),
            # The same per region (/nazorg/ and the chair's home): the page walks the region's open
            # meetings in signal order, the capped count is an index-only scan of them.
            models.Index(
                "region",
                models.F("signalled_at").asc(nulls_last=True),
                models.F("id").desc(),
                name="matching_cm_region_open",
                condition=models.Q(status__in=["requested", "planned"]),
            ),
        ]

    def __str__(self):
        return f"Casusoverleg {self.profile}"

    def save(self, *args, **kwargs):
        if self.signalled_at is None and self.signal_id is not None:
            self.signalled_at = self.signal.created_at
        if self.region_id is None and self.profile_id is not None:
            self.region_id = self.profile.region_id
        super().save(*args, **kwargs)


# A signal is settled once the chair recorded a held casusoverleg or "geen casusoverleg nodig" (Art. 8.4);
# until then it may go on the overleg agenda.
CLOSED_CASE_MEETING = (CaseMeeting.Status.HELD, CaseMeeting.Status.NOT_NEEDED)


def evaluation_due_from():
    """For the match at hand: while its profile is housed, the day the next evaluation's six months run
    from (Art. 5.2c, 5.3b): the last evaluation, else the lease; NULL otherwise. The one definition of
    Match.evaluation_due_from."""
    last = Evaluation.objects.filter(profile=models.OuterRef("profile_id")).order_by("-held_on").values("held_on")[:1]
    housed = Profile.objects.filter(pk=models.OuterRef("profile_id"), status=ProfileStatus.HOUSED)
    return models.Case(
        models.When(
            models.Q(lease_signed_on__isnull=False) & models.Q(models.Exists(housed)),
            then=Coalesce(models.Subquery(last, output_field=models.DateField()), models.F("lease_signed_on")),
        ),
        default=None,
        output_field=models.DateField(),
    )


def sync_evaluation_due_from(profile_id):
    """Re-derive Match.evaluation_due_from after the profile was housed, evaluated, ended or stopped (in
    that transaction). One UPDATE."""
    Match.objects.filter(profile_id=profile_id).update(evaluation_due_from=evaluation_due_from())
