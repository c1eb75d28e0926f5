"""Anonymous facts for the werkgroep's figures (SOK Art. 3.1c, 8.8): no personal data, no way back.

A case points at its fact (Referral.fact); the fact points at nothing personal, so
figures survive the retention purge and no fact can be traced to a resident.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region


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
    exception_requested = models.BooleanField(default=False)
    exception_granted = models.BooleanField(null=True)
    reported_on = models.DateField()
    submitted_on = models.DateField(null=True, blank=True)
    shared_on = models.DateField(null=True, blank=True)
    matched_on = models.DateField(null=True, blank=True)
    housed_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.OPEN)

    class Meta:
        indexes = [
            models.Index(fields=["region", "reported_on"]),
            models.Index(fields=["housed_on"]),
            models.Index(fields=["submitted_on"]),
        ]

    def __str__(self):
        return f"Feit {self.region} {self.reported_on}"


class HalfYearReport(models.Model):
    """The half-yearly report for all parties (PDF and CSV in private storage)."""

    period_start = models.DateField()
    period_end = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    pdf_path = models.CharField(max_length=300)
    csv_path = models.CharField(max_length=300)

    class Meta:
        ordering = ["-period_start", "-created_at"]

    def __str__(self):
        return f"Rapportage {self.period_start:%d-%m-%Y} – {self.period_end:%d-%m-%Y}"
