"""Four eyes on the sign-in provider: a registration or change is used only after a second administrator
(another person) approves it, the same way as role and credential requests."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from woonkans.accounts.models import OidcIdentity, OidcProvider, OidcProviderRequest, RoleRequestStatus
from woonkans.accounts.oidc import approval
from woonkans.accounts.oidc.services import enabled_providers
from woonkans.accounts.roles import Role

from ..conftest import sign_in
from .test_sign_in import LOGIN, identity, shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def venlo_admin(make_user):
    return make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)


def post_change(client, provider, *, enabled=True, **changes):
    """The administrator saves the provider in the admin, as the form posts it."""
    fields = ["issuer", "client_id", "scopes", "match_claim", "match_on", "mfa_amr_values", "mfa_acr_values"]
    data = {name: getattr(provider, name) for name in fields}
    data.update(organisation=provider.organisation_id, client_secret="", require_email_verified="on")
    data.update({"enabled": "on"} if enabled else {})
    data.update(changes)
    response = client.post(reverse("admin:accounts_oidcprovider_change", args=[provider.pk]), data)
    assert response.status_code == 302, response.content[:500]


def registered(admin):
    """A provider the administrator registered: waiting for a second administrator."""
    from tests.factories import organisation

    provider = OidcProvider.objects.create(
        organisation=organisation("Gemeente Venlo"),
        issuer="https://login.example",
        client_id="portal",
        client_secret="s",
    )
    approval.ask_approval(actor=admin, provider=provider)
    return provider


def test_the_administrator_who_registered_it_cannot_approve_it(make_user, venlo_admin):
    provider = registered(venlo_admin)
    with pytest.raises(ValidationError):
        approval.decide(approve=True, actor=venlo_admin, provider=provider)
    provider.refresh_from_db()
    assert not provider.approved and provider not in enabled_providers()

    # Another person does: the central functional administrator (or a second one of Venlo).
    functional = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    approval.decide(approve=True, actor=functional, provider=provider)
    provider.refresh_from_db()
    assert provider.approved and provider in enabled_providers()
    decided = OidcProviderRequest.objects.get()
    assert (decided.status, decided.requested_by, decided.decided_by) == (
        RoleRequestStatus.APPROVED,
        venlo_admin,
        functional,
    )
    with pytest.raises(ValidationError):  # decided once
        approval.decide(approve=False, actor=functional, provider=provider)


def test_an_administrator_of_another_organisation_cannot_approve(make_user, venlo_admin):
    from django.core.exceptions import PermissionDenied

    provider = registered(venlo_admin)
    with pytest.raises(PermissionDenied):
        approval.decide(approve=True, actor=make_user(Role.ADMINISTRATOR, "Gemeente Venray"), provider=provider)


def test_a_changed_provider_is_not_used_for_sign_in_until_approved(client, person, provider, venlo_admin, make_user):
    from django.test import Client

    from .test_sign_in import EMAIL

    consultant = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", email=EMAIL, with_device=True)
    answer = person.sign_in(provider, **identity(amr=["mfa"]))  # under way while the change is made
    post_change(sign_in(Client(), venlo_admin), provider, mfa_amr_values="mfa otp hwk")
    provider.refresh_from_db()
    assert not provider.approved and provider.mfa_amr_values == "mfa otp hwk"

    assert ">Gemeente Venlo</option>" not in client.get(LOGIN).content.decode()
    page = shown(client, client.get(answer))  # the answer of a sign-in started before the change
    assert "ongeldig of verlopen" in page
    start = client.post("/inloggen/organisatie/", {"provider": provider.pk})
    assert "Kies een organisatie uit de lijst." in shown(client, start)
    assert "_auth_user_id" not in client.session and not OidcIdentity.objects.exists()

    approval.decide(approve=True, actor=make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans"), provider=provider)
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    assert client.get(answer)["Location"] == reverse("home")
    assert OidcIdentity.objects.get().user == consultant


def test_switching_it_off_needs_no_approval(client, provider, venlo_admin):
    post_change(sign_in(client, venlo_admin), provider, enabled=False)
    provider.refresh_from_db()
    assert (provider.enabled, provider.approved) == (False, True)
    assert not OidcProviderRequest.objects.exists()
