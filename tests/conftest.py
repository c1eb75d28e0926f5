import os

import pytest
from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from woonkans.accounts.roles import Role

from .factories import UserFactory, make_people, organisation


@pytest.fixture(autouse=True, scope="session")
def _ci_uses_postgres(django_db_setup, django_db_blocker):
    """In CI the suite must run against PostgreSQL, never a silent SQLite fallback."""
    if os.environ.get("CI_REQUIRE_POSTGRES"):
        with django_db_blocker.unblock():
            assert connection.vendor == "postgresql", "CI must test against PostgreSQL"


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """A test of PostgreSQL's own behaviour (its query plans, COPY, SET) says nothing on SQLite, the database
    of a plain `make test`: it is skipped there with this reason. CI runs on PostgreSQL (above), so never there."""
    if request.node.get_closest_marker("postgres_only") and connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's own behaviour (plans, COPY, SET); CI runs it against PostgreSQL")


# `make test` must run on a machine with only Python and make. Tests that need a system library
# pip cannot install (Pango for WeasyPrint's PDFs, Chromium for the browser journeys) are skipped
# there, with the reason in the summary; CI (.ci/run) installs both and sets this, so nothing is skipped.
REQUIRE_SYSTEM_LIBS = bool(os.environ.get("CI_REQUIRE_SYSTEM_LIBS"))


def _pango_missing():
    import ctypes.util

    return ctypes.util.find_library("pango-1.0") is None or ctypes.util.find_library("pangoft2-1.0") is None


PANGO_MISSING = _pango_missing()


@pytest.fixture(autouse=True)
def _pdfs_need_pango(monkeypatch):
    """Skip (or, in CI, fail) a test at the moment it renders a PDF on a machine without Pango."""
    if not PANGO_MISSING:
        return
    import sys
    import types

    def unavailable(*args, **kwargs):
        message = "WeasyPrint needs Pango (Debian: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)"
        if REQUIRE_SYSTEM_LIBS:
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    # woonkans.pdf imports weasyprint when it renders; without Pango that import would fail.
    stand_in = types.ModuleType("weasyprint")
    stand_in.__getattr__ = unavailable  # any use of it: weasyprint.HTML, weasyprint.urls, ...
    monkeypatch.setitem(sys.modules, "weasyprint", stand_in)


@pytest.fixture(autouse=True, scope="session")
def _small_demo_history():
    """The demo's synthetic history (300 cases, matching.demo.HISTORY) costs a minute per seed; tests that
    seed the demo get 40, except those about the history itself."""
    from django.conf import settings

    settings.DEMO_HISTORY_CASES = 40


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    # Fast hashing: the tests are about the portal, not PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in(client, user):
    """A fully signed-in session: password, verified second factor, logging accepted."""
    client.force_login(user)
    device = user.totpdevice_set.filter(confirmed=True).first()
    if device is None:
        device = user.totpdevice_set.create(name="default", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def make_user(db):
    def make(role=None, organisation_name=None, **kwargs):
        if organisation_name:
            kwargs["organisation"] = organisation(organisation_name)
        kwargs.setdefault("accepted_logging", True)
        return UserFactory(roles=[role] if role else [], **kwargs)

    return make


@pytest.fixture
def administrator(make_user):
    return make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")


@pytest.fixture
def signed_in(client):
    def login(user):
        return sign_in(client, user)

    return login


PEOPLE = {
    "venlo": (Role.WMO_CONSULTANT, "Gemeente Venlo"),
    "venray": (Role.WMO_CONSULTANT, "Gemeente Venray"),
    "roermond": (Role.WMO_CONSULTANT, "Gemeente Roermond"),
    "noord": (Role.KETENREGISSEUR, "Ketenregie Noord-Limburg"),
    "midden": (Role.KETENREGISSEUR, "Ketenregie Midden-Limburg"),
    "proces_midden": (Role.PROCESREGISSEUR, "Ketenregie Midden-Limburg"),
    "woonwenz": (Role.CORPORATION, "Woonwenz"),
    "antares": (Role.CORPORATION, "Antares"),
    "wonenlimburg": (Role.CORPORATION, "Wonen Limburg"),
    "moveoo": (Role.CARE_PROVIDER, "Moveoo"),
    "leger": (Role.CARE_PROVIDER, "Leger des Heils"),
    "treasurer": (Role.TREASURER, "MGR sociaal domein Limburg-Noord"),
    "werkgroep_venlo": (Role.WERKGROEP, "Gemeente Venlo"),
    "admin_venlo": (Role.ADMINISTRATOR, "Gemeente Venlo"),
    "admin": (Role.ADMINISTRATOR, "Functioneel beheer Woonkans"),
}


@pytest.fixture
def people(db):
    """One user of every role that matters for referrals, in fixed organisations.

    Used by hundreds of tests, so made in bulk (a handful of queries instead of ~500 through the
    factory's saves and signals), ending in the same rows as `make_user` would: the user, the role,
    the groups of role and organisation (accounts.services.sync_memberships), staff status for an
    administrator, the accepted logging notice. Only the change log of their creation is left out.
    """
    return make_people(PEOPLE)
