"""Browser journeys: Playwright driving Debian's Chromium against a live server of the portal.

Every page a journey visits is checked with axe-core (WCAG 2.1 A/AA, serious or critical
violations fail the test) and photographed; the screenshots are kept under
var/e2e-artifacts/<test name>/ when the test fails.
"""

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.servers.basehttp import WSGIServer
from django.db import connections
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.live_server_helper import LiveServer

from ..factories import PASSWORD

CHROMIUM = os.environ.get("WOONKANS_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(django_settings.BASE_DIR) / "var" / "e2e-artifacts"
AXE_SOURCE = Path(__file__).parent / "vendor" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 15_000
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "(apt-get install --no-install-recommends chromium) or set WOONKANS_CHROMIUM."
        )
        # `make test` on a machine with only Python skips the journeys; CI (.ci/run) must run them.
        if os.environ.get("CI_REQUIRE_SYSTEM_LIBS"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """Playwright's sync API runs an event loop in this thread; the ORM calls the journeys make between
    browser steps (and the database set-up around them) are still plain synchronous calls. Allow them
    for the journeys only: elsewhere (`check --deploy` in tests/security) the variable must not be set."""
    if item.get_closest_marker("e2e") is None:
        return (yield)
    previous = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        return (yield)
    finally:
        if previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = previous


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The journeys run last. Like every live-server test they are transactional: the database is
    emptied after each and the reference data restored only for the next such test, so a plain
    database test after them finds no parties. pytest-django puts transactional tests last, but
    pytest then regroups the tests that share the session-wide `browser` parameter of pytest-playwright."""
    journeys = [item for item in items if item.get_closest_marker("e2e")]
    if journeys:
        items[:] = [item for item in items if not item.get_closest_marker("e2e")] + journeys


class OneRequestAtATimeServer(WSGIServer):
    """The live server answers one request at a time, as Django's single-threaded runserver would.

    With SQLite the test database is one in-memory connection shared with the server thread;
    parallel requests (a form post and an htmx autosave) would interleave their transactions on it.
    Responses say `Connection: close`, so a waiting browser connection never blocks the next one.
    """

    def __init__(self, *args, connections_override=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override


@pytest.fixture(scope="session", autouse=True)
def _serialized_database(django_db_setup):
    """The reference data (parties, regions: a data migration) as serialized at database setup.

    Django keeps it on the connection object, for the transactional tests' serialized rollback.
    Once Playwright's sync API runs, the ORM in this thread gets new connection objects (its
    greenlets run with their own context), which lack it: give it back after each test.
    """
    return {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}


def _give_back(serialized):
    for alias, contents in serialized.items():
        if contents is not None:
            connections[alias]._test_serialized_contents = contents


@pytest.fixture(autouse=True)
def _restore_serialized_database(_serialized_database):
    yield
    _give_back(_serialized_database)


@pytest.fixture(scope="session")
def live_server(request, browser, _serialized_database):
    # Session fixtures are set up before the test's database fixture: once the browser runs, the
    # new connection objects need the serialized data before that fixture restores it.
    _give_back(_serialized_database)
    # Started after the browser, so that with SQLite the server shares the connection object
    # the test code uses from then on.
    server = LiveServer(
        request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost",
        start=False,
    )
    server.thread.server_class = OneRequestAtATimeServer
    server.start()
    yield server
    server.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_call_failed = report.failed
        folder = getattr(item, "e2e_artifacts", None)
        if report.failed and folder is not None:
            report.sections.append(("e2e screenshots", f"Screenshots of each step: {folder}"))
    elif report.failed:
        item.e2e_call_failed = True
    return report


def _slug(text):
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")[:80] or "stap"


class Recorder:
    """Screenshots of every step of one test, numbered in the order they were taken."""

    def __init__(self, folder):
        self.folder = folder
        self.count = 0
        self.actors = []

    def shoot(self, page, who, label):
        self.count += 1
        path = self.folder / f"{self.count:03d}-{_slug(who)}-{_slug(label)}.jpg"
        page.screenshot(path=path, full_page=True, type="jpeg", quality=70)
        return path


@pytest.fixture
def recorder(request):
    folder = ARTIFACTS / _slug(request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    request.node.e2e_artifacts = folder
    recorder = Recorder(folder)
    yield recorder
    if getattr(request.node, "e2e_call_failed", True) or os.environ.get("WOONKANS_E2E_KEEP"):
        print(f"\nE2E screenshots of {request.node.name}: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)
        try:
            ARTIFACTS.rmdir()  # only when empty: keep the folders of other failed tests
        except OSError:
            pass


def axe_violations(page):
    """Run axe-core on the current page; return the serious and critical WCAG 2.1 A/AA violations."""
    page.wait_for_function("() => window.axe !== undefined")
    violations = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return result.violations.map((v) => ({
                id: v.id,
                impact: v.impact,
                help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + ": " + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )
    return [violation for violation in violations if violation["impact"] in FAILING_IMPACTS]


DUPLICATE_REFERENCED_IDS = """() => {
    const counts = {};
    for (const element of document.querySelectorAll("[id]")) counts[element.id] = (counts[element.id] || 0) + 1;
    const referenced = new Set();
    for (const label of document.querySelectorAll("label[for]")) referenced.add(label.htmlFor);
    for (const attribute of ["aria-labelledby", "aria-describedby", "aria-controls"]) {
        for (const element of document.querySelectorAll(`[${attribute}]`)) {
            for (const id of element.getAttribute(attribute).split(/\\s+/)) if (id) referenced.add(id);
        }
    }
    return [...referenced].filter((id) => counts[id] > 1);
}"""


def duplicate_label_targets(page):
    """Ids that a label or aria reference points at but that occur more than once: the label then
    names the wrong field (axe-core no longer checks duplicate ids since WCAG 2.2 dropped 4.1.1)."""
    return page.evaluate(DUPLICATE_REFERENCED_IDS)


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"])
    return "\n".join(lines)


class Actor:
    """One person in one browser context. `seen()` after every navigation checks and photographs the page."""

    def __init__(self, name, user, page, base_url, recorder):
        self.name, self.user, self.page, self.base_url, self.recorder = name, user, page, base_url, recorder
        self.navigations = 0
        self.checked = 0
        self.response = None
        page.on("framenavigated", self._navigated)

    def _navigated(self, frame):
        if frame == self.page.main_frame:
            self.navigations += 1

    def seen(self, label):
        """Call after every navigation: wait for the page, check accessibility, take a screenshot."""
        self.page.wait_for_load_state("load")
        self.recorder.shoot(self.page, self.name, label)
        violations = axe_violations(self.page)
        assert not violations, f"axe-core on {self.page.url} ({label}):\n{describe(violations)}"
        duplicates = duplicate_label_targets(self.page)
        assert not duplicates, f"labels point at ids used more than once on {self.page.url} ({label}): {duplicates}"
        self.checked = self.navigations
        return self.page

    def goto(self, path, label):
        self.response = self.page.goto(self.base_url + path)
        return self.seen(label)

    def submit(self, locator, label):
        """Click something that loads a new page, then check that page."""
        with self.page.expect_navigation():
            locator.click()
        return self.seen(label)

    def follow(self, name, label):
        # The link in the page's own content; the main menu repeats some of them.
        link = self.page.locator("#inhoud").get_by_role("link", name=name, exact=True)
        if link.count() == 0:
            link = self.page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name, exact=True)
        # The home names some lists twice (a count and "Ga naar"): the same address, take the first.
        return self.submit(link.first, label)

    def press(self, name, label):
        return self.submit(self.page.get_by_role("button", name=name, exact=True), label)

    def url_path(self):
        return self.page.url.removeprefix(self.base_url)


def totp_code(user):
    """The code the user's authenticator app shows. A code is accepted once, so after a recent
    login take the next time step (within the device's tolerance of one step)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    now_t = (int(time.time()) - device.t0) // device.step
    drift = max(0, device.last_t + 1 - now_t)
    return (
        f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):0{device.digits}d}"
    )


