"""First login: enrolment of the authenticator, then acceptance of logging, then the portal."""

import base64

import pytest
from django.conf import settings
from django.urls import reverse
from django_otp.oath import totp

from woonkans.accounts.models import LoggingAcceptance
from woonkans.accounts.roles import Role

from ..factories import PASSWORD


@pytest.fixture
def newcomer(make_user):
    return make_user(Role.CORPORATION, "Woonwenz", accepted_logging=False)


def test_first_login_enrols_an_authenticator_then_asks_for_acceptance(client, newcomer):
    response = client.post(
        "/inloggen/?next=/",
        {"login_view-current_step": "auth", "auth-username": newcomer.username, "auth-password": PASSWORD},
    )
    assert response.status_code == 302
    # Everything leads to enrolment until a second factor exists.
    home = client.get(reverse("home"))
    assert home["Location"].startswith(reverse("two_factor:setup"))

    setup = client.get(home["Location"])
    assert "Tweestapsverificatie instellen" in setup.content.decode()
    setup = client.post(home["Location"], {"setup_view-current_step": "welcome"})
    page = setup.content.decode()
    assert reverse("two_factor:qr") in page  # QR code
    secret = setup.context["secret_key"]
    assert secret in page  # manual key

    assert client.get(reverse("two_factor:qr")).status_code == 200
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    code = f"{totp(key):06d}"
    session_before = client.session.session_key
    done = client.post(home["Location"], {"setup_view-current_step": "generator", "generator-token": code})
    assert done.status_code == 302
    assert client.session.session_key != session_before  # new session id after the second factor

    # Backup codes can be made right away (they open before the logging notice is accepted).
    tokens = client.post(reverse("two_factor:backup_tokens"))
    assert tokens.status_code == 302
    assert newcomer.staticdevice_set.get().token_set.count() == 10

    # Verified, but the logging notice comes first.
    home = client.get(reverse("home"))
    assert home.status_code == 302
    assert home["Location"].startswith(reverse("accept_logging"))


def test_nothing_opens_before_logging_is_accepted(client, signed_in, newcomer):
    signed_in(newcomer)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    accept_url = response["Location"]
    assert accept_url == f"{reverse('accept_logging')}?next=%2F"

    page = client.get(accept_url).content.decode()
    assert "Alle handelingen worden vastgelegd" in page

    refused = client.post(accept_url, {"next": "/"})
    assert refused.status_code == 200
    assert "zonder akkoord kun je het portaal niet gebruiken" in refused.content.decode()
    assert not LoggingAcceptance.objects.filter(user=newcomer).exists()

    accepted = client.post(accept_url, {"accept": "on", "next": "/"})
    assert accepted["Location"] == "/"
    acceptance = LoggingAcceptance.objects.get(user=newcomer)
    assert acceptance.notice_version == settings.LOGGING_NOTICE_VERSION
    assert acceptance.accepted_at is not None
    assert client.get(reverse("home")).status_code == 200


def test_a_new_notice_version_must_be_accepted_again(client, signed_in, make_user, settings):
    user = make_user(Role.WERKGROEP, "Gemeente Venray")
    signed_in(user)
    assert client.get(reverse("home")).status_code == 200
    settings.LOGGING_NOTICE_VERSION = "2027-01"
    assert client.get(reverse("home")).status_code == 302


def test_accept_page_refuses_off_site_next(client, signed_in, newcomer):
    signed_in(newcomer)
    response = client.post(reverse("accept_logging"), {"accept": "on", "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")
