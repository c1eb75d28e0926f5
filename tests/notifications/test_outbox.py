"""The notification outbox: a saved action always answers success, its e-mail is delivered once, later if need be."""

import os
import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from matching.models import ProfileMessage
from referrals import services as referral_services
from referrals.models import Identity, Referral
from woonkans.audit.tasks import prune_logs
from woonkans.notifications import notify_users, services
from woonkans.notifications.models import OutboxMessage, OutboxStatus
from woonkans.notifications.tasks import deliver_due_notifications, deliver_notification

from ..matching.conftest import make_shared, org
from ..referrals.conftest import municipality

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: every connection is refused
REPORT = {
    "given_name": "Piet",
    "family_name": "Peters",
    "street_address": "Markt 2",
    "postcode": "5911AB",
    "city": "Venlo",
    "phone": "0611111111",
    "email": "",
    "mandate": "on",
}
# Real commits, so the after-commit hand-over runs inside the request as in production.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def broker(settings):
    """Point the Celery app at a broker (not eager); restore the in-process default afterwards."""
    from woonkans.celery import app

    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}

    def forget_connections():
        from kombu import pools

        pools.reset()  # close and forget every pooled broker connection (they are keyed by URL)
        app._pool = None
        app.amqp._producer_pool = None

    def use(url):
        settings.CELERY_TASK_ALWAYS_EAGER = False
        settings.CELERY_BROKER_URL = url
        app.conf.task_always_eager = False
        app.conf.broker_url = url
        forget_connections()

    yield use
    app.conf.update(saved)
    forget_connections()


def real_redis():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI_REQUIRE_POSTGRES"):
            pytest.fail("CI must deliver the outbox through a real Redis (TEST_REDIS_URL)", pytrace=False)
        pytest.skip("needs a real Redis: set TEST_REDIS_URL")
    return url


def broker_queue(url):
    from kombu import Connection

    conn = Connection(url)
    return conn, conn.SimpleQueue("celery")


def clear_broker(url):
    conn, queue = broker_queue(url)
    with conn:
        queue.clear()
        queue.close()


def run_worker(url):
    """What a Celery worker does: take each queued task message from the broker and run it."""
    from woonkans.celery import app

    ran = []
    conn, queue = broker_queue(url)
    with conn:
        try:
            while True:
                try:
                    message = queue.get(block=True, timeout=1)
                except queue.Empty:
                    break
                args, kwargs, _embed = message.payload
                name = message.headers["task"]
                ran.append((name, args, kwargs))
                app.tasks[name].apply(args=args, kwargs=kwargs)
                message.ack()
        finally:
            queue.close()
    return ran


def report(client):
    return client.post(
        reverse("referrals:report_new"), {**REPORT, "municipality": municipality("Venlo").pk}, follow=True
    )


def assert_no_personal_data(row):
    stored = f"{row.subject} {row.intro} {row.path} {row.last_error} {row.recipient_ids}"
    for personal in ("Piet", "Peters", "Markt", "0611111111", "@"):
        assert personal not in stored


class FlakyBackend(BaseEmailBackend):
    """A mail server that refuses the addresses in `refuse` (as SMTP does, naming them)."""

    refuse = set()
    sent = []

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refuse:
                raise smtplib.SMTPRecipientsRefused({message.to[0]: (451, b"try again later")})
            FlakyBackend.sent.append(message.to[0])
            mail.outbox.append(message)
        return len(messages)


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = f"{__name__}.FlakyBackend"
    FlakyBackend.refuse = set()
    FlakyBackend.sent = []
    return FlakyBackend


# --- a dead broker never fails a saved action ---------------------------------------------------------


@committed
def test_a_report_with_the_broker_down_answers_success_and_waits_in_the_outbox(
    client, signed_in, people, broker, caplog
):
    broker(CLOSED_PORT)
    signed_in(people["moveoo"])

    response = report(client)

    assert response.status_code == 200
    assert "De melding is verstuurd naar het Wmo-loket" in response.content.decode()
    assert Identity.objects.filter(family_name="Peters").count() == 1
    (row,) = OutboxMessage.objects.all()
    assert row.status == OutboxStatus.PENDING and row.recipient_ids == [people["venlo"].pk]
    assert_no_personal_data(row)
    assert mail.outbox == []
    # The operator learns the hand-over failed, without any of the report's data.
    assert f"notification {row.pk} not handed to the worker" in caplog.text
    assert "Peters" not in caplog.text and "Piet" not in caplog.text

    # The periodic delivery (here its command) sends it once; a second run sends nothing.
    call_command("deliver_notifications")
    assert [message.to for message in mail.outbox] == [["venlo@example.org"]]
    referral = Identity.objects.get(family_name="Peters").referral
    assert str(referral.pk) in mail.outbox[0].body and "Peters" not in mail.outbox[0].body
    call_command("deliver_notifications")
    deliver_notification.apply(args=[row.pk])
    assert len(mail.outbox) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.sent_at is not None and row.attempts == 1


