"""`next` never leads off-site; the session id changes at login and after the second factor;
deactivating a user ends their sessions, for good.
"""

import base64
import datetime
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp

from woonkans.accounts import reviews
from woonkans.accounts.models import AccessReview
from woonkans.accounts.roles import Role

from ..conftest import current_code, sign_in
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "//evil.example",
    "//evil.example/inloggen/",
    "https://evil.example",
    "http://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "///evil.example",
    "javascript:alert(1)",
    "JavaScript:alert(document.domain)",
    " //evil.example",
    "http://testserver@evil.example/",
]
LOGIN = reverse("two_factor:login")


def stays_on_site(location):
    """A redirect target the browser resolves to this site: a plain path, or this host."""
    if not location:
        return True
    parts = urlsplit(location.strip())
    browser_view = location.replace("\\", "/").strip()
    if browser_view.startswith("//") or parts.scheme not in ("", "http", "https"):
        return False
    # "https:evil.example" has no host, but a browser on http takes evil.example as the host.
    return parts.netloc == "testserver" if parts.scheme else parts.netloc == ""


def password_step(client, user, next_url=None, password=PASSWORD):
    url = LOGIN + (f"?next={quote(next_url, safe='')}" if next_url is not None else "")
    data = {"login_view-current_step": "auth", "auth-username": user.username, "auth-password": password}
    return client.post(url, data)


def token_step(client, user, next_url=None):
    url = LOGIN + (f"?next={quote(next_url, safe='')}" if next_url is not None else "")
    code = current_code(user.totpdevice_set.get())
    return client.post(url, {"login_view-current_step": "token", "token-otp_token": code})


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True)


# --- next -----------------------------------------------------------------------------------------


def test_the_check_itself_recognises_off_site_targets():
    assert not any(stays_on_site(target) for target in OFF_SITE)
    assert stays_on_site("/") and stays_on_site("/aanmeldingen/?pagina=2") and stays_on_site("http://testserver/")


