"""The outbox: one row per notification e-mail, written in the transaction of the action it reports.

A row holds user ids and the fixed texts of the e-mail (subject, intro, link path), never an
address or other personal data: addresses are looked up when the e-mail is sent.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("wacht op verzending")
    SENT = "sent", _("verstuurd")
    FAILED = "failed", _("opgegeven")


class OutboxMessage(models.Model):
    recipient_ids = models.JSONField(default=list)
    # Recipients already mailed by an earlier, interrupted attempt: a retry skips them.
    delivered_ids = models.JSONField(default=list, blank=True)
    subject = models.CharField(max_length=200)
    intro = models.TextField()
    path = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # The kind of failure only (exception class, SMTP code): SMTP messages can name addresses.
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "created_at"], name="outbox_backlog"),
        ]

    def __str__(self):
        return f"outbox {self.pk} ({self.status})"