@committed
def test_a_message_in_the_question_thread_with_the_broker_down_is_saved_and_waits(client, signed_in, people, broker):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    waiting_before = OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count()
    broker(CLOSED_PORT)
    mail.outbox.clear()
    signed_in(people["noord"])

    response = client.post(
        reverse("matching:message", kwargs={"profile_id": profile.pk, "corporation_id": org("Woonwenz").pk}),
        {"text": "Is de woning in maart vrij?"},
    )

    assert response.status_code == 302
    assert ProfileMessage.objects.filter(profile=profile).count() == 1
    assert OutboxMessage.objects.exclude(status=OutboxStatus.SENT).count() == waiting_before + 1
    assert mail.outbox == []
    call_command("deliver_notifications")
    assert [message.to for message in mail.outbox] == [["woonwenz@example.org"]]


@committed
def test_the_delivery_reaches_the_worker_once_the_broker_answers(client, signed_in, people, broker):
    redis = real_redis()
    clear_broker(redis)
    broker(CLOSED_PORT)
    signed_in(people["moveoo"])
    assert report(client).status_code == 200
    (row,) = OutboxMessage.objects.all()
    assert row.status == OutboxStatus.PENDING

    # The broker is back: beat queues the periodic run, the worker takes it from Redis and sends.
    broker(redis)
    deliver_due_notifications.delay()
    ran = run_worker(redis)
    assert [name for name, _args, _kwargs in ran] == ["woonkans.notifications.tasks.deliver_due_notifications"]
    assert [message.to for message in mail.outbox] == [["venlo@example.org"]]

    # A second run, and a late hand-over of the same row, send nothing.
    deliver_due_notifications.delay()
    deliver_notification.delay(row.pk)
    assert len(run_worker(redis)) == 2
    assert len(mail.outbox) == 1

    # With the broker up, a new message is handed over right after the commit, with only the row's id.
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    run_worker(redis)
    mail.outbox.clear()
    signed_in(people["noord"])
    client.post(
        reverse("matching:message", kwargs={"profile_id": profile.pk, "corporation_id": org("Woonwenz").pk}),
        {"text": "Is de woning in maart vrij?"},
    )
    newest = OutboxMessage.objects.latest("pk")
    ran = run_worker(redis)
    assert ran == [("woonkans.notifications.tasks.deliver_notification", [newest.pk], {})]
    assert [message.to for message in mail.outbox] == [["woonwenz@example.org"]]
    deliver_notification.apply(args=[newest.pk])
    assert len(mail.outbox) == 1


# --- the row belongs to the action's transaction ------------------------------------------------------