def log_in_until_code(actor, start="/"):
    """Open the portal (which sends to the login page) and give username and password."""
    page = actor.goto(start, "inloggen")
    page.get_by_label("Gebruikersnaam").fill(actor.user.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    actor.press("Volgende", "code-vragen")
    return page


def enter_code(actor, code):
    page = actor.page
    page.get_by_label("Verificatiecode").fill(code)
    return actor.press("Inloggen", "na-code")


def log_in(actor, start="/"):
    """The real login form: username and password, the TOTP code, then the logging notice if shown."""
    log_in_until_code(actor, start)
    page = enter_code(actor, totp_code(actor.user))
    if page.get_by_role("heading", name="Alle handelingen worden vastgelegd").is_visible():
        page.get_by_label(re.compile("^Ik heb gelezen dat al mijn handelingen")).check()
        actor.press("Akkoord en verder", "logging-akkoord")
    return page


@pytest.fixture
def e2e(request, live_server, browser, recorder):
    """Open a browser context per person: `actor = e2e("consulent", user)`; the actor is not yet logged in."""
    axe = AXE_SOURCE.read_text(encoding="utf-8")
    contexts = []

    def open_as(name, user):
        context = browser.new_context(
            locale="nl-NL", timezone_id="Europe/Amsterdam", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.add_init_script(axe)
        contexts.append(context)
        actor = Actor(name, user, context.new_page(), live_server.url, recorder)
        recorder.actors.append(actor)
        return actor

    yield open_as
    if getattr(request.node, "e2e_call_failed", True):
        for actor in recorder.actors:
            try:
                recorder.shoot(actor.page, actor.name, "bij-de-fout")
            except Exception as error:  # noqa: BLE001 - the page may be gone; the other screenshots still count
                print(f"no final screenshot of {actor.name}: {error}")
    unchecked = [actor.name for actor in recorder.actors if actor.checked < actor.navigations]
    for context in contexts:
        context.close()
    assert not unchecked, f"pages opened without the accessibility check (call actor.seen): {unchecked}"


@pytest.fixture
def person(make_user):
    """A user who signs in through the browser (a confirmed TOTP device), named by its key."""

    def make(key, role, organisation):
        return make_user(role, organisation, with_device=True, username=key, email=f"{key}@example.org")

    return make
