"""The documents uploaded to a case (stored encrypted on private storage)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.privacy.models import StoredFileFields
from woonkans.privacy.personal_data import Category, ChangeLog, OnPurge, PersonalData, PersonalField

from .referral import Referral


class DocumentKind(models.TextChoices):
    LANDLORD_STATEMENT = "landlord_statement", _("Verhuurdersverklaring (laatste 5 jaar)")
    GBA_EXTRACT = "gba_extract", _("Uittreksel BRP/GBA met adreshistorie")
    INCOME_STATEMENT = "income_statement", _("Inkomensverklaring (IB60)")
    GUARDIANSHIP_DECISION = "guardianship_decision", _("Beschikking bewindvoering")
    OTHER = "other", _("Overig")


class Document(StoredFileFields):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("soort document"), max_length=32, choices=DocumentKind.choices)

    personal_data = PersonalData.of(
        identifying="file_name",
        case="kind",
        fields={
            "path": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "content_type": PersonalField(Category.CASE, label=_("bestandstype")),
            "size": PersonalField(Category.CASE, label=_("grootte (bytes)")),
            "sha256": PersonalField(Category.IDENTIFYING, change_log=ChangeLog.EXCLUDE, exported=False),
            "uploaded_at": PersonalField(Category.CASE, label=_("geüpload op")),
        },
        not_personal="uploaded_by id referral",
        on_purge=OnPurge.DELETE,
    )

    class Meta:
        ordering = ["kind", "uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documenten")

    def __str__(self):
        return self.file_name
