"""Notifications: an e-mail with a link, never personal data, sent through a transactional outbox.

`notify` and `notify_users` write an outbox row in the caller's transaction: a rolled-back action
sends nothing, a committed one always has its row. After the commit the row's id (the only task
argument) is handed to the worker; when the broker is down the periodic delivery picks it up
(woonkans.notifications.services). Only user ids and fixed texts are stored.

Models are imported inside the functions: this package is also the app Django loads first.
"""


def recipients(*, organisations, roles):
    from woonkans.accounts.models import User

    return list(
        User.objects.filter(organisation__in=organisations, is_active=True, role_assignments__role__in=roles)
        .exclude(email="")
        .values_list("pk", flat=True)
        .distinct()
    )


def notify(*, organisations, roles, subject, intro, path):
    from .services import enqueue

    user_ids = recipients(organisations=organisations, roles=roles)
    if user_ids:
        enqueue(user_ids=user_ids, subject=subject, intro=intro, path=path)


def notify_users(*, users, subject, intro, path):
    """The same e-mail to named users (an appointed casusregisseur, say) instead of whole roles."""
    from .services import enqueue

    user_ids = [user.pk for user in users if user is not None and user.is_active and user.email]
    if user_ids:
        enqueue(user_ids=user_ids, subject=subject, intro=intro, path=path)
