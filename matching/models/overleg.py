"""The Woonkans-overleg of a region: meetings, who is present, the agenda, decisions and votes."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField


class Meeting(models.Model):
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("datum"))
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("voorzitter")
    )
    held = models.BooleanField(default=False)
    notes = models.TextField(_("verslag"), blank=True)

    personal_data = PersonalData.none()

    class Meta:
        ordering = ["-date"]
        verbose_name = _("Woonkans-overleg")
        verbose_name_plural = _("Woonkans-overleggen")

    def __str__(self):
        return f"Woonkans-overleg {self.region} {self.date:%d-%m-%Y}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")

    personal_data = PersonalData.none()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="one_check_in_per_org")]

    def __str__(self):
        return f"{self.organisation} @ {self.meeting}"


class AgendaItemKind(models.TextChoices):
    PROFILE = "profile", _("Profiel")
    OFFER = "offer", _("Aanbod")
    EXCEPTION = "exception", _("Uitzonderingsverzoek")
    CASE_MEETING = "case_meeting", _("Casusoverleg")
    CLAIM = "claim", _("Claim garantiefonds")


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=AgendaItemKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    profile = models.ForeignKey("matching.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    exception_request = models.ForeignKey(
        "referrals.ExceptionRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("onderwerp"), max_length=200)
    decision = models.TextField(_("besluit"), blank=True)
    decided = models.BooleanField(default=False)

    personal_data = PersonalData.of(
        fields={
            "kind": PersonalField(Category.CASE, exported=False),
            "title": PersonalField(Category.PSEUDONYMOUS, exported=False),
            "decision": PersonalField(Category.FREE_TEXT, exported=False),
            "decided": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id meeting position profile exception_request",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self):
        return self.title


class VoteChoice(models.TextChoices):
    FOR = "for", _("Voor")
    AGAINST = "against", _("Tegen")
    ABSTAIN = "abstain", _("Onthouding")


class Vote(models.Model):
    """One vote per organisation present; a majority is more than half of those present."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)

    personal_data = PersonalData.none()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "organisation"], name="one_vote_per_org")]

    def __str__(self):
        return f"{self.organisation}: {self.get_choice_display()}"
