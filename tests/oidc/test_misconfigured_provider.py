"""A misconfigured provider: the administrator sees what is wrong; the password login keeps working."""

import pytest
from django.urls import reverse

from woonkans.accounts.models import OidcIdentity, OidcProvider
from woonkans.accounts.roles import Role
from woonkans.audit.models import LoginEvent, LoginOutcome

from ..accounts.test_login import password_step, token_step
from ..conftest import current_code, sign_in
from .conftest import _free_port
from .test_sign_in import EMAIL, HOME, identity, shown


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", email=EMAIL, with_device=True)


@pytest.fixture
def venlo_admin(make_user):
    return make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)


def password_login_works(client, user):
    client.logout()
    password_step(client, user.username)
    response = token_step(client, current_code(user.totpdevice_set.get()))
    assert response["Location"] == HOME
    assert client.get(HOME, REMOTE_ADDR="10.1.2.3").status_code == 200


def check(client, provider):
    return client.post(reverse("admin:accounts_oidcprovider_check", args=[provider.pk]), follow=True)


def test_unreachable_issuer(client, provider, consultant, venlo_admin):
    provider.issuer = f"http://127.0.0.1:{_free_port()}"
    provider.save()
    response = client.post(reverse("oidc_start"), {"provider": provider.pk})
    assert "lukt nu niet" in shown(client, response)
    event = LoginEvent.objects.get(outcome=LoginOutcome.FAILURE)
    assert event.reason == "oidc_provider_unreachable"
    provider.refresh_from_db()
    assert provider.status_ok is False and "niet bereikbaar" in provider.status_message

    password_login_works(client, consultant)

    sign_in(client, venlo_admin)
    page = check(client, provider).content.decode()
    assert "De inlogdienst is niet bereikbaar" in page


def test_wrong_issuer_in_the_configuration(client, provider, consultant):
    provider.issuer = provider.issuer.replace("127.0.0.1", "localhost")
    provider.save()
    assert "lukt nu niet" in shown(client, client.post(reverse("oidc_start"), {"provider": provider.pk}))
    provider.refresh_from_db()
    assert "ander adres (issuer)" in provider.status_message
    assert LoginEvent.objects.get(outcome=LoginOutcome.FAILURE).reason == "oidc_wrong_issuer"
    password_login_works(client, consultant)


def test_wrong_client_secret(client, person, provider, consultant, venlo_admin):
    provider.client_secret = "not-the-secret"
    provider.save()
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    assert "lukt nu niet" in shown(client, client.get(answer))
    assert "_auth_user_id" not in client.session
    assert not OidcIdentity.objects.exists()
    assert LoginEvent.objects.get(outcome=LoginOutcome.FAILURE).reason == "oidc_client_rejected"
    provider.refresh_from_db()
    assert "weigert het client-id of het client-secret" in provider.status_message

    password_login_works(client, consultant)

    sign_in(client, venlo_admin)
    page = client.get(reverse("admin:accounts_oidcprovider_change", args=[provider.pk])).content.decode()
    assert "Test verbinding" in page and "weigert het client-id" in page
    assert "not-the-secret" not in page  # the secret is never shown again
    assert "weigert het client-id of het client-secret" in check(client, provider).content.decode()


def test_connection_check_passes_for_a_good_configuration(client, provider, venlo_admin):
    sign_in(client, venlo_admin)
    page = check(client, provider).content.decode()
    assert "accepteert het client-id en het client-secret" in page
    provider.refresh_from_db()
    assert provider.status_ok is True


def test_another_organisations_administrator_cannot_see_or_test_it(client, provider, make_user):
    venray_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venray", with_device=True)
    sign_in(client, venray_admin)
    changelist = client.get(reverse("admin:accounts_oidcprovider_changelist")).content.decode()
    assert "Gemeente Venlo" not in changelist
    assert client.post(reverse("admin:accounts_oidcprovider_check", args=[provider.pk])).status_code == 404
    change = client.get(reverse("admin:accounts_oidcprovider_change", args=[provider.pk]))
    assert change.status_code == 302  # the admin's "does not exist" redirect, never the page


def test_an_administrator_registers_the_own_organisations_provider_only(client, venlo_admin, oidc_server):
    from tests.factories import organisation

    sign_in(client, venlo_admin)
    data = {
        "issuer": oidc_server,
        "client_id": "woonkans",
        "client_secret": "woonkans-test-secret",
        "scopes": "openid email",
        "match_claim": "email",
        "match_on": "email",
        "require_email_verified": "on",
        "mfa_amr_values": "mfa",
        "mfa_acr_values": "",
        "enabled": "on",
    }
    add = reverse("admin:accounts_oidcprovider_add")
    refused = client.post(add, {**data, "organisation": organisation("Gemeente Venray").pk})
    assert refused.status_code == 200 and not OidcProvider.objects.exists()
    client.post(add, {**data, "organisation": organisation("Gemeente Venlo").pk})
    saved = OidcProvider.objects.get()
    assert saved.organisation.name == "Gemeente Venlo"
    assert saved.client_secret == "woonkans-test-secret"
    # Stored encrypted, never as written.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT client_secret FROM accounts_oidcprovider")
        assert "woonkans-test-secret" not in cursor.fetchone()[0]
