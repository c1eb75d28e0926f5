"""The withdrawal story in the browser: a shared profile, the resident withdraws consent, and the
corporation keeps only an empty row; its old link to the profile answers 404 (SOK art. 4.3)."""

import re

import pytest

from woonkans.accounts.roles import Role

from ..matching.conftest import make_shared
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_withdrawn_consent_leaves_the_corporation_an_empty_row_and_a_404(e2e, person):
    consultant = person("consulent", Role.WMO_CONSULTANT, "Gemeente Venlo")
    regisseur = person("regisseur", Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    corporation = person("woonwenz", Role.CORPORATION, "Woonwenz")
    profile = make_shared(regisseur, consultant, ["Woonwenz"])
    profile_path = f"/matchingstabel/{profile.pk}/"

    woonwenz = e2e("woonwenz", corporation)
    log_in(woonwenz)
    page = woonwenz.goto(profile_path, "profiel-gedeeld")
    assert woonwenz.response.status == 200

    consulent = e2e("consulent", consultant)
    log_in(consulent)
    page = consulent.goto(f"/aanmeldingen/{profile.referral_id}/", "aanmelding")
    consulent.follow("Toestemming ingetrokken", "toestemming-intrekken")
    page.get_by_label("Reden").fill("De inwoner trekt de toestemming in.")
    consulent.press("Toestemming ingetrokken", "intrekken-bevestigen")
    page = consulent.press("Toestemming intrekken en stoppen", "toestemming-ingetrokken")
    assert page.get_by_text("De toestemming is ingetrokken en de aanmelding is gestopt.").is_visible()

    page = woonwenz.goto("/matchingstabel/", "matchingstabel")
    row = page.get_by_role("row", name=re.compile(profile.code))
    assert "Niet meer beschikbaar" in row.inner_text()
    assert row.get_by_role("link").count() == 0
    assert "Gedeeld met corporaties" not in page.locator("main").inner_text()
    woonwenz.goto(profile_path, "profiel-geweigerd")
    assert woonwenz.response.status == 404
