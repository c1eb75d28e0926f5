from celery import shared_task

from . import services


@shared_task(name="woonkans.notifications.tasks.deliver_notification", ignore_result=True)
def deliver_notification(outbox_id):
    """Right after the action's commit: send that one row (its id is the only argument)."""
    return services.deliver(outbox_id)


@shared_task(name="woonkans.notifications.tasks.deliver_due_notifications")
def deliver_due_notifications():
    """Every minute: send what the broker never passed on and what is due for a retry."""
    return services.deliver_due()
