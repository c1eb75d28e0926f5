"""Consent withdrawn on a shared case, in the browser (SOK art. 4.3), and the casusregisseur's views.

The corporation had the profile open; after the consultant records the withdrawal its link answers 404
and its matching table keeps only the code, "Niet meer beschikbaar". The consultant (the casusregisseur,
SOK art. 1a) still reads the profile as it was shared, and follows a matched case's trajectory; those
pages are photographed at desktop and phone width.
"""

import pytest
from django.utils import timezone

from matching import services as matching_services
from woonkans.accounts.roles import Role
from woonkans.parties.models import Organisation

from ..factories import record_profile_facts
from ..referrals.conftest import make_submitted
from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1280, 390)


@pytest.fixture
def cast(person):
    return {
        "consulent": person("consulent", Role.WMO_CONSULTANT, "Gemeente Venlo"),
        "regisseur": person("regisseur", Role.KETENREGISSEUR, "Ketenregie Noord-Limburg"),
        "woonwenz": person("woonwenz", Role.CORPORATION, "Woonwenz"),
        "moveoo": person("moveoo", Role.CARE_PROVIDER, "Moveoo"),
    }


def shared_case(cast):
    regisseur = cast["regisseur"]
    profile = record_profile_facts(
        matching_services.create_profile(actor=regisseur, referral=make_submitted(cast["consulent"]))
    )
    matching_services.update_profile(
        actor=regisseur,
        profile=profile,
        expected_version=profile.version,
        data={"current_situation": "Woont tijdelijk bij een kennis.", "dwelling_needs": "Kleine woning."},
    )
    return matching_services.share_profile(
        actor=regisseur, profile=profile, corporations=[Organisation.objects.get(name="Woonwenz")]
    )


def housed_case(cast):
    profile = shared_case(cast)
    matching_services.record_match(
        actor=cast["regisseur"],
        profile=profile,
        corporation=Organisation.objects.get(name="Woonwenz"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date=timezone.localdate(),
        care_provider=Organisation.objects.get(name="Moveoo"),
        corporation_contact=cast["woonwenz"],
        provider_contact=cast["moveoo"],
    )
    matching_services.record_housing(actor=cast["regisseur"], profile=profile, lease_signed_on=timezone.localdate())
    return profile


def at_each_width(actor, path, label):
    for width in WIDTHS:
        actor.page.set_viewport_size({"width": width, "height": 900})
        page = actor.goto(path, f"{label}-{width}")
        assert actor.response.status == 200, (path, width)
        # Nothing sticks out sideways on a phone: the page scrolls only down.
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, (label, width, overflow)
    actor.page.set_viewport_size({"width": 1280, "height": 900})
    return actor.page


def test_withdrawn_consent_takes_the_profile_from_the_corporation_and_the_consultant_keeps_following(e2e, cast):
    profile = shared_case(cast)
    housed = housed_case(cast)
    corporation_url = f"/matchingstabel/{profile.pk}/"

    corporation = e2e("woonwenz", cast["woonwenz"])
    log_in(corporation, "/matchingstabel/")
    page = corporation.goto(corporation_url, "profiel-gedeeld")
    assert corporation.response.status == 200
    assert page.get_by_text(profile.code).first.is_visible()

    consultant = e2e("consulent", cast["consulent"])
    log_in(consultant, f"/aanmeldingen/{profile.referral_id}/")
    page = consultant.goto(f"/aanmeldingen/{profile.referral_id}/", "aanmelding-gedeeld")
    assert page.locator(".wk-status").first.inner_text() == "Profiel gedeeld met corporaties"
    consultant.follow("Toestemming ingetrokken", "toestemming-intrekken")
    page.get_by_label("Reden").fill("De inwoner trekt de toestemming in.")
    consultant.press("Toestemming ingetrokken", "intrekken-bevestigen")
    page = consultant.press("Toestemming intrekken en stoppen", "na-intrekken")
    assert page.locator(".wk-status").first.inner_text() == "Toestemming ingetrokken"

    corporation.goto(corporation_url, "profiel-na-intrekken")
    assert corporation.response.status == 404
    page = corporation.goto("/matchingstabel/", "tabel-na-intrekken")
    row = page.get_by_role("row").filter(has_text=profile.code)
    assert "Niet meer beschikbaar" in row.inner_text()
    assert row.get_by_role("link").count() == 0

    # The casusregisseur keeps the profile as shared (feedback 2), read only, and follows the housed case.
    page = at_each_width(consultant, f"/profielen/{profile.pk}/", "profiel-na-intrekken")
    assert page.get_by_text("Woont tijdelijk bij een kennis.").is_visible()
    assert page.get_by_role("link", name="Bewerken").count() == 0
    at_each_width(consultant, f"/profielen/{housed.pk}/", "profiel-gehuisvest")
    page = at_each_width(consultant, f"/trajecten/{housed.pk}/", "traject")
    assert page.get_by_text("Woonwenz / Moveoo").is_visible()
    page = at_each_width(consultant, "/trajecten/", "trajecten")
    assert page.get_by_role("link", name=housed.code).is_visible()
    page = consultant.goto(f"/aanmeldingen/{housed.referral_id}/", "aanmelding-gehuisvest")
    assert page.locator(".wk-status").first.inner_text() == "Gehuisvest"
