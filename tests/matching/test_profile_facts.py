"""The profile's safety plan, provider kind and registration (issue 13, point 7), through the pages."""

import datetime
import re

import pytest
from django.urls import reverse

from matching.models import Profile, ProfileShare, ProfileStatus

from ..confirming import post_confirmed
from ..factories import record_profile_facts
from ..pdftext import pdf_text
from ..referrals.conftest import make_submitted
from .conftest import make_profile, make_shared, org
from .test_profiles import edit_data

pytestmark = pytest.mark.django_db


def _edit_url(profile):
    return reverse("matching:profile_edit", kwargs={"profile_id": profile.pk})


def _share(client, profile, corporation="Woonwenz"):
    return post_confirmed(
        client,
        reverse("matching:profile_share", kwargs={"profile_id": profile.pk}),
        {"corporations": [org(corporation).pk]},
    )


def _error_of(html, field):
    """The error text shown next to one field (its own error block), or ''."""
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _label_of(html, field):
    found = re.search(rf'<label class="utrecht-form-label" for="id_{field}">(.*?)</label>', html, re.S)
    return found.group(1) if found else ""


def test_the_edit_form_says_what_is_needed_to_share_instead_of_niet_verplicht(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    html = client.get(_edit_url(profile)).content.decode()
    for field in ("care_provider", "registered_on", "registered_by", "failure_agreements"):
        assert "nodig om te delen" in _label_of(html, field), field
        assert "niet verplicht" not in _label_of(html, field), field
    assert "nodig vóór de match als er een veiligheidsplan nodig is" in _label_of(html, "safety_plan_agreed_on")
    # A field nothing depends on still says so.
    assert "niet verplicht" in _label_of(html, "mobility")


def test_the_safety_plan_starts_from_the_research(people):
    from matching import services

    referral = make_submitted(people["venlo"], safety_plan_needed=True)
    assert services.create_profile(actor=people["noord"], referral=referral).safety_plan_needed is True


def test_sharing_is_refused_while_the_registration_as_woningzoekende_is_missing(client, signed_in, people):
    profile = record_profile_facts(make_profile(people["noord"], people["venlo"]), registered_on=None)
    signed_in(people["noord"])
    page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Nog nodig om te delen" in page and "SOK art. 5.3a" in page
    html = _share(client, profile).content.decode()
    assert "ingeschreven (SOK art. 5.3a)" in html
    assert not ProfileShare.objects.filter(profile=profile).exists()
    assert Profile.objects.get(pk=profile.pk).status == ProfileStatus.DRAFT

    client.post(_edit_url(profile), edit_data(profile, registered_on="2026-03-02"))
    assert _share(client, profile).status_code == 302
    assert Profile.objects.get(pk=profile.pk).status == ProfileStatus.SHARED


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"safety_plan_needed": None}, "veiligheidsplan nodig is"),
        ({"care_provider": None}, "Kies de zorgaanbieder"),
        ({"care_funding": ""}, "in natura of uit een pgb"),
        ({"failure_agreements": ""}, "niet goed loopt"),
    ],
)
def test_each_fact_missing_refuses_the_share(client, signed_in, people, missing, message):
    profile = record_profile_facts(make_profile(people["noord"], people["venlo"]), **missing)
    signed_in(people["noord"])
    assert message in _share(client, profile).content.decode()
    assert not ProfileShare.objects.filter(profile=profile).exists()


