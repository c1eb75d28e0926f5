"""Error pages: a database failure answers 503 and gives the typed text back; 404/500/503 carry the
portal's header and a way back, and the 500 and 503 pages need no database."""

import logging
import socket
from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from referrals.models import Identity
from woonkans.accounts.roles import Role
from woonkans.errors import server_error

from .conftest import sign_in
from .factories import organisation

pytestmark = pytest.mark.django_db

REPORT = {
    "given_name": 'Zoë <b>"Anne"</b>',
    "family_name": "Van den Berg & Zn",
    "street_address": "Maasboulevard 12b",
    "postcode": "5911AB",
    "city": "Venlo",
    "phone": "0611111111",
    "email": "",
    "mandate": "on",
}
# The header of base.html and the way back to the start page.
HEADER = 'class="utrecht-page-header wk-header"'
HOME_LINK = 'href="/"'


@contextmanager
def database_fails(statements=None, message="database is locked"):
    """Every SQL statement (or those starting with one of `statements`) fails as when the database is
    down or locked. Savepoints pass, so the test's own transaction stays usable afterwards."""

    def refuse(execute, sql, params, many, context):
        verb = sql.lstrip().split(None, 1)[0].upper()
        if verb not in ("SAVEPOINT", "RELEASE", "ROLLBACK") and (statements is None or verb in statements):
            raise OperationalError(message)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse):
        yield


class _Inputs(HTMLParser):
    """The name/value pairs a browser would send when the form in a page is submitted."""

    def __init__(self):
        super().__init__()
        self.pairs, self._textarea = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name"):
            self.pairs.append((attrs["name"], attrs.get("value", "")))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.pairs.append(tuple(self._textarea))
            self._textarea = None


def submitted_again(page):
    parser = _Inputs()
    parser.feed(page)
    data = {}
    for name, value in parser.pairs:
        data.setdefault(name, []).append(value)
    return data


@pytest.fixture
def provider(make_user):
    return make_user(Role.CARE_PROVIDER, "Moveoo", email="moveoo@example.org")


@pytest.fixture
def report(db):
    return {"municipality": organisation("Gemeente Venlo").pk, **REPORT}


def assert_no_internals(page):
    for leak in ("Traceback", "OperationalError", "database is locked", "geheim detail"):
        assert leak not in page


def test_settings_are_production_like(settings):
    assert settings.DEBUG is False


def test_locked_database_during_a_report_answers_503_with_the_text_back(client, provider, report, caplog):
    caplog.set_level(logging.DEBUG)
    sign_in(client, provider)
    url = reverse("referrals:report_new")
    with database_fails(statements={"INSERT"}):
        response = client.post(url, report)
    page = response.content.decode()

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    assert HEADER in page and HOME_LINK in page
    assert "niet opgeslagen" in page
    # What was typed comes back, escaped, with the form's own Dutch labels.
    assert 'value="Zoë &lt;b&gt;&quot;Anne&quot;&lt;/b&gt;"' in page
    assert 'value="Van den Berg &amp; Zn"' in page and "Achternaam" in page
    assert "<b>" not in page
    assert f'action="{url}"' in page and 'name="csrfmiddlewaretoken"' in page
    assert_no_internals(page)
    assert not Identity.objects.exists()
    # The log says what failed, never what was typed.
    assert "Database unavailable (OperationalError: database is locked)" in caplog.text
    assert "Berg" not in caplog.text and "Anne" not in caplog.text and "Maasboulevard" not in caplog.text

    # Once the database answers, sending the page's form again saves the report.
    again = submitted_again(page)
    assert again["family_name"] == ["Van den Berg & Zn"] and again["mandate"] == ["on"]
    response = client.post(url, again)
    assert response.status_code == 302
    assert Identity.objects.get().given_name == 'Zoë <b>"Anne"</b>'


def test_database_down_before_the_view_still_gives_the_text_back(client, provider, report):
    """PostgreSQL down: the session lookup in middleware fails first, before any view runs."""
    sign_in(client, provider)
    client.raise_request_exception = False
    with database_fails(message="connection to server failed: Connection refused"):
        response = client.post(reverse("referrals:report_new"), report)
    page = response.content.decode()

    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert HEADER in page and HOME_LINK in page
    assert 'value="Van den Berg &amp; Zn"' in page
    assert "Connection refused" not in page
    assert_no_internals(page)


def test_a_cross_site_post_is_not_echoed_into_a_form(provider, report):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    sign_in(client, provider)
    with database_fails():
        response = client.post(reverse("referrals:report_new"), report, HTTP_ORIGIN="https://evil.example")
    page = response.content.decode()
    assert response.status_code == 503 and HEADER in page
    assert "Van den Berg" not in page and "csrfmiddlewaretoken" not in page


