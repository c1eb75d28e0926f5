"""Notifications: an e-mail with a link, never personal data; queued after the transaction commits.

Only user ids and fixed texts travel to the task (no personal data in task arguments).
"""

from django.db import transaction

from woonkans.accounts.models import User


def recipients(*, organisations, roles):
    return list(
        User.objects.filter(organisation__in=organisations, is_active=True, role_assignments__role__in=roles)
        .exclude(email="")
        .values_list("pk", flat=True)
        .distinct()
    )


def notify(*, organisations, roles, subject, intro, path):
    from woonkans.accounts.tasks import send_notification

    user_ids = recipients(organisations=organisations, roles=roles)
    if user_ids:
        transaction.on_commit(
            lambda: send_notification.delay(user_ids=user_ids, subject=str(subject), intro=str(intro), path=path)
        )


def notify_users(*, users, subject, intro, path):
    """The same e-mail to named users (an appointed casusregisseur, say) instead of whole roles."""
    from woonkans.accounts.tasks import send_notification

    user_ids = [user.pk for user in users if user is not None and user.is_active and user.email]
    if user_ids:
        transaction.on_commit(
            lambda: send_notification.delay(user_ids=user_ids, subject=str(subject), intro=str(intro), path=path)
        )
