from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .retention import prune_logs as prune_logs_now


@shared_task(name="woonkans.audit.tasks.prune_logs")
def prune_logs():
    cutoff = timezone.now() - timezone.timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS)
    return prune_logs_now(cutoff=cutoff)
