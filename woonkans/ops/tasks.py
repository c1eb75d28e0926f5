"""Beat tasks for point-in-time recovery (woonkans/ops/pitr). They take no arguments and log no
personal data: labels, counts, durations. Without BACKUP_ENABLED they do nothing (a developer's
machine, the tests), so the schedule is safe everywhere."""

import logging

from celery import shared_task
from django.conf import settings

from . import pitr

logger = logging.getLogger("woonkans.ops.backup")


def _serialisable(result: dict) -> dict:
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in result.items()}


@shared_task(name="woonkans.ops.tasks.nightly_backup")
def nightly_backup():
    """Weekly full, otherwise differential; skipped when a backup finished less than 12 h ago."""
    if not settings.BACKUP_ENABLED:
        return {"disabled": True}
    try:
        return _serialisable(pitr.backup(pitr.Config.from_settings(), kind="auto"))
    except pitr.BackupError as error:
        # The tool's own message: paths and labels, never table contents. ERROR is what the alerting reads.
        logger.error("BACKUP FAILED: %s", error)
        raise


@shared_task(name="woonkans.ops.tasks.snapshot_private_files")
def snapshot_private_files():
    if not settings.BACKUP_ENABLED:
        return {"disabled": True}
    return _serialisable(pitr.snapshot_files(pitr.Config.from_settings()))


@shared_task(name="woonkans.ops.tasks.check_backups")
def check_backups():
    """Logs 'BACKUP STALE' at ERROR when the newest backup is older than BACKUP_MAX_AGE_HOURS."""
    if not settings.BACKUP_ENABLED:
        return {"disabled": True}
    return _serialisable(pitr.status(pitr.Config.from_settings()))
