"""In the browser: the wizard's status line never says "Concept opgeslagen" after an autosave that failed."""

import re

import pytest

from referrals import services as referral_services
from woonkans.accounts.roles import Role

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SAVED = re.compile(r"^Concept opgeslagen om \d\d:\d\d$")
NOT_SAVED = re.compile(r"^Niet opgeslagen")


@pytest.fixture
def consultant(make_user):
    return make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True, username="consulent")


def test_a_failed_autosave_says_it_was_not_saved(e2e, consultant):
    referral = referral_services.start_referral(actor=consultant)
    step = f"/aanmeldingen/{referral.pk}/stap/persoon/"
    actor = e2e("consulent", consultant)
    page = log_in(actor, start=step)
    status = page.locator("#autosave-status")

    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Voornaam").press("Tab")
    page.get_by_text(SAVED).wait_for()

    # The server answers with an error page (a busy or unreachable database): htmx swaps nothing.
    page.route("**/concept/", lambda route: route.fulfill(status=500, body="Serverfout"))
    page.get_by_label("Achternaam").fill("Hendriks")
    page.get_by_label("Achternaam").press("Tab")
    page.get_by_text(NOT_SAVED).wait_for()
    assert not SAVED.match(status.inner_text())
    actor.seen("autosave-mislukt")

    # Back to normal, the next autosave says so again; then the connection drops.
    page.unroute("**/concept/")
    page.get_by_label("Voornaam").fill("Noortje")
    page.get_by_label("Voornaam").press("Tab")
    page.get_by_text(SAVED).wait_for()
    page.route("**/concept/", lambda route: route.abort())
    page.get_by_label("Achternaam").fill("Hendriksen")
    page.get_by_label("Achternaam").press("Tab")
    page.get_by_text(NOT_SAVED).wait_for()
    # What was typed is still on the screen.
    assert page.get_by_label("Achternaam").input_value() == "Hendriksen"
