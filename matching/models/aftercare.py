"""After-care that changes hands: another care provider (SOK art. 10.4) and the warm handover (art. 6.1).

Both are handshakes: the proposal is recorded first and changes nothing; only the receiving
side's acceptance moves the case, and with it the grants (woonkans.privacy.disclosure).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation, Region
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField
from woonkans.state import GuardedStatus

from .profile import Profile


class HandshakeStatus(models.TextChoices):
    PROPOSED = "proposed", _("Voorgesteld")
    ACCEPTED = "accepted", _("Geaccepteerd")
    REFUSED = "refused", _("Geweigerd")


class ProviderChange(GuardedStatus, models.Model):
    """The chair proposes another care provider for a running trajectory; the new provider accepts."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="provider_changes")
    status = models.CharField(max_length=10, choices=HandshakeStatus.choices, default=HandshakeStatus.PROPOSED)
    from_provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("huidige zorgaanbieder")
    )
    to_provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("nieuwe zorgaanbieder")
    )
    reason = models.TextField(_("reden"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    refusal_reason = models.TextField(_("reden van weigering"), blank=True)

    personal_data = PersonalData.of(
        free_text="reason refusal_reason",
        case="from_provider to_provider proposed_at decided_at",
        fields={"status": PersonalField(Category.CASE, label=_("status"))},
        not_personal="id profile proposed_by decided_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("vervanging zorgaanbieder")
        verbose_name_plural = _("vervangingen van zorgaanbieders")

    def __str__(self):
        return f"Vervanging zorgaanbieder {self.profile}"


class Handover(GuardedStatus, models.Model):
    """Warm handover between the two regions' overleggen (art. 6.1): proposed with a note, accepted or refused."""

    profile = models.ForeignKey(Profile, on_delete=models.CASCADE, related_name="handovers")
    status = models.CharField(max_length=10, choices=HandshakeStatus.choices, default=HandshakeStatus.PROPOSED)
    from_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("van regio"))
    to_region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("naar regio"))
    note = models.TextField(_("overdrachtsnotitie"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(_("voorgesteld op"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("beslist op"), null=True, blank=True)
    refusal_reason = models.TextField(_("reden van weigering"), blank=True)

    personal_data = PersonalData.of(
        free_text="note refusal_reason",
        case="from_region to_region proposed_at decided_at",
        fields={"status": PersonalField(Category.CASE, label=_("status"))},
        not_personal="id profile proposed_by decided_by",
        on_purge=OnPurge.BLANK,
    )

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("warme overdracht")
        verbose_name_plural = _("warme overdrachten")

    def __str__(self):
        return f"Warme overdracht {self.profile}"
