"""The Woonkans-overleg of a region (SOK art. 1j, 6.1): meetings, who is present, the agenda, votes and decisions.

Votes and decisions are kept as they happened: every vote and every change of a vote is a row in
``VoteRecord``, every decision and every correction of one a row in ``Decision`` (both insert-only);
``Vote`` is the current vote per organisation, ``AgendaItem.decided`` mirrors the latest decision.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField


class AppendOnlyError(Exception):
    """A kept record (a vote cast, a decision taken) was about to be changed or removed."""


class InsertOnlyQuerySet(models.QuerySet):
    def delete(self):
        raise AppendOnlyError("the overleg's records are kept; a correction is a new record")


class InsertOnly(models.Model):
    """A record of the overleg that is added, never changed: a correction is a new record naming the old one.

    (The retention purge blanks its free text with a queryset update, the one path that changes it.)
    """

    objects = InsertOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the overleg's records are kept; a correction is a new record")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the overleg's records are kept; a correction is a new record")


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
        verbose_name = _("aanwezigheid bij het overleg")
        verbose_name_plural = _("aanwezigheid bij overleggen")
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["meeting", "organisation"], name="one_check_in_per_org")]

    def __str__(self):
        return f"{self.organisation} @ {self.meeting}"


class AgendaItemKind(models.TextChoices):
    PROFILE = "profile", _("Profiel")
    OFFER = "offer", _("Aanbod")
    EXCEPTION = "exception", _("Uitzonderingsverzoek")
    # Kept for items made before signals had their own kind; new items use SIGNAL.
    CASE_MEETING = "case_meeting", _("Casusoverleg")
    SIGNAL = "signal", _("Signaal")
    CLAIM = "claim", _("Claim garantiefonds")
    CLAIM_DEVIATION = "claim_deviation", _("Afwijking garantiefonds (art. 7.9)")


# Items decided by a vote of the organisations present: an exception (widening or incidental exclusion,
# preamble of the SOK) and a deviation from the fund's rules (art. 7.9: "met toestemming van de deelnemers").
VOTE_KINDS = frozenset({AgendaItemKind.EXCEPTION, AgendaItemKind.CLAIM_DEVIATION})


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=16, choices=AgendaItemKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    profile = models.ForeignKey("matching.Profile", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    offer = models.ForeignKey("matching.Offer", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    signal = models.ForeignKey("matching.Signal", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    exception_request = models.ForeignKey(
        "referrals.ExceptionRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The fund's claim and deviation (guarantee_fund may not be imported: ids only, woonkans.cases).
    claim_id = models.UUIDField(null=True, blank=True)
    deviation_id = models.IntegerField(null=True, blank=True)
    title = models.CharField(_("onderwerp"), max_length=200)
    # The current decision's text (the latest Decision); the history is in Decision.
    decision = models.TextField(_("besluit"), blank=True)
    decided = models.BooleanField(default=False)
    discussion = models.TextField(_("bespreking"), blank=True)
    discussed_at = models.DateTimeField(null=True, blank=True)

    personal_data = PersonalData.of(
        fields={
            "kind": PersonalField(Category.CASE, exported=False),
            "title": PersonalField(Category.PSEUDONYMOUS, exported=False),
            "decision": PersonalField(Category.FREE_TEXT, exported=False),
            "decided": PersonalField(Category.CASE, exported=False),
            "discussion": PersonalField(Category.FREE_TEXT, exported=False),
            "discussed_at": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id meeting position profile offer signal exception_request claim_id deviation_id",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["position", "id"]

    def __str__(self):
        return self.title

    @property
    def is_vote(self):
        return self.kind in VOTE_KINDS


class VoteChoice(models.TextChoices):
    FOR = "for", _("Voor")
    AGAINST = "against", _("Tegen")
    ABSTAIN = "abstain", _("Onthouding")


class Vote(models.Model):
    """The current vote of one organisation present; a majority is more than half of those present."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        constraints = [models.UniqueConstraint(fields=["item", "organisation"], name="one_vote_per_org")]

    def __str__(self):
        return f"{self.organisation}: {self.get_choice_display()}"


class VoteRecord(InsertOnly):
    """Every vote cast and every change of a vote, with when and by whom (the minutes show the changes)."""

    # An undecided item leaves the agenda with its votes when the case stops (art. 4.3, matching.case_facts).
    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="vote_records")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(max_length=8, choices=VoteChoice.choices)
    previous_choice = models.CharField(max_length=8, choices=VoteChoice.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.none()

    class Meta:
        verbose_name = _("vastgelegde stem")
        verbose_name_plural = _("vastgelegde stemmen")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"{self.organisation}: {self.get_choice_display()} ({self.recorded_at:%H:%M})"


class Outcome(models.TextChoices):
    GRANTED = "granted", _("toegekend")
    REFUSED = "refused", _("afgewezen")


class Decision(InsertOnly):
    """A decision on an agenda item, or a correction of an earlier one (``corrects``, with its reason).

    For a vote item the outcome is computed from the votes (a majority of the organisations present,
    preamble of the SOK; art. 7.9) and stored with the count; the chair's text is its motivation.
    """

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("uitkomst"), max_length=8, choices=Outcome.choices, blank=True)
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    present = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(_("motivering"))
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    reason = models.TextField(_("reden van de correctie"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    personal_data = PersonalData.of(
        fields={
            "outcome": PersonalField(Category.CASE, exported=False),
            "text": PersonalField(Category.FREE_TEXT, exported=False),
            "reason": PersonalField(Category.FREE_TEXT, exported=False),
            "recorded_at": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id item votes_for present corrects recorded_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        verbose_name = _("besluit van het overleg")
        verbose_name_plural = _("besluiten van het overleg")
        ordering = ["recorded_at", "id"]

    def __str__(self):
        return f"Besluit {self.pk} ({self.item})"
