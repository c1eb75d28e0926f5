from celery import shared_task

from .retention import purge_due


@shared_task(name="woonkans.privacy.tasks.purge_personal_data")
def purge_personal_data(dry_run=False):
    """Nightly (CELERY_BEAT_SCHEDULE): purge the personal data of cases past their retention period."""
    return purge_due(dry_run=dry_run)
