"""Target lead times per step of the route, and the reminders the daily run has sent.

The targets are data, edited by the operator's administrators in /beheer/; the defaults come from a
data migration. The reminder rows keep the daily run from repeating itself (see tasks.py).
"""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Step(models.TextChoices):
    SUBMITTED = "submitted", _("Aangemeld, nog geen bemiddelingsprofiel")
    SHARED = "shared", _("Profiel gedeeld, nog geen reactie van een corporatie")
    OFFER = "offer", _("Woning aangeboden, nog geen besluit van het overleg")
    MATCHED = "matched", _("Gematcht, nog geen huurcontract")
    HOUSED = "housed", _("Gehuisvest, nog geen evaluatie")
    FEEDBACK_PRECONDITIONS = "feedback_1", _("Terugkoppeling 1 (randvoorwaarden) na de aanmelding")
    FEEDBACK_PROFILE = "feedback_2", _("Terugkoppeling 2 (bemiddelingsprofiel) na het delen")
    FEEDBACK_PLACEMENT = "feedback_3", _("Terugkoppeling 3 (corporatie en datum) na de match")


class Unit(models.TextChoices):
    WORKING_DAYS = "working_days", _("werkdagen")
    MONTHS = "months", _("maanden")


class LeadTimeTarget(models.Model):
    step = models.CharField(_("stap"), max_length=16, choices=Step.choices, unique=True)
    amount = models.PositiveSmallIntegerField(_("doorlooptijd"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("eenheid"), max_length=12, choices=Unit.choices, default=Unit.WORKING_DAYS)

    class Meta:
        ordering = ["id"]
        verbose_name = _("doorlooptijd")
        verbose_name_plural = _("doorlooptijden")

    def __str__(self):
        return f"{self.get_step_display()}: {self.amount} {self.get_unit_display()}"


class ReminderKind(models.TextChoices):
    REMINDER = "reminder", _("Herinnering aan de verantwoordelijke")
    CHAIR = "chair", _("Melding aan de voorzitter (twee keer de doorlooptijd)")


class LeadTimeReminder(models.Model):
    """One reminder sent for one case in one step to one organisation (ids only, no content)."""

    step = models.CharField(max_length=16, choices=Step.choices)
    kind = models.CharField(max_length=8, choices=ReminderKind.choices)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("parties.Organisation", on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()

    class Meta:
        verbose_name = _("doorlooptijdherinnering")
        verbose_name_plural = _("doorlooptijdherinneringen")
        constraints = [
            # At most one reminder per case, step and party a day; the chair is told once per case and step.
            models.UniqueConstraint(
                fields=["step", "kind", "referral", "organisation", "sent_on"], name="one_lead_time_reminder_a_day"
            ),
            models.UniqueConstraint(
                fields=["step", "referral", "organisation"],
                condition=models.Q(kind="chair"),
                name="chair_told_once_per_step",
            ),
        ]
        indexes = [models.Index(fields=["step", "kind", "sent_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_step_display()} {self.sent_on:%d-%m-%Y}"
