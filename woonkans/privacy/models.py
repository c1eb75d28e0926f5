"""Fields shared by every model that points at a file in private storage (see files.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StoredFileFields(models.Model):
    path = models.CharField(max_length=300, editable=False)
    file_name = models.CharField(_("bestandsnaam"), max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    @classmethod
    def from_stored(cls, stored, **fields):
        """Build the row for a StoredFile returned by files.store_upload."""
        return cls(
            path=stored.path,
            file_name=stored.original_name,
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            **fields,
        )