def test_half_filled_facts_are_refused_next_to_the_field_and_nothing_is_lost(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    data = edit_data(
        profile,
        conclusion="Past goed in een rustige buurt.",
        care_provider=org("Moveoo").pk,
        care_provider_other="Zorg op Maat BV",
        safety_plan_needed="True",
        safety_plan_provider=org("Moveoo").pk,
        safety_plan_agreed_on="",
        registered_on=(datetime.date.today() + datetime.timedelta(days=3)).isoformat(),
    )
    html = client.post(_edit_url(profile), data).content.decode()
    assert "niet allebei" in _error_of(html, "care_provider_other")
    assert "datum van de afspraak" in _error_of(html, "safety_plan_agreed_on")
    assert "in de toekomst" in _error_of(html, "registered_on")
    assert "Controleer de volgende punten" in html
    assert "Past goed in een rustige buurt." in html and 'value="Zorg op Maat BV"' in html
    assert Profile.objects.get(pk=profile.pk).version == profile.version


def test_a_non_party_provider_cannot_be_care_in_kind(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    data = edit_data(profile, care_provider="", care_provider_other="Zorg op Maat BV", care_funding="zin")
    html = client.post(_edit_url(profile), data).content.decode()
    assert "alleen via een pgb" in _error_of(html, "care_funding")


def _pgb_non_party(client, profile):
    data = edit_data(profile, care_provider="", care_provider_other="Zorg op Maat BV", care_funding="pgb")
    assert client.post(_edit_url(profile), data).status_code == 302
    return Profile.objects.get(pk=profile.pk)


def test_a_pgb_provider_outside_the_agreement_needs_the_chairs_exception(client, signed_in, people):
    profile = make_profile(people["midden"], people["roermond"])
    signed_in(people["proces_midden"])
    profile = _pgb_non_party(client, profile)
    html = _share(client, profile, "Wonen Limburg").content.decode()
    assert "uitzondering maakt (SOK art. 9.2b)" in html
    assert not ProfileShare.objects.filter(profile=profile).exists()
    # The procesregisseur is not the chair: no form, and a crafted POST is refused.
    assert 'id="uitzondering"' not in client.get(_edit_url(profile)).content.decode()
    response = client.post(_edit_url(profile), {"uitzondering": "1", "reason": "Kent de inwoner al jaren."})
    assert response.status_code == 404
    assert Profile.objects.get(pk=profile.pk).pgb_exception_on is None

    signed_in(people["midden"])
    assert 'id="uitzondering"' in client.get(_edit_url(profile)).content.decode()
    html = client.post(_edit_url(profile), {"uitzondering": "1", "reason": ""}).content.decode()
    assert _error_of(html, "reason")
    response = client.post(_edit_url(profile), {"uitzondering": "1", "reason": "Kent de inwoner al jaren."})
    assert response.status_code == 302
    profile = Profile.objects.get(pk=profile.pk)
    assert profile.pgb_exception_by == people["midden"] and profile.pgb_exception_on is not None
    page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Kent de inwoner al jaren." in page
    assert _share(client, profile, "Wonen Limburg").status_code == 302


def test_another_provider_needs_a_new_exception(client, signed_in, people):
    profile = make_profile(people["midden"], people["roermond"])
    signed_in(people["midden"])
    profile = _pgb_non_party(client, profile)
    client.post(_edit_url(profile), {"uitzondering": "1", "reason": "Kent de inwoner al jaren."})
    profile = Profile.objects.get(pk=profile.pk)
    client.post(_edit_url(profile), edit_data(profile, care_provider_other="Andere Zorg BV"))
    assert Profile.objects.get(pk=profile.pk).pgb_exception_on is None


def test_the_corporation_reads_whether_a_safety_plan_is_needed_but_not_the_provider_or_dates(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    record_profile_facts(
        profile,
        provider="Leger des Heils",
        safety_plan_needed=True,
        safety_plan_provider=org("Leger des Heils"),
        safety_plan_agreed_on=datetime.date(2026, 2, 3),
    )
    profile = make_shared_from(people, profile)
    signed_in(people["woonwenz"])
    page = client.get(reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Veiligheidsplan nodig" in page
    assert "Leger des Heils" not in page and "2026" not in page.split("Veiligheidsplan nodig")[1][:80]
    pdf = pdf_text(client.get(reverse("matching:corporation_profile_pdf", kwargs={"profile_id": profile.pk})).content)
    assert "Veiligheidsplan nodig" in pdf and "Leger des Heils" not in pdf and "woningzoekende" not in pdf

    signed_in(people["noord"])
    own = pdf_text(client.get(reverse("matching:profile_pdf", kwargs={"profile_id": profile.pk})).content)
    assert "Leger des Heils" in own and "5 januari 2026, Leger des Heils" in own
    page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "afgesproken met Leger des Heils op 3 februari 2026" in page


def make_shared_from(people, profile):
    from matching import services

    return services.share_profile(actor=people["noord"], profile=profile, corporations=[org("Woonwenz")])


def test_the_consultant_reads_the_facts_of_a_shared_profile(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    signed_in(people["venlo"])
    page = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Ingeschreven als woningzoekende" in page and "Moveoo" in page


def test_no_safety_plan_keeps_no_agreement_about_one(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    html = client.get(_edit_url(profile)).content.decode()
    # Not needed: the provider select is not prefilled (it would otherwise be posted back).
    select = re.search(r'<select name="safety_plan_provider".*?</select>', html, re.S).group(0)
    assert "selected" not in select.replace('value="" selected', "")
    data = edit_data(profile, safety_plan_needed="False", safety_plan_provider=org("Moveoo").pk)
    assert client.post(_edit_url(profile), data).status_code == 302
    saved = Profile.objects.get(pk=profile.pk)
    assert saved.safety_plan_needed is False and saved.safety_plan_provider is None
