"""Anonymous facts for the werkgroep's figures (SOK Art. 3.1c, 8.8): no personal data, no way back.

A case points at its fact (Referral.fact); the fact points at nothing personal, so
figures survive the retention purge and no fact can be traced to a resident.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import PersonalData


class Outcome(models.TextChoices):
    OPEN = "open", _("Nog niet gehuisvest")
    RUNNING = "running", _("Loopt")
    ENDED_POSITIVE = "ended_positive", _("Goed afgerond")
    ENDED_NEGATIVE = "ended_negative", _("Negatief beëindigd")
    STOPPED = "stopped", _("Gestopt vóór huisvesting")


class CaseFact(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    corporation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    reported_by_provider = models.BooleanField(default=False)
    origin = models.CharField(max_length=20, blank=True)
    age_band = models.CharField(max_length=6, blank=True)
    young_adult = models.BooleanField(null=True)
    eligible = models.BooleanField(null=True)
    # The day of the target-group check (SOK Art. 1b) and, when it failed, its first unmet condition.
    eligibility_on = models.DateField(null=True, blank=True)
    ineligible_reason = models.CharField(max_length=40, blank=True)
    contract_form = models.CharField(max_length=20, blank=True)
    exception_requested = models.BooleanField(default=False)
    exception_granted = models.BooleanField(null=True)
    reported_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    matched_on = models.DateField(null=True, blank=True)
    housed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)
    # A fact of the programme's history from before the portal (demo: monitoring.demo), with no case here.
    imported = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("anoniem zaakfeit")
        verbose_name_plural = _("anonieme cijfers")
        indexes = [
            models.Index(fields=["region", "reported_on"]),
            models.Index(fields=["housed_on"]),
            # "Gehuisvest" of one region and year (definitions.housed_count, on the regisseur's profile
            # list): an index-only count of the region's entries, not a heap visit per housed case.
            models.Index(fields=["region", "housed_on"], name="monitoring_fact_region_housed"),
            models.Index(fields=["submitted_on"]),
        ]

    def __str__(self):
        return f"Feit {self.region} {self.reported_on}"


class CaseFactSearchArea(models.Model):
    """A municipality in the profile's search area: the demand per area (SOK Art. 3.1c)."""

    fact = models.ForeignKey(CaseFact, on_delete=models.CASCADE, related_name="search_area")
    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("zoekgebied van een zaakfeit")
        verbose_name_plural = _("zoekgebieden van zaakfeiten")
        constraints = [models.UniqueConstraint(fields=["fact", "municipality"], name="one_search_area_per_fact")]

    def __str__(self):
        return f"Zoekgebied {self.municipality_id}"


class HalfYearReport(models.Model):
    """The half-yearly report for all parties (PDF and CSV in private storage)."""

    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pdf_path = models.CharField(max_length=300)
    csv_path = models.CharField(max_length=300)
    # When every party was told the report is ready (SOK Art. 8.8); set once, so a rerun tells no one twice.
    announced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("halfjaarrapportage")
        verbose_name_plural = _("halfjaarrapportages")
        ordering = ["-period_start", "-created_at"]

    def __str__(self):
        return f"Rapportage {self.period_start:%d-%m-%Y} – {self.period_end:%d-%m-%Y}"


class Seat(models.TextChoices):
    """The seats of the werkgroep (SOK Art. 8.6)."""

    MUNICIPALITY = "municipality", _("Gemeente")
    CORPORATION = "corporation", _("Woningcorporatie")
    PROVIDER_BW = "provider_bw", _("Zorgaanbieder: beschermd wonen-combinatie")
    PROVIDER_MO = "provider_mo", _("Zorgaanbieder: maatschappelijke opvang")
    PROVIDER_OTHER = "provider_other", _("Overige zorg- en welzijnsaanbieder")
    CHAIR = "chair", _("Voorzitter Woonkans-overleg")


class WerkgroepMember(models.Model):
    """A seat in the werkgroep held by an organisation (and the person who attends), from a date until a date."""

    seat = models.CharField(_("zetel"), max_length=20, choices=Seat.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisatie")
    )
    person = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("lid")
    )
    since = models.DateField(_("lid sinds"))
    until = models.DateField(_("lid tot"), null=True, blank=True)

    # Staff of the parties, no resident data; the change log records every change.
    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("lid van de werkgroep")
        verbose_name_plural = _("leden van de werkgroep")
        ordering = ["seat", "organisation__name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("since")),
                name="werkgroep_member_until_after_since",
            )
        ]

    def __str__(self):
        return f"{self.get_seat_display()}: {self.organisation}"


class WerkgroepMeeting(models.Model):
    """A meeting of the werkgroep (at least five a year, SOK Art. 8.6) with its agenda, pack and minutes."""

    held_on = models.DateField(_("datum"))
    agenda = models.TextField(_("agenda"))
    report = models.ForeignKey(
        HalfYearReport,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("monitoringpakket"),
    )
    minutes = models.TextField(_("verslag"), blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("vergadering van de werkgroep")
        verbose_name_plural = _("vergaderingen van de werkgroep")
        ordering = ["held_on"]

    def __str__(self):
        return f"Werkgroep {self.held_on:%d-%m-%Y}"


class FactsVersion(models.Model):
    """One row whose number rises with every write to the facts (and the names and targets they are
    shown with): a database trigger bumps it in the writing transaction (migration 0005), so every
    writer counts, the bulk ones included, and a reader sees a new number exactly when the new facts."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("versie van de cijfers")
        verbose_name_plural = _("versies van de cijfers")

    def __str__(self):
        return f"Versie {self.version}"


class FigureSnapshot(models.Model):
    """The suppressed figures of one period as the page, the PDF and the CSV show them, computed once
    per version of the facts (monitoring.snapshots); aggregates only, never case data."""

    period_start = models.DateField()
    period_end = models.DateField()
    language = models.CharField(max_length=10)
    # The facts' version and the day "now" meant (waiting counts) when these figures were computed.
    version = models.BigIntegerField()
    as_of = models.DateField()
    payload = models.BinaryField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("berekende cijfers")
        verbose_name_plural = _("berekende cijfers")
        constraints = [
            models.UniqueConstraint(fields=["period_start", "period_end", "language"], name="one_snapshot_per_period")
        ]

    def __str__(self):
        return f"Cijfers {self.period_start:%d-%m-%Y} – {self.period_end:%d-%m-%Y}"