@pytest.mark.django_db
def test_a_rolled_back_action_leaves_no_row_and_sends_nothing(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            referral_services.report_resident(
                actor=people["moveoo"],
                municipality=municipality("Venlo"),
                given_name="Piet",
                family_name="Peters",
                mandate=True,
            )
            assert OutboxMessage.objects.count() == 1  # written inside the action's transaction
            raise RuntimeError("the action fails after its notification")
    assert callbacks == []
    assert not Referral.objects.exists() and not OutboxMessage.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db
def test_without_a_broker_the_mail_goes_out_right_after_the_commit(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    assert [message.to for message in mail.outbox] == [["venlo@example.org"]]
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


# --- retries --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_failed_send_backs_off_exponentially_and_is_sent_once_the_server_takes_it(people, flaky_mail, caplog):
    flaky_mail.refuse = {"venlo@example.org"}
    notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    row = OutboxMessage.objects.get()
    start = timezone.now()

    assert services.deliver_due(now=start) == {"sent": 0, "not_sent": 1}
    row.refresh_from_db()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert row.next_attempt_at == start + timedelta(seconds=60)
    assert row.last_error == "SMTPRecipientsRefused" and "venlo" not in caplog.text

    # Not due yet: nothing is tried.
    assert services.deliver_due(now=start + timedelta(seconds=59)) == {"sent": 0, "not_sent": 0}
    second = start + timedelta(seconds=61)
    services.deliver_due(now=second)
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at == second + timedelta(seconds=120)

    flaky_mail.refuse = set()
    assert services.deliver_due(now=second + timedelta(seconds=121)) == {"sent": 1, "not_sent": 0}
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and row.attempts == 3 and row.last_error == ""
    assert flaky_mail.sent == ["venlo@example.org"]


def test_the_backoff_doubles_and_is_capped(settings):
    assert [services.backoff(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    assert services.backoff(30) == settings.NOTIFICATION_RETRY_MAX_SECONDS


@pytest.mark.django_db
def test_a_retry_never_mails_a_recipient_twice(people, flaky_mail):
    flaky_mail.refuse = {"noord@example.org"}
    notify_users(users=[people["venlo"], people["noord"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    now = timezone.now()
    services.deliver_due(now=now)
    flaky_mail.refuse = set()
    services.deliver_due(now=now + timedelta(hours=1))
    assert sorted(flaky_mail.sent) == ["noord@example.org", "venlo@example.org"]


@pytest.mark.django_db
def test_after_the_last_attempt_the_row_is_given_up_and_the_command_can_retry_it(people, flaky_mail, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 2
    flaky_mail.refuse = {"venlo@example.org"}
    notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    now = timezone.now()
    services.deliver_due(now=now)
    services.deliver_due(now=now + timedelta(hours=1))
    row = OutboxMessage.objects.get()
    assert row.status == OutboxStatus.FAILED
    assert services.deliver_due(now=now + timedelta(days=1)) == {"sent": 0, "not_sent": 0}

    flaky_mail.refuse = set()
    call_command("deliver_notifications", "--retry-failed")
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT and flaky_mail.sent == ["venlo@example.org"]


@pytest.mark.postgres
@pytest.mark.skipif(
    connection.vendor != "postgresql" and not os.environ.get("CI_REQUIRE_POSTGRES"), reason="row locks need PostgreSQL"
)
@committed
def test_two_workers_at_once_send_a_row_once(people, settings):
    settings.EMAIL_BACKEND = f"{__name__}.SlowBackend"
    SlowBackend.sent = []
    row = OutboxMessage.objects.create(recipient_ids=[people["venlo"].pk], subject="Onderwerp", intro="I", path="/x/")
    barrier = threading.Barrier(2)

    def work():
        try:
            barrier.wait()
            services.deliver(row.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert SlowBackend.sent == ["venlo@example.org"]


class SlowBackend(BaseEmailBackend):
    sent = []

    def send_messages(self, messages):
        import time

        time.sleep(0.5)  # long enough for the other worker to reach the row
        SlowBackend.sent.extend(message.to[0] for message in messages)
        return len(messages)


# --- operations -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_reports_the_backlog_and_its_oldest_age(client, people, settings):
    settings.NOTIFICATION_BACKLOG_MAX_AGE = 30 * 60
    notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(minutes=10))

    response = client.get("/healthz")
    assert response.status_code == 200
    state = response.json()["notifications"]
    assert state["backlog"] == 1 and 600 <= state["oldest_age_seconds"] < 700 and state["status"] == "ok"

    OutboxMessage.objects.update(created_at=timezone.now() - timedelta(hours=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["notifications"]["status"] == "behind"
    assert response.json()["notifications"]["oldest_age_seconds"] >= 7200


@pytest.mark.django_db
def test_delivery_is_scheduled_and_its_command_shows_the_backlog(people, settings, capsys):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert any(job["task"] == "woonkans.notifications.tasks.deliver_due_notifications" for job in schedule.values())
    notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    call_command("deliver_notifications", "--status")
    assert "Achterstand: 1" in capsys.readouterr().out
    assert mail.outbox == []


@pytest.mark.django_db
def test_sent_rows_are_pruned_after_the_retention_and_waiting_rows_are_kept(people, settings):
    settings.NOTIFICATION_RETENTION_DAYS = 30
    for _ in range(3):
        notify_users(users=[people["venlo"]], subject="Onderwerp", intro="Inleiding", path="/x/")
    old, recent, waiting = OutboxMessage.objects.order_by("pk")
    OutboxMessage.objects.filter(pk=old.pk).update(
        status=OutboxStatus.SENT, sent_at=timezone.now() - timedelta(days=31)
    )
    OutboxMessage.objects.filter(pk=recent.pk).update(status=OutboxStatus.SENT, sent_at=timezone.now())
    OutboxMessage.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - timedelta(days=90))

    counts = prune_logs.apply().get()

    assert counts["sent_notifications"] == 1
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}


@pytest.mark.django_db
def test_a_task_queued_before_the_outbox_existed_becomes_an_outbox_row(people):
    from woonkans.accounts.tasks import send_notification

    send_notification.apply(kwargs={"user_ids": [people["venlo"].pk], "subject": "S", "intro": "I", "path": "/x/"})
    assert OutboxMessage.objects.get().recipient_ids == [people["venlo"].pk]


@pytest.mark.django_db
def test_a_dead_broker_is_given_up_on_at_once(broker, caplog):
    """The user's request waits for one refused connection, not for the broker client's retries (6 s)."""
    import time

    broker(CLOSED_PORT)
    started = time.monotonic()
    services.hand_over(12345)
    assert time.monotonic() - started < 2
    assert "notification 12345 not handed to the worker (OperationalError)" in caplog.text
