"""Every demo role's pages at desktop and phone width: nothing sticks out, no word breaks, axe finds nothing.

The demo data (`seed_demo`) is loaded into the test database; one user of each role logs in through the real
login form and opens every page its home links to. Each page is loaded once and checked at 1280 and at
390 px (the layout follows the viewport; no reload needed): no sideways scroll, no word broken over two lines
(each word's text range lies on one line), no table cell narrower than its content, the menu and (below
home) the breadcrumbs there, and axe-core without serious or critical violations. The screenshots are kept
in var/e2e-artifacts/<test>/ whether the test passes or fails.
"""

import re
import time
from urllib.parse import urlsplit

import pytest

from woonkans import demo
from woonkans.accounts.models import User

from .conftest import axe_violations, describe, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 390)
# One user per role (woonkans/demo.py DEMO_USERS).
ROLE_USERS = [
    "consulent.venlo",
    "ketenregisseur.noord",
    "procesregisseur.midden",
    "corporatie.woonwenz",
    "zorg.moveoo",
    "penningmeester.mgr",
    "werkgroep.venray",
    "beheerder",
    "privacy.venlo",
]
# Files, the Django admin (its own layout, without the portal's menu) and a fragment are no pages of the portal.
SKIPPED = re.compile(r"^/beheer/|\.(pdf|json|csv)$")
MAX_LINKS_PER_ROLE = 12

# Words (split at white space, and after a hyphen where a line may break) whose text lies on more than one
# line: the browser broke them mid-word. Also table cells whose content is wider or higher than the cell
# (text running into the next cell).
LAYOUT_FAULTS = """() => {
    const faults = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!parent || !parent.checkVisibility() || parent.closest("script, style, .wk-visually-hidden, thead"))
            continue;
        for (const match of node.data.matchAll(/[^\\s-]+-?/g)) {
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set();
            for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top / 4));
            if (tops.size > 1) faults.push(`word broken: "${match[0]}" in <${parent.tagName.toLowerCase()}>`);
        }
    }
    for (const cell of document.querySelectorAll("td, th")) {
        if (!cell.checkVisibility()) continue;
        const text = cell.textContent.trim().slice(0, 40);
        if (cell.scrollWidth > cell.clientWidth + 1) faults.push(`cell narrower than its content: "${text}"`);
        if (cell.scrollHeight > cell.clientHeight + 1) faults.push(`cell lower than its content: "${text}"`);
    }
    return faults.slice(0, 10);
}"""


@pytest.fixture
def _keep_screenshots(monkeypatch):
    # Set up before the recorder, torn down after it: the recorder keeps the folder of a passing test too.
    monkeypatch.setenv("WOONKANS_E2E_KEEP", "1")


