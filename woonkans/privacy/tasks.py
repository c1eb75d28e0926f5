from celery import shared_task

from .retention import purge_due


@shared_task(name="woonkans.privacy.tasks.purge_personal_data")
def purge_personal_data(dry_run=False):
    """Nightly (CELERY_BEAT_SCHEDULE): purge the personal data of cases past their retention period."""
    return purge_due(dry_run=dry_run)


@shared_task(name="woonkans.privacy.tasks.check_disclosure")
def check_disclosure(fix=True):
    """Nightly (CELERY_BEAT_SCHEDULE): every case's grants against the disclosure policy; repaired by default.

    Returns case ids only (never personal data).
    """
    from .disclosure_check import run_check

    return run_check(fix=fix)