@pytest.mark.parametrize("target", OFF_SITE)
def test_login_never_redirects_off_site(client, consultant, target):
    password_step(client, consultant, target)
    response = token_step(client, consultant, target)
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert stays_on_site(response["Location"]), response["Location"]
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("target", OFF_SITE)
def test_logout_never_redirects_off_site(client, consultant, target):
    sign_in(client, consultant)
    response = client.post(f"{reverse('logout')}?next={quote(target, safe='')}", {"next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("target", OFF_SITE)
def test_accepting_the_logging_notice_never_redirects_off_site(client, make_user, target):
    newcomer = make_user(Role.CORPORATION, "Woonwenz", accepted_logging=False)
    sign_in(client, newcomer)
    url = f"{reverse('accept_logging')}?next={quote(target, safe='')}"
    parser = _FormFields()
    parser.feed(client.get(url).content.decode())
    assert parser.fields["next"] == ""  # the form does not carry the target on
    response = client.post(url, {"accept": "on", "next": target})
    assert response.status_code == 302
    assert stays_on_site(response["Location"]), response["Location"]


class _FormFields(HTMLParser):
    """The values a browser would send for a page's form: inputs, checked boxes, selected options."""

    def __init__(self):
        super().__init__()
        self.fields = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            if attrs.get("type") not in ("checkbox", "radio"):
                self.fields[attrs["name"]] = attrs.get("value", "")
            elif "checked" in attrs:
                self.fields[attrs["name"]] = attrs.get("value", "on")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def enrol(client, user, next_url):
    """First login of a user without a device: password, then the authenticator enrolment."""
    password_step(client, user, next_url)
    setup = reverse("two_factor:setup")
    response = client.post(setup, {"setup_view-current_step": "welcome"})
    secret = response.context["secret_key"]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    return client.post(setup, {"setup_view-current_step": "generator", "generator-token": f"{totp(key):06d}"})


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)"])
def test_enrolment_never_redirects_off_site(client, make_user, target):
    newcomer = make_user(Role.CORPORATION, "Woonwenz")
    done = enrol(client, newcomer, target)
    assert done.status_code == 302 and stays_on_site(done["Location"]), done["Location"]
    complete = client.get(reverse("two_factor:setup_complete"))
    assert complete.status_code in (200, 302)
    if complete.status_code == 302:
        assert stays_on_site(complete["Location"]), complete["Location"]


# --- the session id ----------------------------------------------------------------------------------


def test_session_id_changes_at_login_and_again_after_the_second_factor_on_enrolment(client, make_user):
    newcomer = make_user(Role.CORPORATION, "Woonwenz")
    client.get(LOGIN)
    client.session.save()
    anonymous = client.session.session_key
    password_step(client, newcomer)
    after_password = client.session.session_key
    assert client.session["_auth_user_id"] == str(newcomer.pk)  # logged in with the password alone...
    assert after_password != anonymous  # ...in a new session
    enrol(client, newcomer, None)
    assert client.session.session_key not in (anonymous, after_password)  # and again once the factor is proven
    assert client.session["_auth_user_id"] == str(newcomer.pk)


def test_a_fixated_session_id_is_not_the_one_that_signs_in(consultant):
    attacker = Client()
    attacker.get(LOGIN)
    attacker.session.save()
    planted = attacker.cookies[settings.SESSION_COOKIE_NAME].value

    victim = Client()
    victim.cookies[settings.SESSION_COOKIE_NAME] = planted  # the planted cookie
    password_step(victim, consultant)
    token_step(victim, consultant)
    signed_in_as = victim.cookies[settings.SESSION_COOKIE_NAME].value
    assert signed_in_as != planted
    assert victim.get(reverse("home")).status_code == 200
    # The planted id gives the attacker nothing.
    response = attacker.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not Session.objects.filter(session_key=planted).exists() or "_auth_user_id" not in (
        Session.objects.get(session_key=planted).get_decoded()
    )


# --- deactivation -------------------------------------------------------------------------------------


def admin_deactivates(administrator, user):
    """Untick "active" on the user's page in the management screens, as an administrator does."""
    admin = sign_in(Client(), administrator)
    url = reverse("admin:accounts_user_change", args=[user.pk])
    page = admin.get(url)
    assert page.status_code == 200
    parser = _FormFields()
    parser.feed(page.content.decode())
    form = parser.fields
    form.pop("is_active", None)
    form["organisation"] = str(user.organisation_id)
    response = admin.post(url, form)
    errors = [line for line in response.content.decode().splitlines() if "errorlist" in line]
    assert response.status_code == 302, errors


def service_deactivates(administrator, user):
    user.last_login = timezone.now() - datetime.timedelta(days=settings.ACCOUNT_INACTIVITY_DAYS + 2)
    user.save(update_fields=["last_login"])
    assert reviews.deactivate_inactive() >= 1


def review_revokes(administrator, user):
    # The organisation's review may already be open (the package's world opened them): the user joins it.
    reviews.open_reviews()
    review = AccessReview.objects.get(organisation_id=user.organisation_id, closed_at=None)
    item, _created = review.items.get_or_create(user=user, defaults={"roles": ",".join(user.role_codes)})
    reviews.decide(actor=administrator, item=item, confirm=False)


@pytest.mark.parametrize("deactivate", [admin_deactivates, service_deactivates, review_revokes])
def test_deactivating_a_user_ends_their_sessions_for_good(make_user, administrator, deactivate):
    user = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True)
    laptop, phone = sign_in(Client(), user), sign_in(Client(), user)
    assert laptop.get(reverse("home")).status_code == 200 and phone.get(reverse("home")).status_code == 200
    keys = [laptop.session.session_key, phone.session.session_key]

    deactivate(administrator, user)
    user.refresh_from_db()
    assert not user.is_active

    assert not Session.objects.filter(session_key__in=keys).exists(), "the user's sessions are deleted"
    for client in (laptop, phone):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    # Switched on again later, the old sessions stay gone.
    user.is_active = True
    user.save()
    assert laptop.get(reverse("referrals:list")).status_code == 302