def log_in_demo(actor):
    """The real login form, without the per-step checks (the login pages have their own journeys)."""
    page = actor.page
    page.goto(actor.base_url + "/")
    page.get_by_label("Gebruikersnaam").fill(actor.user.username)
    page.get_by_label("Wachtwoord").fill(demo.DEMO_PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Volgende", exact=True).click()
    page.get_by_label("Verificatiecode").fill(totp_code(actor.user))
    with page.expect_navigation():
        page.get_by_role("button", name="Inloggen", exact=True).click()
    if page.get_by_role("heading", name="Alle handelingen worden vastgelegd").is_visible():
        page.get_by_label(re.compile("^Ik heb gelezen dat al mijn handelingen")).check()
        with page.expect_navigation():
            page.get_by_role("button", name="Akkoord en verder", exact=True).click()
    page.wait_for_load_state("load")
    actor.checked = actor.navigations
    return page


def home_links(page, visited):
    """The pages the home links to, each path once over all roles (a list another role saw is the same
    template; checking it again only costs time)."""
    hrefs = page.eval_on_selector_all("main a[href^='/']", "links => links.map((a) => a.getAttribute('href'))")
    links = []
    for href in hrefs:
        path = urlsplit(href).path
        if path in visited or path == "/" or SKIPPED.search(path):
            continue
        visited.add(path)
        links.append(href)
    return links[:MAX_LINKS_PER_ROLE]


def check_layout(actor, label, below_home):
    page = actor.page
    width = page.viewport_size["width"]
    overflow = page.evaluate("() => document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} at {width} px scrolls sideways by {overflow} px"
    faults = page.evaluate(LAYOUT_FAULTS)
    assert not faults, f"{page.url} at {width} px:\n" + "\n".join(faults)
    assert page.locator("nav[aria-label='Hoofdmenu']").count() == 1, page.url
    assert page.locator("nav[aria-label='Kruimelpad']").count() == (1 if below_home else 0), page.url
    violations = axe_violations(page)
    assert not violations, f"axe-core on {page.url} at {width} px:\n{describe(violations)}"
    actor.recorder.shoot(page, actor.name, f"{label}-{width}")


def check_at_both_widths(actor, href, label):
    """Load once, then check (axe included) and photograph at each width."""
    actor.page.set_viewport_size({"width": WIDTHS[0], "height": 900})
    actor.response = actor.page.goto(actor.base_url + href)
    actor.page.wait_for_load_state("load")
    assert actor.response.status == 200, (href, actor.response.status)
    below_home = urlsplit(href).path != "/"
    for width in WIDTHS:
        actor.page.set_viewport_size({"width": width, "height": 900})
        check_layout(actor, label, below_home)
    actor.checked = actor.navigations


def idle_dialog_is_a_modal_with_whole_words(actor):
    """The idle warning, opened as the countdown opens it: modal, labelled, words whole, Escape keeps the session."""
    page = actor.page
    page.evaluate("() => document.getElementById('session-timer').showModal()")
    dialog = page.get_by_role("alertdialog", name="Je wordt bijna uitgelogd")
    dialog.wait_for(state="visible")
    assert "automatisch uitgelogd" in dialog.inner_text()
    assert page.evaluate("() => document.getElementById('session-timer').matches(':modal')")
    assert not page.evaluate(LAYOUT_FAULTS)
    actor.recorder.shoot(page, actor.name, "uitlogwaarschuwing")
    page.keyboard.press("Escape")  # = "Ingelogd blijven": the session is renewed and the dialog closes
    dialog.wait_for(state="hidden")


def test_every_role_sees_its_pages_whole_at_desktop_and_phone_width(e2e, _keep_screenshots):
    started = time.monotonic()
    demo.seed()
    print(f"demo seeded in {time.monotonic() - started:.0f} s")
    visited = set()
    for username in ROLE_USERS:
        actor = e2e(username, User.objects.get(username=username))
        log_in_demo(actor)
        links = home_links(actor.page, visited)
        check_at_both_widths(actor, "/", "home")
        if username == "consulent.venlo":
            idle_dialog_is_a_modal_with_whole_words(actor)
        for number, href in enumerate(links, start=1):
            check_at_both_widths(actor, href, f"{number:02d}-{urlsplit(href).path.strip('/').replace('/', '-')}")
        actor.page.context.close()
        print(f"{username}: {len(links) + 1} pages, {time.monotonic() - started:.0f} s since the start")


FAULTY_LAYOUT = """<!DOCTYPE html><html lang="nl"><head><title>Fout</title></head><body><main>
<p style="inline-size: 4ch; word-break: break-all">Leeftijdscategorie</p>
<table><tr><td style="display: block; inline-size: 3ch; block-size: 1em">WK-N-BM22ES en nog een regel</td></tr></table>
</main></body></html>"""


def test_the_layout_check_finds_a_broken_word_and_a_cell_too_small(browser):
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_content(FAULTY_LAYOUT)
    faults = "\n".join(page.evaluate(LAYOUT_FAULTS))
    context.close()
    assert 'word broken: "Leeftijdscategorie"' in faults
    assert "cell narrower than its content" in faults
    assert "cell lower than its content" in faults
