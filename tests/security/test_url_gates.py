"""No page but login, enrolment and static files opens before the second factor is verified."""

import pytest
from django.urls import reverse

from woonkans.accounts.middleware import ENROLMENT_URL_NAMES, PUBLIC_URL_NAMES
from woonkans.accounts.roles import Role

from ..urlwalk import all_named_urls

URLS = all_named_urls()
# Public, but without a sign-in under way they only send the browser back to the login page
# (the start is POST-only): tests/oidc covers them.
OIDC_FLOW = {"oidc_start", "oidc_callback", "oidc_token"}
# The Django admin is part of the walk: its login page must be gated too.
assert any(name.startswith("admin:") for name, _path in URLS)


def test_public_allow_list_is_short():
    # The one-time link to set a new password after a reset (the token is the credential).
    # The organisation sign-in (start, the provider's answer, the portal's own code after it).
    assert PUBLIC_URL_NAMES == {
        "two_factor:login",
        "healthz",
        "accessibility",  # the accessibility statement, readable before signing in
        "password_set",
        "password_set_done",
        *OIDC_FLOW,
    }
    assert ENROLMENT_URL_NAMES == {"two_factor:setup", "two_factor:qr", "logout"}


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), URLS)
def test_anonymous_is_sent_to_login(client, name, path):
    response = client.get(path)
    if name in OIDC_FLOW:
        assert response.status_code == 405 or response["Location"] == reverse("two_factor:login"), name
        assert "_auth_user_id" not in client.session
        return
    if name in PUBLIC_URL_NAMES:
        assert response.status_code in (200, 503)
        return
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("two_factor:login") + "?next="), name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), URLS)
def test_password_only_user_is_sent_to_enrolment(client, make_user, name, path):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    client.force_login(user)  # password step done, no second factor yet
    response = client.get(path)
    if name in OIDC_FLOW:
        # Nothing under way: back to the login page, still the same (unverified) session.
        assert client.session["_auth_user_id"] == str(user.pk), name
        return
    if name in PUBLIC_URL_NAMES or name in ENROLMENT_URL_NAMES:
        # Reachable: not bounced to login or enrolment (the QR view 404s without a pending setup).
        assert not response.get("Location", "").startswith(reverse("two_factor:login")), name
        return
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("two_factor:setup") + "?next="), name


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "path"), URLS)
def test_user_with_unproven_device_is_sent_back_to_login(client, make_user, name, path):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True)
    client.force_login(user)  # has a device but this session never proved it
    response = client.get(path)
    if name in PUBLIC_URL_NAMES or name in ENROLMENT_URL_NAMES:
        return
    assert response.status_code == 302, name
    assert response["Location"].startswith(reverse("two_factor:login")), name
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_static_assets_are_served_without_login(client):
    response = client.get("/static/css/woonkans.css")
    assert response.status_code == 200
