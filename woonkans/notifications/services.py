"""Writing, handing over and delivering outbox rows.

Delivery is idempotent: a row is locked (skip_locked, so two workers never take the same row),
re-checked to be pending and due, sent, and marked sent in the same transaction. Recipients mailed
before an interruption are remembered on the row, so a retry never mails them twice.
"""

import logging
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import OutboxMessage, OutboxStatus

logger = logging.getLogger(__name__)

DELIVERY_BATCH = 500


def enqueue(*, user_ids, subject, intro, path):
    """Write the row in the current transaction; after the commit, hand its id to the worker."""
    message = OutboxMessage.objects.create(
        recipient_ids=sorted(set(user_ids)), subject=str(subject), intro=str(intro), path=path
    )
    transaction.on_commit(lambda: hand_over(message.pk))
    return message


def hand_over(outbox_id):
    """Queue the delivery task. A broker failure is logged and swallowed: the row waits for the periodic run."""
    from woonkans.celery import app

    from .tasks import deliver_notification

    try:
        if app.conf.task_always_eager:  # no broker (demo, tests): sent in-process, as before the outbox
            deliver_notification.apply_async(args=[outbox_id])
            return
        # One connection attempt and no publish retries: the outbox is the retry, and the user's
        # request must not wait for a dead broker (the pooled, retrying path took 6 s to give up).
        with app.connection_for_write() as connection:
            connection.ensure_connection(max_retries=0)
            deliver_notification.apply_async(args=[outbox_id], connection=connection, retry=False)
    except Exception as error:  # noqa: BLE001 - whatever the broker does, the committed action stands
        logger.warning(
            "notification %s not handed to the worker (%s); the periodic delivery sends it",
            outbox_id,
            type(error).__name__,
        )


def backoff(attempts):
    """Seconds to wait after the given number of failed attempts: doubling, capped."""
    base = settings.NOTIFICATION_RETRY_BASE_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), settings.NOTIFICATION_RETRY_MAX_SECONDS)


def _describe(error):
    code = getattr(error, "smtp_code", None)
    return (
        f"{type(error).__name__} {code}" if isinstance(error, smtplib.SMTPResponseException) else type(error).__name__
    )


def _body(message):
    link = settings.PORTAL_BASE_URL.rstrip("/") + message.path
    return "\n\n".join(
        [
            message.intro,
            link,
            _("Deze e-mail bevat bewust geen persoonsgegevens. Log in op het Woonkans-portaal om verder te gaan."),
        ]
    )


def _send(message, now):
    from woonkans.accounts.models import User

    done = set(message.delivered_ids)
    addresses = (
        User.objects.filter(pk__in=message.recipient_ids, is_active=True)
        .exclude(email="")
        .exclude(pk__in=done)
        .order_by("pk")
        .values_list("pk", "email")
    )
    body = _body(message)
    try:
        with get_connection() as connection:
            for user_id, address in addresses:
                connection.send_messages([EmailMessage(message.subject, body, settings.DEFAULT_FROM_EMAIL, [address])])
                done.add(user_id)
    except Exception as error:  # noqa: BLE001 - any failure is retried later; the row keeps what was sent
        message.delivered_ids = sorted(done)
        message.attempts += 1
        message.last_error = _describe(error)[:200]
        if message.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
            logger.error(
                "notification %s given up after %s attempts (%s)", message.pk, message.attempts, message.last_error
            )
        else:
            message.next_attempt_at = now + timedelta(seconds=backoff(message.attempts))
            logger.warning("notification %s attempt %s failed (%s)", message.pk, message.attempts, message.last_error)
        message.save(update_fields=["delivered_ids", "attempts", "last_error", "status", "next_attempt_at"])
        return False
    message.delivered_ids = sorted(done)
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = ""
    message.save(update_fields=["delivered_ids", "attempts", "status", "sent_at", "last_error"])
    return True


def deliver(outbox_id, *, now=None):
    """Send one row if it is pending and due; True when it was sent now. Safe to call any number of times."""
    now = now or timezone.now()
    with transaction.atomic():
        message = (
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk=outbox_id, status=OutboxStatus.PENDING, next_attempt_at__lte=now)
            .first()
        )
        if message is None:  # sent already, backing off, given up, or another worker holds it
            return False
        return _send(message, now)


def deliver_due(*, now=None, limit=DELIVERY_BATCH):
    """The periodic run: every due row, oldest first. Returns counts, no content."""
    now = now or timezone.now()
    due = list(
        OutboxMessage.objects.filter(status=OutboxStatus.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = sum(1 for outbox_id in due if deliver(outbox_id, now=now))
    return {"sent": sent, "not_sent": len(due) - sent}


def retry_failed():
    """An operator's second chance for rows given up on (after the mail server is fixed)."""
    return OutboxMessage.objects.filter(status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def backlog(*, now=None):
    """Undelivered rows (pending or given up) and the age of the oldest, in seconds."""
    now = now or timezone.now()
    undelivered = OutboxMessage.objects.exclude(status=OutboxStatus.SENT)
    oldest = undelivered.aggregate(oldest=Min("created_at"))["oldest"]
    return {
        "backlog": undelivered.count(),
        "failed": undelivered.filter(status=OutboxStatus.FAILED).count(),
        "oldest_age_seconds": int((now - oldest).total_seconds()) if oldest else 0,
    }


def prune_delivered(*, before):
    """Remove rows sent before the cutoff (they hold no personal data; this keeps the table small)."""
    return OutboxMessage.objects.filter(status=OutboxStatus.SENT, sent_at__lt=before).delete()[0]