def test_the_page_own_post_with_csrf_is_echoed(provider, report):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    sign_in(client, provider)
    url = reverse("referrals:report_new")
    token = submitted_again(client.get(url).content.decode())["csrfmiddlewaretoken"][0]
    with database_fails():
        response = client.post(url, {**report, "csrfmiddlewaretoken": token})
    page = response.content.decode()
    assert response.status_code == 503
    assert 'value="Van den Berg &amp; Zn"' in page
    # A fresh token comes with it, and not the one that was sent.
    assert submitted_again(page)["csrfmiddlewaretoken"] != [token]


def test_passwords_and_codes_are_never_echoed(client, provider):
    client.raise_request_exception = False
    with database_fails():
        response = client.post(
            reverse("two_factor:login"),
            {
                "login_view-current_step": "auth",
                "auth-username": provider.username,
                "auth-password": "Geheim-Wachtwoord-2026",
                "token-otp_token": "493027",
            },
        )
    page = response.content.decode()
    assert response.status_code == 503 and HEADER in page
    assert provider.username in page
    assert "Geheim-Wachtwoord-2026" not in page and "auth-password" not in page
    assert "493027" not in page and "otp_token" not in page


def test_an_unreadable_form_still_gets_the_503_page(client, provider, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    sign_in(client, provider)
    client.raise_request_exception = False
    with database_fails():
        response = client.post(reverse("referrals:report_new"), {f"veld{n}": "tekst" for n in range(10)})
    assert response.status_code == 503 and HEADER in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_htmx_autosave_gets_a_short_503(client, provider, report):
    sign_in(client, provider)
    with database_fails(statements={"INSERT"}):
        response = client.post(reverse("referrals:report_new"), report, HTTP_HX_REQUEST="true")
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert response["Content-Type"].startswith("text/plain")
    assert "Van den Berg" not in response.content.decode()


def test_a_get_while_the_database_is_down_offers_to_try_again(client, provider):
    sign_in(client, provider)
    client.raise_request_exception = False
    url = reverse("referrals:reports") + "?pagina=2"
    with database_fails():
        response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert HEADER in page and HOME_LINK in page
    assert f'href="{url}"' in page and "Opnieuw proberen" in page


@pytest.mark.parametrize("signed", [True, False])
def test_404_has_the_header_and_a_way_back(client, provider, signed):
    if signed:
        sign_in(client, provider)
    response = client.get("/bestaat-niet/")
    page = response.content.decode()
    assert response.status_code == 404
    assert HEADER in page and HOME_LINK in page
    assert "Deze pagina is niet gevonden" in page


def test_500_has_the_header_and_a_way_back_and_no_details(client, provider, report):
    sign_in(client, provider)
    client.raise_request_exception = False
    with mock.patch("referrals.services.report_resident", side_effect=RuntimeError("geheim detail")):
        response = client.post(reverse("referrals:report_new"), report)
    page = response.content.decode()
    assert response.status_code == 500
    assert HEADER in page and HOME_LINK in page and "Er ging iets mis" in page
    assert_no_internals(page)


def test_500_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().get("/aanmeldingen/")

    def no_lookup():
        raise AssertionError("the 500 page looked up the user")

    request.user = SimpleLazyObject(no_lookup)
    with database_fails(), django_assert_num_queries(0):
        try:
            raise RuntimeError("geheim detail")
        except RuntimeError:
            response = server_error(request)
    page = response.content.decode()
    assert response.status_code == 500 and HEADER in page and HOME_LINK in page
    assert_no_internals(page)


def test_503_renders_without_the_database(django_assert_num_queries):
    request = RequestFactory().post("/meldingen/nieuw/", {"family_name": "Van den Berg"})
    request._dont_enforce_csrf_checks = True
    with database_fails():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except OperationalError:
            with django_assert_num_queries(0):
                response = server_error(request)
    assert isinstance(response, HttpResponse) and response.status_code == 503
    assert 'value="Van den Berg"' in response.content.decode()


def _closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs a server database to stop")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_unreachable_answers_503_with_the_text_back(client, provider, report):
    sign_in(client, provider)
    client.raise_request_exception = False
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=_closed_port())
    try:
        response = client.post(reverse("referrals:report_new"), report)
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert HEADER in page and 'value="Van den Berg &amp; Zn"' in page
    assert_no_internals(page)
    assert "Connection refused" not in page and "5432" not in page
    assert not Identity.objects.exists()
