"""Idle logout after 15 minutes, logout on IP change, and the way back to where the user was."""

import time

import pytest
from django.urls import reverse

from woonkans.accounts.middleware import CLIENT_IP_KEY, LAST_ACTIVITY_KEY
from woonkans.accounts.roles import Role
from woonkans.audit.models import LoginEvent, LoginOutcome


@pytest.fixture
def user(make_user):
    return make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")


def age_session(client, seconds):
    session = client.session
    session[LAST_ACTIVITY_KEY] = int(time.time()) - seconds
    session.save()


def test_idle_timeout_is_fifteen_minutes_by_default(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 15 * 60


def test_active_session_stays(client, signed_in, user):
    signed_in(user)
    client.get(reverse("home"))
    age_session(client, 14 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_idle_session_is_logged_out_and_returns_after_login(client, signed_in, user):
    signed_in(user)
    client.get(reverse("home"))
    age_session(client, 15 * 60 + 1)
    target = reverse("audit:log_search") + "?log=login"
    response = client.get(target, follow=True)
    login_url, _status = response.redirect_chain[0]
    assert login_url.startswith(reverse("two_factor:login") + "?next=")
    assert "_auth_user_id" not in client.session
    assert "automatisch uitgelogd" in response.content.decode()
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT, reason="idle_timeout").exists()
    # The login form carries the way back.
    assert response.request["QUERY_STRING"].startswith("next=%2Flogboek%2F%3Flog%3Dlogin")


def test_keepalive_resets_the_idle_clock(client, signed_in, user):
    signed_in(user)
    client.get(reverse("home"))
    age_session(client, 14 * 60)
    assert client.post(reverse("session_keepalive")).status_code == 204
    assert time.time() - client.session[LAST_ACTIVITY_KEY] < 5


def test_countdown_is_on_every_signed_in_page(client, signed_in, user):
    signed_in(user)
    page = client.get(reverse("home")).content.decode()
    assert 'id="session-timer"' in page
    assert 'data-timeout="900"' in page
    assert "Ingelogd blijven" in page


def test_ip_change_logs_out(client, signed_in, user):
    signed_in(user)
    client.get(reverse("home"), REMOTE_ADDR="10.0.0.1")
    assert client.session[CLIENT_IP_KEY] == "10.0.0.1"
    response = client.get(reverse("home"), REMOTE_ADDR="10.0.0.2")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT, reason="ip_changed").exists()


def test_keepalive_needs_post(client, signed_in, user):
    signed_in(user)
    assert client.get(reverse("session_keepalive")).status_code == 405
