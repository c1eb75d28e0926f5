"""What every signed-in request pays: the user and its roles in one query, the session written only when
its idle clock moves (benchmarks/NOTES.md, the load run)."""

import time
import types

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from woonkans.accounts import middleware
from woonkans.accounts.middleware import LAST_ACTIVITY_KEY
from woonkans.accounts.models import RoleAssignment
from woonkans.accounts.roles import Role


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")


def test_the_user_is_read_with_its_roles_and_a_revoked_role_is_gone_on_the_next_request(client, signed_in, consultant):
    signed_in(consultant)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    user_reads = [q["sql"] for q in queries if 'FROM "accounts_user"' in q["sql"]]
    assert len(user_reads) == 1
    if connection.vendor == "postgresql":  # the role codes in the user's own row; SQLite reads them with one prefetch
        assert "accounts_roleassignment" in user_reads[0]
        assert not [q for q in queries if q["sql"].startswith('SELECT "accounts_roleassignment"')]
    assert response.wsgi_request.user.role_codes == [Role.WMO_CONSULTANT]
    assert "Wmo-consulent" in response.content.decode()  # the header shows the roles

    RoleAssignment.objects.filter(user=consultant).delete()
    response = client.get(reverse("accessibility"))
    assert response.wsgi_request.user.role_codes == []
    assert client.get(reverse("referrals:list")).status_code == 404


def test_every_request_writes_the_idle_clock_so_a_page_costs_the_same_queries_each_time(
    client, signed_in, consultant, monkeypatch
):
    """The idle clock is written on every request, also twice in one second: a page's number of queries
    must not depend on the clock (issue 17), and the idle logout counts from the last request."""
    signed_in(consultant)
    start = int(time.time()) + 1  # the login started the idle clock a moment ago
    clock = types.SimpleNamespace(now=start + 0.2)
    monkeypatch.setattr(middleware, "time", types.SimpleNamespace(time=lambda: clock.now))
    assert client.get(reverse("accessibility")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == start

    def session_writes():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("accessibility")).status_code == 200
        return [q for q in queries if q["sql"].startswith('UPDATE "django_session"')]

    clock.now += 0.5  # the same second
    assert len(session_writes()) == 1
    clock.now += 1  # a second later
    assert len(session_writes()) == 1
    assert client.session[LAST_ACTIVITY_KEY] == start + 1


def test_the_idle_clock_is_one_update_without_a_transaction_around_it(client, signed_in, consultant):
    """Django's store wraps every session write in BEGIN ... COMMIT (three round trips on every page);
    the portal's writes an existing session with one UPDATE (accounts/sessions.py)."""
    signed_in(consultant)
    assert client.get(reverse("accessibility")).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("accessibility")).status_code == 200
    statements = [q["sql"] for q in queries]
    assert sum(sql.startswith('UPDATE "django_session"') for sql in statements) == 1
    # Under the test's own transaction an atomic block shows as a savepoint.
    assert not [sql for sql in statements if sql.split()[0] in ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE")]


@pytest.mark.django_db
def test_a_session_deleted_meanwhile_is_not_written_back():
    """As Django's store: an update that finds no row is UpdateError (SessionMiddleware answers 400),
    never a new row that would revive a session ended elsewhere."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.models import Session

    from woonkans.accounts.sessions import SessionStore

    store = SessionStore()
    store["step"] = 1
    store.create()
    store["step"] = 2
    store.save()
    assert SessionStore(session_key=store.session_key)["step"] == 2
    Session.objects.filter(session_key=store.session_key).delete()
    store["step"] = 3
    with pytest.raises(UpdateError):
        store.save()
    assert not Session.objects.filter(session_key=store.session_key).exists()


@pytest.mark.django_db
def test_an_expired_session_is_not_read_and_a_live_one_is_read_in_one_statement():
    """The store reads a session with one prepared SELECT (accounts/sessions.py); past its expiry date it
    is gone, as in Django's store: the next request starts a new, empty session."""
    import datetime

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from woonkans.accounts.sessions import SessionStore

    store = SessionStore()
    store["step"] = 1
    store.create()
    with CaptureQueriesContext(connection) as queries:
        assert SessionStore(session_key=store.session_key)["step"] == 1
    assert len(queries) == 1
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    expired = SessionStore(session_key=store.session_key)
    assert "step" not in expired
    assert expired.session_key is None
