"""The wizard's autosave and the submit button at the same moment: real threads, real connections.

On SQLite the tests run on a database file with the portal's own connection settings: the
in-memory test database has one shared cache for all threads and hides the file locking
behind "database is locked". On PostgreSQL they run on the test database as it is.
"""

import sqlite3
import threading

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from referrals import services
from referrals.models import FormDraft, Referral
from referrals.workflow import Status
from woonkans.confirm import token_for

from ..conftest import sign_in
from .conftest import make_ready

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TYPED = {"housing_situation": "Slaapt sinds maart bij zijn zus op de bank."}
WAIT = 10  # seconds: a thread that waits longer than this is stuck, the test then fails


@pytest.fixture
def database_file(tmp_path):
    """On SQLite, move the test database (reference data included) to a file for this test."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    memory = connection.connection  # keeps the in-memory database alive meanwhile
    path = tmp_path / "portal.sqlite3"
    target = sqlite3.connect(path)
    memory.backup(target)
    target.close()
    # One dict for settings.DATABASES, this connection and every connection a new thread opens.
    settings_dict = connection.settings_dict
    original = settings_dict["NAME"]
    settings_dict["NAME"] = str(path)
    connection.connection = None
    try:
        yield
    finally:
        connection.close()
        settings_dict["NAME"] = original
        connection.connection = memory


def browser_of(consultant):
    """Two clients with one session: the autosave and the button press come from the same tab."""
    first = sign_in(Client(raise_request_exception=False), consultant)
    second = Client(raise_request_exception=False)
    second.cookies[settings.SESSION_COOKIE_NAME] = first.cookies[settings.SESSION_COOKIE_NAME].value
    return first, second


def in_thread(target):
    answer = {}

    def run():
        try:
            answer["response"] = target()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, answer


def autosave_url(referral):
    return reverse("referrals:autosave", kwargs={"referral_id": referral.pk, "step": "leefgebieden"})


def submit_url(referral):
    return reverse("referrals:submit", kwargs={"referral_id": referral.pk})


def confirmed(referral):
    """What the confirmation page's "Indienen" posts (the submission itself is what is raced here)."""
    return {"confirm_token": token_for(user=referral.created_by, path=submit_url(referral), data={})}


def test_autosave_while_the_submission_is_being_written(database_file, people, monkeypatch):
    """The submission has read the case and is about to write it when an autosave comes in.

    Both are answered: the submission goes through, the autosave waits for it and then says it
    did not save (the case is no longer editable). Before, on SQLite, one of them failed at
    once with "database is locked" (500) while the other said "Concept opgeslagen".
    """
    consultant = people["venlo"]
    referral = make_ready(consultant)
    tab, autosaver = browser_of(consultant)
    submission_has_read, autosave_answered = threading.Event(), threading.Event()
    checks = services.submission_problems

    def checks_then_pause(*args, **kwargs):
        # Inside the submission's transaction, after its first reads: let the autosave come in.
        submission_has_read.set()
        autosave_answered.wait(timeout=2)
        return checks(*args, **kwargs)

    # submit_referral looks the check up in its own module.
    monkeypatch.setattr(services.submission, "submission_problems", checks_then_pause)

    def autosave():
        assert submission_has_read.wait(timeout=WAIT)
        try:
            return autosaver.post(autosave_url(referral), TYPED)
        finally:
            autosave_answered.set()

    submitting, submitted = in_thread(lambda: tab.post(submit_url(referral), confirmed(referral)))
    saving, saved = in_thread(autosave)
    submitting.join(timeout=60)
    saving.join(timeout=60)

    assert submitted["response"].status_code == 302
    assert submitted["response"]["Location"] == reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED
    answer = saved["response"]
    assert answer.status_code == 200
    assert "Niet opgeslagen" in answer.content.decode() and "Concept opgeslagen" not in answer.content.decode()
    assert not FormDraft.objects.filter(referral=referral).exists()


def test_an_autosave_that_arrives_after_the_submission_keeps_nothing(database_file, people, monkeypatch):
    """The autosave read the case while it was still a draft and writes after the submission.

    It must not bring back a draft of a submitted case, nor tell the user it saved one.
    """
    consultant = people["venlo"]
    referral = make_ready(consultant)
    tab, autosaver = browser_of(consultant)
    assert "Concept opgeslagen" in autosaver.post(autosave_url(referral), TYPED).content.decode()
    autosave_has_read, submission_done = threading.Event(), threading.Event()
    save_draft = services.save_draft

    def late_save_draft(**kwargs):
        autosave_has_read.set()
        assert submission_done.wait(timeout=WAIT)
        return save_draft(**kwargs)

    monkeypatch.setattr(services, "save_draft", late_save_draft)

    def submit():
        assert autosave_has_read.wait(timeout=WAIT)
        try:
            return tab.post(submit_url(referral), confirmed(referral))
        finally:
            submission_done.set()

    saving, saved = in_thread(lambda: autosaver.post(autosave_url(referral), {**TYPED, "support_need": "Later"}))
    submitting, submitted = in_thread(submit)
    submitting.join(timeout=60)
    saving.join(timeout=60)

    assert submitted["response"].status_code == 302
    assert Referral.objects.get(pk=referral.pk).status == Status.SUBMITTED
    answer = saved["response"].content.decode()
    assert "Niet opgeslagen" in answer and "Concept opgeslagen" not in answer
    assert not FormDraft.objects.filter(referral=referral).exists()


def test_every_sqlite_connection_uses_wal_and_waits_for_the_write_lock(database_file):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's connection settings")

    def settings_of_a_new_connection():
        with connection.cursor() as cursor:
            modes = [cursor.execute(f"PRAGMA {name}").fetchone()[0] for name in ("journal_mode", "busy_timeout")]
        return [*modes, connection.transaction_mode]

    thread, answer = in_thread(settings_of_a_new_connection)
    thread.join(timeout=60)
    assert answer["response"] == ["wal", 20_000, "IMMEDIATE"]
