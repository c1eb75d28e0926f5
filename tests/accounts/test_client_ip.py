"""The client's address behind the reverse proxy, in the login log, the access log and the session binding.

The proxy (REMOTE_ADDR 172.18.0.2) appends the address it received the request
from to X-Forwarded-For; entries to its left come from the client and may be forged.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessLog, LoginEvent, LoginOutcome

from ..conftest import current_code
from ..factories import PASSWORD

LOGIN = "/inloggen/"
PROXY = "172.18.0.2"
CLIENT = "203.0.113.7"
FORGED = "198.51.100.66"


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True)


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")


def via_proxy(forwarded_for):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


def log_in(client, user, *, password=PASSWORD, **meta):
    data = {"login_view-current_step": "auth", "auth-username": user.username, "auth-password": password}
    client.post(LOGIN, data, **meta)
    token = {"login_view-current_step": "token", "token-otp_token": current_code(user.totpdevice_set.get())}
    return client.post(LOGIN, token, **meta)


def test_behind_one_proxy_the_login_log_has_the_client_not_the_proxy_nor_a_forged_entry(client, consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged a left-most entry; the proxy appended the real address.
    response = log_in(client, consultant, **via_proxy(f"{FORGED}, {CLIENT}"))
    assert response.status_code == 302
    event = LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS)
    assert event.ip_address == CLIENT


def test_behind_one_proxy_failed_logins_and_axes_record_the_client(client, consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    log_in(client, consultant, password="verkeerd-wachtwoord", **via_proxy(f"{FORGED}, {CLIENT}"))
    event = LoginEvent.objects.get(outcome=LoginOutcome.FAILURE)
    assert event.ip_address == CLIENT
    assert AccessAttempt.objects.get().ip_address == CLIENT


def test_behind_two_proxies_the_client_is_second_from_the_right(client, consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    log_in(client, consultant, **via_proxy(f"{FORGED}, {CLIENT}, 192.0.2.10"))
    assert LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS).ip_address == CLIENT


def test_behind_the_proxy_the_access_log_has_the_client(client, signed_in, administrator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    signed_in(administrator)
    response = client.get(reverse("audit:log_search"), {"log": "access"}, **via_proxy(f"{FORGED}, {CLIENT}"))
    assert response.status_code == 200
    entry = AccessLog.objects.filter(object_type="audit.accesslog").latest("pk")
    assert entry.ip_address == CLIENT


def test_behind_the_proxy_a_new_client_address_logs_out(client, signed_in, administrator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    signed_in(administrator)
    assert client.get(reverse("home"), **via_proxy(f"{FORGED}, {CLIENT}")).status_code == 200
    # Same forged prefix, but the proxy saw another address: another client.
    response = client.get(reverse("home"), **via_proxy(f"{FORGED}, 192.0.2.99"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT, reason="ip_changed").exists()


def test_behind_the_proxy_a_changed_forged_prefix_keeps_the_session(client, signed_in, administrator, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    signed_in(administrator)
    assert client.get(reverse("home"), **via_proxy(f"{FORGED}, {CLIENT}")).status_code == 200
    assert client.get(reverse("home"), **via_proxy(f"192.0.2.200, {CLIENT}")).status_code == 200
    assert client.get(reverse("home"), **via_proxy(CLIENT)).status_code == 200
    assert "_auth_user_id" in client.session
    assert not LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT).exists()


def test_without_a_trusted_proxy_a_forged_header_is_ignored(client, consultant, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    log_in(client, consultant, REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR=FORGED)
    assert LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS).ip_address == "192.0.2.5"
    # Changing the header changes nothing: same address, the session stays.
    home = client.get(reverse("home"), REMOTE_ADDR="192.0.2.5", HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert home.status_code == 200
    assert "_auth_user_id" in client.session
    assert not LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT).exists()
