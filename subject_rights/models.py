"""Requests of residents exercising their GDPR rights (art. 12, 15–19, 21) on a Woonkans case.

Art. 20 (portability) does not apply: the processing rests on a public task (Wmo). The
municipality that holds the case handles the request through its privacy officer.
"""

import uuid
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.numbering import NumberedMixin, NumberedQuerySet
from woonkans.parties.models import Organisation
from woonkans.privacy.fields import EncryptedTextField
from woonkans.privacy.personal_data import Category, ChangeLog, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from .workflow import PENDING, RequestKind, RequestStatus

ANSWER_MONTHS = 1  # art. 12(3): without undue delay, at the latest within one month
EXTENSION_MONTHS = 2  # art. 12(3): extendable by two further months, with reasons


def answer_due(received_on: date) -> date:
    return received_on + relativedelta(months=ANSWER_MONTHS)


class SubjectRequestQuerySet(NumberedQuerySet):
    def pending(self):
        return self.filter(status__in=PENDING)

    def overdue(self, today: date):
        """Open requests past their (possibly extended) deadline. A restriction in effect is answered."""
        return self.filter(status=RequestStatus.OPEN).filter(
            models.Q(extended_to__isnull=True, due_on__lt=today) | models.Q(extended_to__lt=today)
        )


class SubjectRequest(NumberedMixin, GuardedStatus, models.Model):
    NUMBER_PREFIX = "AVG"
    NUMBER_DATE_FIELD = "registered_at"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    number = models.CharField(_("verzoeknummer"), max_length=16, unique=True, null=True, editable=False)
    referral = models.ForeignKey("referrals.Referral", on_delete=models.PROTECT, related_name="subject_requests")
    municipality = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort verzoek"), max_length=16, choices=RequestKind.choices)
    status = models.CharField(max_length=10, choices=RequestStatus.choices, default=RequestStatus.OPEN)
    received_on = models.DateField(_("ontvangen op"))
    due_on = models.DateField(_("uiterlijk beantwoorden op"))
    extended_to = models.DateField(_("verlengd tot"), null=True, blank=True)
    extension_reason = models.TextField(_("reden van verlenging"), blank=True)
    # What the resident asked, in their words: may hold personal data, so encrypted.
    request_text = EncryptedTextField(_("omschrijving van het verzoek"))
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = EncryptedTextField(_("motivering"), blank=True)
    resident_informed_on = models.DateField(_("inwoner geïnformeerd op"), null=True, blank=True)
    # Restriction (art. 18(3)): the resident must be told before the restriction is lifted.
    lift_announced_on = models.DateField(_("opheffing aangekondigd op"), null=True, blank=True)
    lifted_at = models.DateTimeField(null=True, blank=True)

    objects = SubjectRequestQuerySet.as_manager()

    personal_data = PersonalData.of(
        case="kind received_on due_on extended_to extension_reason resident_informed_on lift_announced_on",
        fields={
            "municipality": PersonalField(Category.CASE, label=_("gemeente")),
            "status": PersonalField(Category.CASE, label=_("status")),
            "request_text": PersonalField(Category.FREE_TEXT, change_log=ChangeLog.EXCLUDE, exported=False),
            "registered_at": PersonalField(Category.CASE, label=_("geregistreerd op")),
            "decided_at": PersonalField(Category.CASE, label=_("besloten op")),
            "decision_reason": PersonalField(Category.FREE_TEXT, change_log=ChangeLog.EXCLUDE, exported=False),
            "lifted_at": PersonalField(Category.CASE, label=_("opgeheven op")),
        },
        not_personal="id number referral registered_by decided_by",
        on_purge=OnPurge.KEEP,
    )

    class Meta:
        ordering = ["due_on", "registered_at"]
        verbose_name = _("verzoek van een betrokkene")
        verbose_name_plural = _("verzoeken van betrokkenen")
        indexes = [models.Index(fields=["municipality", "status", "due_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.short_reference}"

    @property
    def short_reference(self):
        return self.number or str(self.id)[:8].upper()

    @property
    def deadline(self) -> date:
        return self.extended_to or self.due_on

    def is_overdue(self, today: date | None = None) -> bool:
        return self.status == RequestStatus.OPEN and self.deadline < (today or timezone.localdate())

    @property
    def is_pending(self):
        return self.status in PENDING


class Rectification(models.Model):
    """One correction made for a rectification request. Old and new values stay out of this row:
    the change log (auditlog) of the corrected record already holds them."""

    request = models.ForeignKey(SubjectRequest, on_delete=models.PROTECT, related_name="rectifications")
    record = models.CharField(_("gegevens"), max_length=20)
    field = models.CharField(_("veld"), max_length=64)
    field_label = models.CharField(_("veld"), max_length=200)
    reason = models.TextField(_("reden van de correctie"))
    corrected_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    corrected_at = models.DateTimeField(default=timezone.now)
    notified = models.JSONField(_("geïnformeerde organisaties"), default=list)

    personal_data = PersonalData.of(
        fields={
            "record": PersonalField(Category.CASE, exported=False),
            "field": PersonalField(Category.CASE, exported=False),
            "field_label": PersonalField(Category.CASE, exported=False),
            "reason": PersonalField(Category.FREE_TEXT, exported=False),
            "corrected_at": PersonalField(Category.CASE, exported=False),
            "notified": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id request corrected_by",
        on_purge=OnPurge.KEEP,
    )

    class Meta:
        ordering = ["corrected_at", "id"]
        verbose_name = _("correctie")
        verbose_name_plural = _("correcties")

    def __str__(self):
        return f"{self.field_label} ({self.corrected_at:%d-%m-%Y})"
