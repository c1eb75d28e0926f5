"""Signing in with the organisation's account, through a real OpenID provider's redirects.

Every refusal ends on the login page with a Dutch message, signs nobody in, creates no account
and binds no subject; it is in the login log with its reason.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from woonkans.accounts.models import OidcIdentity, User
from woonkans.accounts.roles import Role
from woonkans.audit.models import LoginEvent, LoginMethod, LoginOutcome

from ..accounts.test_login import password_step, token_step
from ..conftest import current_code

HOME = reverse("home")
LOGIN = reverse("two_factor:login")
EMAIL = "a.jansen@venlo.example"


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", email=EMAIL, with_device=True)


def identity(sub="venlo-0001", email=EMAIL, **claims):
    return {"sub": sub, "email": email, "email_verified": True, **claims}


def shown(client, response):
    """The page the person ends on after a refusal, as text."""
    assert response.status_code == 302 and response["Location"] == LOGIN, response.status_code
    return client.get(LOGIN).content.decode()


def assert_nobody_signed_in(client, users_before):
    assert "_auth_user_id" not in client.session
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert User.objects.count() == users_before
    assert not OidcIdentity.objects.exists()


def refusal(reason):
    return LoginEvent.objects.get(outcome=LoginOutcome.FAILURE, reason=reason)


# --- the way in ---------------------------------------------------------------------------------


def test_login_page_offers_the_organisations_with_a_provider(client, provider):
    page = client.get(LOGIN).content.decode()
    assert "Inloggen met je organisatie-account" in page
    assert ">Gemeente Venlo</option>" in page
    provider.enabled = False
    provider.save()
    page = client.get(LOGIN).content.decode()
    assert "Inloggen met je organisatie-account" not in page
    assert 'name="auth-password"' in page  # the password login is always there


def test_the_login_page_lets_its_organisation_form_lead_to_the_provider_only(client, provider):
    policy = client.get(LOGIN)["Content-Security-Policy"]
    form_action = next(part for part in policy.split(";") if part.strip().startswith("form-action"))
    assert form_action.split()[1:] == ["'self'", provider.issuer]
    # Other pages keep forms on the portal.
    other = client.get(reverse("password_set_done"))["Content-Security-Policy"]
    directives = [part.split() for part in other.split(";")]  # the directives' order is not fixed
    assert ["form-action", "'self'"] in directives


def test_provider_asserted_mfa_signs_in_and_binds_the_subject(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(amr=["pwd", "mfa"]))
    response = client.get(answer)
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200  # past the second-factor gate, no TOTP asked
    assert User.objects.count() == users
    bound = OidcIdentity.objects.get()
    assert (bound.user, bound.provider, bound.subject) == (consultant, provider, "venlo-0001")
    event = LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS)
    assert (event.user, event.method) == (consultant, LoginMethod.OIDC)


def test_acr_counts_when_the_provider_is_configured_for_it(client, person, provider, consultant):
    answer = person.sign_in(provider, **identity(acr="urn:example:loa:substantial"))
    assert client.get(answer)["Location"] == HOME
    assert LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS).method == LoginMethod.OIDC


def test_after_binding_only_the_bound_subject_signs_in(client, person, provider, consultant):
    OidcIdentity.objects.create(user=consultant, provider=provider, subject="venlo-0001")
    # Another organisation account that claims the same (verified) e-mail address.
    answer = person.sign_in(provider, **identity(sub="venlo-9999", amr=["mfa"]))
    page = shown(client, client.get(answer))
    assert "gekoppeld aan een ander organisatie-account" in page
    assert "_auth_user_id" not in client.session
    assert OidcIdentity.objects.get().subject == "venlo-0001"
    assert refusal("oidc_subject_mismatch").username == consultant.username
    # axes counts it against the account, like a wrong password.
    assert AccessAttempt.objects.get(username=consultant.username).failures_since_start == 1


# --- multi-factor --------------------------------------------------------------------------------


def test_without_mfa_claim_the_portals_own_code_is_asked(client, person, provider, consultant):
    answer = person.sign_in(provider, **identity(amr=["pwd"]))
    response = client.get(answer)
    assert response["Location"] == reverse("oidc_token")
    assert "authenticator-app" in client.get(reverse("oidc_token")).content.decode()
    # Nothing is open before the code.
    assert client.get(HOME)["Location"].startswith(LOGIN)
    assert not OidcIdentity.objects.exists()

    response = client.post(reverse("oidc_token"), {"otp_token": current_code(consultant.totpdevice_set.get())})
    assert response.status_code == 302 and response["Location"] == HOME
    assert client.get(HOME).status_code == 200
    assert OidcIdentity.objects.get().user == consultant
    assert LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS).method == LoginMethod.OIDC_TOTP


def test_a_wrong_code_after_the_provider_is_refused_and_counted(client, person, provider, consultant):
    answer = person.sign_in(provider, **identity())
    client.get(answer)
    response = client.post(reverse("oidc_token"), {"otp_token": "000000"})
    assert response.status_code == 200
    assert "De verificatiecode klopt niet" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not OidcIdentity.objects.exists()
    event = refusal("invalid_token")
    assert (event.username, event.method) == (consultant.username, LoginMethod.OIDC_TOTP)
    assert AccessAttempt.objects.get(username=consultant.username).failures_since_start == 1


def test_mfa_values_not_configured_do_not_count(client, person, provider, consultant):
    provider.mfa_amr_values = ""
    provider.save()
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    assert client.get(answer)["Location"] == reverse("oidc_token")


def test_an_account_without_an_app_signs_in_and_sets_one_up(client, person, provider, make_user):
    user = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", email="nieuw@venlo.example")
    answer = person.sign_in(provider, **identity(sub="venlo-0002", email="nieuw@venlo.example"))
    assert client.get(answer)["Location"] == HOME
    assert client.get(HOME)["Location"].startswith(reverse("two_factor:setup"))
    event = LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS)
    assert (event.user, event.method) == (user, LoginMethod.OIDC_ENROL)


# --- refusals: nothing created, nobody signed in --------------------------------------------------


def test_unknown_subject_creates_nothing(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(sub="venlo-0404", email="onbekend@venlo.example", amr=["mfa"]))
    page = shown(client, client.get(answer))
    assert "geen account voor dit organisatie-account" in page
    assert_nobody_signed_in(client, users)
    assert refusal("oidc_unknown_account").username == ""


def test_an_account_of_another_organisation_is_never_matched(client, person, provider, make_user):
    make_user(Role.WMO_CONSULTANT, "Gemeente Venray", email="venray@example.org", with_device=True)
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(sub="venlo-0005", email="venray@example.org", amr=["mfa"]))
    assert "geen account voor dit organisatie-account" in shown(client, client.get(answer))
    assert_nobody_signed_in(client, users)


def test_an_unverified_email_does_not_bind(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(email_verified=False, amr=["mfa"]))
    assert "geen account" in shown(client, client.get(answer))
    assert_nobody_signed_in(client, users)


def test_tampered_state_is_refused(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    tampered = answer.replace("state=", "state=x")
    page = shown(client, client.get(tampered))
    assert "Dit inlogverzoek is ongeldig of verlopen" in page
    assert_nobody_signed_in(client, users)
    assert refusal("oidc_state")


def test_an_answer_cannot_be_used_twice(client, person, provider, consultant):
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    client.get(answer)
    client.post(reverse("logout"))
    assert "ongeldig of verlopen" in shown(client, client.get(answer))
    assert "_auth_user_id" not in client.session


def test_tampered_nonce_is_refused(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    state = parse_qs(urlsplit(answer).query)["state"][0]
    session = client.session
    session["oidc_states"][state]["nonce"] = "not-the-nonce-that-was-sent"
    session.save()
    page = shown(client, client.get(answer))
    assert "hoort niet bij dit inlogverzoek" in page
    assert_nobody_signed_in(client, users)
    assert refusal("oidc_nonce")


def test_expired_token_is_refused(client, person, provider, consultant, settings):
    settings.OIDC_CLOCK_LEEWAY_SECONDS = 0
    users = User.objects.count()
    # The provider mints a one-second ID token and its answer takes two seconds to arrive.
    answer = person.sign_in(provider, **identity(amr=["mfa"], id_token_ttl=1, token_delay_ms=2200))
    page = shown(client, client.get(answer))
    assert "Het antwoord van de inlogdienst is verlopen" in page
    assert_nobody_signed_in(client, users)
    assert refusal("oidc_token_expired")


def test_an_answer_naming_another_issuer_is_refused(client, person, provider, consultant):
    users = User.objects.count()
    answer = person.sign_in(provider, **identity(amr=["mfa"]))
    assert "iss=" in answer  # the provider names itself (RFC 9207)
    mixed_up = answer.replace("iss=http", "iss=https")
    assert "lukt nu niet" in shown(client, client.get(mixed_up))
    assert_nobody_signed_in(client, users)
    assert refusal("oidc_wrong_issuer")


# --- logout ---------------------------------------------------------------------------------------


def test_logout_ends_the_portal_and_the_provider_session(client, person, provider, consultant):
    client.get(person.sign_in(provider, **identity(amr=["mfa"])))
    response = client.post(reverse("logout"))
    # A page that moves on to the provider (a redirect after the logout form would break CSP form-action).
    assert response.status_code == 200
    assert "Je bent uitgelogd" in response.content.decode()
    end_session = response["Refresh"].removeprefix("0;url=")
    assert f'href="{end_session.replace("&", "&amp;")}"' in response.content.decode()
    target = urlsplit(end_session)
    assert f"{target.scheme}://{target.netloc}" == person.issuer and target.path == "/session/end"
    params = parse_qs(target.query)
    assert params["post_logout_redirect_uri"] == ["http://testserver/inloggen/"]
    assert params["id_token_hint"][0].count(".") == 2
    assert "_auth_user_id" not in client.session
    # The provider accepts the hint and asks to confirm its own logout.
    assert person.at_provider.get(end_session, timeout=5).status_code == 200
    assert LoginEvent.objects.filter(outcome=LoginOutcome.LOGOUT, user=consultant).exists()


def test_a_password_login_logs_out_as_before(client, consultant):
    password_step(client, consultant.username)
    token_step(client, current_code(consultant.totpdevice_set.get()))
    assert LoginEvent.objects.get(outcome=LoginOutcome.SUCCESS).method == LoginMethod.PASSWORD_TOTP
    assert client.post(reverse("logout"), REMOTE_ADDR="10.1.2.3")["Location"] == LOGIN
