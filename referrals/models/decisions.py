"""What the region answers: the regisseur's feedback and the overleg's exception requests."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.numbering import NumberedMixin, NumberedQuerySet
from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField

from .referral import Referral


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


class ExceptionRequest(NumberedMixin, models.Model):
    """An anonymous case put to the region's Woonkans-overleg (decided in the matching stage).

    Preamble of the SOK: "incidentele uitsluiting of verbreding van de Doelgroep", argued and anonymous,
    decided by a majority of those present. A widening asks to admit a case that fails a criterion of
    art. 1b; an incidental exclusion asks to exclude a case that meets every criterion.
    """

    class Kind(models.TextChoices):
        WIDENING = "widening", _("Verbreding van de doelgroep")
        EXCLUSION = "exclusion", _("Incidentele uitsluiting")

    class Decision(models.TextChoices):
        OPEN = "open", _("Open")
        GRANTED = "granted", _("Toegekend")
        REFUSED = "refused", _("Afgewezen")

    NUMBER_PREFIX = "UV"
    NUMBER_DATE_FIELD = "requested_at"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Its own sequence: the overleg reads this number, never the case's (the request is anonymous).
    number = models.CharField(_("nummer"), max_length=16, unique=True, null=True, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="exception_requests")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("soort verzoek"), max_length=10, choices=Kind.choices, default=Kind.WIDENING)
    failed_conditions = models.JSONField(default=list)
    motivation = models.TextField(_("motivering (anoniem)"))
    # The motivation was scanned for the resident's identifying data when it was requested (and had
    # none): only such a text is shown to the corporations and providers at the overleg.
    scanned = models.BooleanField(default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = NumberedQuerySet.as_manager()

    personal_data = PersonalData.of(
        free_text="motivation",
        fields={
            "region": PersonalField(Category.CASE, label=_("regio")),
            "kind": PersonalField(Category.CASE, label=_("soort verzoek")),
            "failed_conditions": PersonalField(Category.FREE_TEXT, label=_("niet voldaan aan")),
            "requested_at": PersonalField(Category.CASE, label=_("aangevraagd op")),
            "decision": PersonalField(Category.CASE, label=_("besluit")),
            "decided_at": PersonalField(Category.CASE, label=_("besloten op")),
        },
        not_personal="id number referral requested_by scanned",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("uitzonderingsverzoek")
        verbose_name_plural = _("uitzonderingsverzoeken")

    def __str__(self):
        return f"Uitzonderingsverzoek {self.reference}"

    @property
    def reference(self):
        return self.number or str(self.id)[:8].upper()
