"""After the match: the fixed contacts, housing, evaluations, signals and case meetings, and the end."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from .profile import Offer, Profile


class EndKind(models.TextChoices):
    POSITIVE = "positive", _("Goed afgerond")
    EVICTED = "evicted", _("Negatief: ontruimd")
    LEFT = "left", _("Negatief: vertrokken, woont er niet meer")


class Match(models.Model):
    """The agreement of step 6: corporation, dwelling, date, provider and the fixed contacts (Art. 8.1)."""

    profile = models.OneToOneField(Profile, on_delete=models.PROTECT, related_name="match")
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey(Offer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    dwelling_address = models.CharField(_("adres van de woning"), max_length=200)
    intended_date = models.DateField(_("beoogde ingangsdatum"))
    care_provider = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
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

    personal_data = PersonalData.of(
        identifying="dwelling_address",
        free_text="end_evaluation",
        case="intended_date lease_signed_on",
        fields={
            "corporation": PersonalField(Category.CASE, label=_("corporatie")),
            "offer": PersonalField(Category.CASE, label=_("aanbieding")),
            "care_provider": PersonalField(Category.CASE, label=_("zorgaanbieder")),
            "matched_at": PersonalField(Category.CASE, label=_("gematcht op")),
            "end_kind": PersonalField(Category.CASE, label=_("soort beëindiging")),
            "ended_on": PersonalField(Category.CASE, label=_("beëindigd op")),
            "evaluation_reminded_on": PersonalField(Category.CASE, label=_("herinnering evaluatie op")),
        },
        # The contact persons are staff: their names are their own data, not the resident's.
        not_personal=(
            "id profile corporation_contact corporation_substitute provider_contact provider_substitute matched_by"
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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    # The signal's created_at, copied when the meeting is requested with it (raise_signal): the chair's home
    # counts the open requests in this order on one partial index, not by sorting every open one joined to
    # its signal.
    signal_raised_at = models.DateTimeField(null=True, blank=True, editable=False)
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
        case="planned_on held_on reported_back_at",
        fields={
            "signal": PersonalField(Category.CASE, label=_("signaal")),
            "status": PersonalField(Category.CASE, label=_("status")),
            "signal_raised_at": PersonalField(Category.CASE, label=_("signaal gemeld op")),
        },
        not_personal="id profile casusregisseur reported_back_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("casusoverleg")
        verbose_name_plural = _("casusoverleggen")
        ordering = ["-signal__created_at"]
        # /casusoverleggen/ (default sort: status, then newest): its page is read in index order, 26
        # rows, not all of a casusregisseur's meetings joined to their profiles and sorted.
        indexes = [
            models.Index(fields=["casusregisseur", "status", "-id"], name="matching_cm_runner_status_id"),
            # The open requests (aftercare_selectors.open_case_meetings) in the order of their signal: the
            # home's capped count walks this and stops after CAP + 1 of the region.
            models.Index(
                fields=["signal_raised_at", "id"],
                condition=models.Q(status__in=("requested", "planned")),
                name="matching_cm_open_raised",
            ),
        ]

    def __str__(self):
        return f"Casusoverleg {self.profile}"


# A signal is settled once the chair recorded a held casusoverleg or "geen casusoverleg nodig" (Art. 8.4);
# until then it may go on the overleg agenda.
CLOSED_CASE_MEETING = (CaseMeeting.Status.HELD, CaseMeeting.Status.NOT_NEEDED)
