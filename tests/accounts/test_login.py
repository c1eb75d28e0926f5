"""Password, then TOTP; failures counted by axes and logged; lockout with a Dutch message."""

import pytest
from django.urls import reverse

from woonkans.accounts.roles import Role
from woonkans.audit.models import LoginEvent, LoginOutcome

from ..conftest import current_code
from ..factories import PASSWORD

LOGIN = "/inloggen/"


def password_step(client, username, password=PASSWORD, next_url=None):
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )


def token_step(client, code, next_url=None):
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    return client.post(
        url,
        {"login_view-current_step": "token", "token-otp_token": code},
        REMOTE_ADDR="10.1.2.3",
        HTTP_USER_AGENT="TestBrowser/1.0",
    )


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True)


def test_password_and_code_log_in_and_rotate_the_session(client, consultant):
    response = password_step(client, consultant.username)
    assert response.status_code == 200
    assert "authenticator-app" in response.content.decode()
    key_between_steps = client.session.session_key

    response = token_step(client, current_code(consultant.totpdevice_set.get()))
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.session.session_key != key_between_steps
    assert client.session["_auth_user_id"] == str(consultant.pk)

    home = client.get(reverse("home"), REMOTE_ADDR="10.1.2.3")
    assert home.status_code == 200
    page = home.content.decode()
    assert "Mijn werkvoorraad" in page
    assert "Gemeente Venlo" in page and "Wmo-consulent" in page

    event = LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS)
    assert (event.username, event.ip_address, event.user_agent) == (consultant.username, "10.1.2.3", "TestBrowser/1.0")


def test_wrong_password_gives_a_generic_dutch_message_and_is_logged(client, consultant):
    response = password_step(client, consultant.username, "verkeerd-wachtwoord")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in page
    assert "_auth_user_id" not in client.session
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason, event.ip_address) == (LoginOutcome.FAILURE, "invalid_credentials", "10.1.2.3")

    unknown = password_step(client, "bestaat-niet", "verkeerd-wachtwoord").content.decode()
    # The same words whether the user exists or not: no hint which part was wrong.
    assert "Voer een juiste gebruikersnaam en wachtwoord in" in unknown


def test_wrong_code_is_refused_in_dutch_and_counted(client, consultant):
    password_step(client, consultant.username)
    response = token_step(client, "000000" if current_code(consultant.totpdevice_set.get()) != "000000" else "111111")
    assert response.status_code == 200
    assert "De verificatiecode klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    event = LoginEvent.objects.get()
    assert (event.outcome, event.reason) == (LoginOutcome.FAILURE, "invalid_token")


def test_five_failures_lock_the_account_even_with_the_right_password(client, consultant, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(3):
        password_step(client, consultant.username, "fout")
    password_step(client, consultant.username)
    token_step(client, "999999" if current_code(consultant.totpdevice_set.get()) != "999999" else "888888")
    response = password_step(client, consultant.username, "fout")
    assert response.status_code == 429
    assert "Inloggen is tijdelijk geblokkeerd" in response.content.decode()
    assert "30 minuten" in response.content.decode()

    locked = password_step(client, consultant.username)  # right password, still locked
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOCKED_OUT, username=consultant.username).exists()


def test_the_code_step_is_locked_too(client, consultant):
    for _attempt in range(4):
        password_step(client, consultant.username, "fout")
    password_step(client, consultant.username)
    response = token_step(client, "123456" if current_code(consultant.totpdevice_set.get()) != "123456" else "654321")
    assert response.status_code == 429
    # Even the right code no longer helps once the account is locked.
    response = token_step(client, current_code(consultant.totpdevice_set.get()))
    assert "_auth_user_id" not in client.session


def test_login_returns_to_the_requested_page(client, consultant):
    target = reverse("accept_logging")
    password_step(client, consultant.username, next_url=target)
    response = token_step(client, current_code(consultant.totpdevice_set.get()), next_url=target)
    assert response["Location"] == target


def test_login_never_redirects_off_site(client, consultant):
    password_step(client, consultant.username, next_url="https://evil.example/")
    response = token_step(client, current_code(consultant.totpdevice_set.get()), next_url="https://evil.example/")
    assert response["Location"] == reverse("home")


def test_logout_is_logged(client, consultant, signed_in):
    signed_in(consultant)
    client.post(reverse("logout"))
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT, reason="user_logout").exists()
    assert "_auth_user_id" not in client.session
