from celery import shared_task

from .reviews import deactivate_inactive, open_reviews


@shared_task(name="woonkans.accounts.tasks.send_notification")
def send_notification(*, user_ids, subject, intro, path):
    """Tasks queued before the outbox existed: they become an outbox row. Remove after the next release."""
    from woonkans.notifications.services import enqueue

    enqueue(user_ids=user_ids, subject=subject, intro=intro, path=path)


@shared_task(name="woonkans.accounts.tasks.open_access_reviews")
def open_access_reviews():
    """Twice a year: a review per organisation (DPIA §16)."""
    return len(open_reviews())


@shared_task(name="woonkans.accounts.tasks.deactivate_inactive_accounts")
def deactivate_inactive_accounts():
    """Daily: deactivate accounts unused for ACCOUNT_INACTIVITY_DAYS."""
    return deactivate_inactive()
