"""The page checks of the journeys can fail: a page with known faults is refused."""

import pytest

from .conftest import AXE_SOURCE, axe_violations, duplicate_label_targets

pytestmark = pytest.mark.e2e

FAULTY = """<!DOCTYPE html><html lang="nl"><head><title>Fout</title></head><body><main>
<h1>Formulier</h1>
<img src="data:,">
<form><input name="naam">
<label for="id_x">Omschrijving</label><input id="id_x" name="a">
<label for="id_x">Omschrijving</label><input id="id_x" name="b"></form>
</main></body></html>"""
CLEAN = """<!DOCTYPE html><html lang="nl"><head><title>Goed</title></head><body><main>
<h1>Formulier</h1><form><label for="naam">Naam</label><input id="naam" name="naam"></form>
</main></body></html>"""


@pytest.fixture
def blank_page(browser):
    context = browser.new_context()
    context.add_init_script(AXE_SOURCE.read_text(encoding="utf-8"))
    page = context.new_page()
    page.goto("about:blank")
    yield page
    context.close()


def load(page, html):
    page.set_content(html)
    if not page.evaluate("() => window.axe !== undefined"):
        page.add_script_tag(path=AXE_SOURCE)


def test_axe_reports_an_unlabelled_field_and_an_image_without_text(blank_page):
    load(blank_page, FAULTY)
    found = {violation["id"] for violation in axe_violations(blank_page)}
    assert {"label", "image-alt"} <= found
    assert duplicate_label_targets(blank_page) == ["id_x"]


def test_a_clean_page_passes(blank_page):
    load(blank_page, CLEAN)
    assert axe_violations(blank_page) == []
    assert duplicate_label_targets(blank_page) == []
