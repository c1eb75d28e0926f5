"""The ledger's amounts and dates stay whole: "€" never stands alone at the end of a line, nor does a date
break after its month (both did at 1280 px)."""

import pytest

from woonkans import demo
from woonkans.accounts.models import User

from .test_every_role_at_both_widths import WIDTHS, log_in_demo

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Every cell that shows an amount: the text from "€" to the last digit lies on one line.
SPLIT_AMOUNTS = r"""() => {
    const split = [];
    const range = document.createRange();
    const walker = document.createTreeWalker(document.querySelector("main"), NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const match of node.data.matchAll(/-?€\s*[0-9.]+,[0-9]{2}/g)) {
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const tops = new Set();
            for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top / 4));
            if (tops.size > 1) split.push(match[0]);
        }
    }
    return split;
}"""


# Every date cell (d-m-Y) on one line: a browser may break after each hyphen.
SPLIT_DATES = r"""() => {
    const split = [];
    const range = document.createRange();
    for (const cell of document.querySelectorAll("main td[data-label='Datum']")) {
        range.selectNodeContents(cell);
        const tops = new Set();
        for (const rect of range.getClientRects()) if (rect.width > 0) tops.add(Math.round(rect.top / 4));
        if (tops.size > 1) split.push(cell.textContent.trim());
    }
    return split;
}"""


def test_the_ledger_keeps_euro_sign_and_amount_on_one_line(e2e, _keep_screenshots):
    demo.seed()
    actor = e2e("penningmeester.mgr", User.objects.get(username="penningmeester.mgr"))
    log_in_demo(actor)
    page = actor.page
    page.goto(actor.base_url + "/garantiefonds/grootboek/")
    page.wait_for_load_state("load")
    assert page.locator("td[data-label='Bedrag']").count() > 0
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        assert page.evaluate(SPLIT_AMOUNTS) == [], f"amounts split over two lines at {width} px"
        assert page.evaluate(SPLIT_DATES) == [], f"dates split over two lines at {width} px"
        actor.recorder.shoot(page, actor.name, f"grootboek-{width}")
        page.screenshot(path=actor.recorder.folder / f"grootboek-{width}-scherm.png")  # what one screen shows
    actor.checked = actor.navigations


@pytest.fixture
def _keep_screenshots(monkeypatch):
    monkeypatch.setenv("WOONKANS_E2E_KEEP", "1")
