"""The pages of issue 16.5 and 16.8 in the browser, at desktop and phone width: the officer's access
history of an art. 15 request, and the confirmations of "gehuisvest", a claim to the MGR and the fund's
dissolution. Each page passes axe (Actor.seen) and scrolls only down at 390 px."""

import os

import pytest
from django.urls import reverse

from subject_rights import services as subject_services
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from ..guarantee_fund.conftest import fund_with, give_iban, through_overleg
from ..guarantee_fund.test_claim_path import approve, filed
from ..matching.conftest import make_matched
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 390)


@pytest.fixture
def cast(person):
    return {
        "venlo": person("venlo", Role.WMO_CONSULTANT, "Gemeente Venlo"),
        "noord": person("noord", Role.KETENREGISSEUR, "Ketenregie Noord-Limburg"),
        "woonwenz": person("woonwenz", Role.CORPORATION, "Woonwenz"),
        "antares": person("antares", Role.CORPORATION, "Antares"),
        "moveoo": person("moveoo", Role.CARE_PROVIDER, "Moveoo"),
        "treasurer": person("treasurer", Role.TREASURER, "MGR sociaal domein Limburg-Noord"),
        "officer": person("officer", Role.PRIVACY_OFFICER, "Gemeente Venlo"),
    }


def at_both_widths(actor, label):
    """The page now open, at 1280 and 390 px: photographed, axe-checked, no sideways scrolling."""
    for width in WIDTHS:
        actor.page.set_viewport_size({"width": width, "height": 900})
        page = actor.seen(f"{label}-{width}")
        if os.environ.get("WOONKANS_E2E_KEEP"):  # a PNG beside the step's JPEG, to look at
            page.screenshot(path=actor.recorder.folder / f"{label}-{width}.png", full_page=True)
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (label, width, overflow)
    actor.page.set_viewport_size({"width": 1280, "height": 900})


def test_the_access_history_page(e2e, cast):
    profile = make_matched(cast)
    request = subject_services.register_request(
        actor=cast["officer"],
        referral=profile.referral,
        kind="access",
        received_on=profile.created_at.date(),
        request_text="De inwoner wil weten wie de gegevens zag.",
    )
    # Who looked before the request: the corporation (five times, one line) and the regisseur.
    for _ in range(5):
        log_access(user=cast["woonwenz"], action=AccessAction.READ, obj=profile, subject=profile.code)
    log_access(user=cast["noord"], action=AccessAction.UPDATE, obj=profile, subject=profile.code)
    officer = e2e("privacy", cast["officer"])
    log_in(officer)
    detail = reverse("subject_rights:detail", kwargs={"request_id": request.pk})
    officer.goto(detail, "verzoek")
    officer.follow("Bekijk wie de gegevens heeft ingezien", "inzage")
    table = officer.page.get_by_role("table").inner_text()
    assert "Ketenregie Noord-Limburg" in table and "Bemiddelingsprofiel bekeken (5 keer)" in table
    at_both_widths(officer, "inzage")


def test_the_three_confirmations(e2e, cast):
    profile = make_matched(cast, shared_with=("Woonwenz",))
    regisseur = e2e("regisseur", cast["noord"])
    log_in(regisseur)
    page = regisseur.goto(reverse("matching:profile", kwargs={"profile_id": profile.pk}), "profiel")
    page.get_by_label("Huurcontract getekend op").fill(profile.created_at.date().isoformat())
    regisseur.press("Gehuisvest", "gehuisvest-bevestigen")
    assert "Moveoo" in page.get_by_role("table").inner_text()
    at_both_widths(regisseur, "gehuisvest-bevestigen")

    claim = through_overleg(cast, filed(cast))
    give_iban(claim.corporation_id)
    approve(cast, claim)
    corporation = e2e("corporatie", cast["woonwenz"])
    log_in(corporation)
    corporation.goto(reverse("guarantee_fund:claim", args=[claim.pk]), "claim")
    corporation.press("Indienen bij de MGR", "mgr-bevestigen")
    at_both_widths(corporation, "mgr-bevestigen")

    fund_with(300_000, treasurer=cast["treasurer"], party="Antares")
    treasurer = e2e("penningmeester", cast["treasurer"])
    log_in(treasurer)
    page = treasurer.goto(reverse("guarantee_fund:parties"), "deelnemers")
    form = page.locator("form").filter(has=page.get_by_role("button", name="Fonds opheffen"))
    form.get_by_label("Datum van opheffing").fill(profile.created_at.date().isoformat())
    form.get_by_role("checkbox").check()
    treasurer.press("Fonds opheffen", "opheffen-bevestigen")
    assert "Antares" in page.get_by_role("table").inner_text()
    at_both_widths(treasurer, "opheffen-bevestigen")
