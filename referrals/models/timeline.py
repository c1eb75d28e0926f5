"""The case's timeline: one event per business action."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField

from .referral import Referral


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
    EXCLUSION_REQUESTED = "exclusion_requested", _("Incidentele uitsluiting aangevraagd")
    EXCLUDED = "excluded", _("Incidenteel uitgesloten door het Woonkans-overleg")
    NOT_EXCLUDED = "not_excluded", _("Uitsluiting afgewezen door het Woonkans-overleg")
    PROFILE_SHARED = "profile_shared", _("Profiel gedeeld met corporaties")
    MATCHED = "matched", _("Gematcht met een corporatie")
    HOUSED = "housed", _("Gehuisvest")
    HANDED_OVER = "handed_over", _("Warme overdracht naar de andere regio")
    # After-care (written by matching through record_route_event; SOK art. 6.1, 8.1, 8.3, 10.4).
    HANDOVER_PROPOSED = "handover_proposed", _("Warme overdracht voorgesteld")
    HANDOVER_REFUSED = "handover_refused", _("Warme overdracht geweigerd")
    CONTACTS_CHANGED = "contacts_changed", _("Vaste aanspreekpunten gewijzigd")
    PROVIDER_REPLACED = "provider_replaced", _("Zorgaanbieder vervangen")
    SIGNAL_RAISED = "signal_raised", _("Signaal gemeld")
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
        verbose_name = _("stap in de zaak")
        verbose_name_plural = _("stappen in de zaak")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.at:%d-%m-%Y})"
