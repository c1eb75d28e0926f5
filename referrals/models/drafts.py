"""What a user typed in a step but did not save yet (encrypted)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.privacy.fields import EncryptedTextField
from woonkans.privacy.personal_data import Category, OnPurge, PersonalData, PersonalField

from .referral import Referral


class FormDraft(models.Model):
    """What a user typed in a step that could not be saved yet (invalid, or autosaved): encrypted."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="drafts")
    step = models.CharField(max_length=32)
    data = EncryptedTextField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    personal_data = PersonalData.of(
        fields={
            "step": PersonalField(Category.CASE, exported=False),
            "data": PersonalField(Category.FREE_TEXT, exported=False),
            "saved_at": PersonalField(Category.CASE, exported=False),
        },
        not_personal="id referral saved_by",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        verbose_name = _("concept van een formulier")
        verbose_name_plural = _("concepten van formulieren")
        constraints = [models.UniqueConstraint(fields=["referral", "step"], name="one_draft_per_step")]

    def __str__(self):
        return f"Concept {self.step}"
