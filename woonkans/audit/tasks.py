from celery import shared_task
from django.conf import settings
from django.utils import timezone

from woonkans.notifications.services import prune_delivered

from .retention import prune_logs as prune_logs_now


@shared_task(name="woonkans.audit.tasks.prune_logs")
def prune_logs():
    now = timezone.now()
    counts = prune_logs_now(cutoff=now - timezone.timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS))
    # Sent notification e-mails: no personal data, but no reason to keep them either.
    counts["sent_notifications"] = prune_delivered(
        before=now - timezone.timedelta(days=settings.NOTIFICATION_RETENTION_DAYS)
    )
    return counts
