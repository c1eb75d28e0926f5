from celery import shared_task

from .services.intake import remove_empty_drafts


@shared_task(name="referrals.tasks.remove_empty_drafts")
def remove_empty_drafts_task():
    """Daily: "Nieuwe aanmelding starten" left empty for two weeks is removed (and logged)."""
    return remove_empty_drafts()
