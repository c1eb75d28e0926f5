"""The match form (issue 13, point 8): the parties' own staff, the offer carried over, errors at the field."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import Match, Profile, ProfileStatus

from ..confirming import post_confirmed
from ..factories import record_profile_facts
from .conftest import make_shared, org

pytestmark = pytest.mark.django_db

AVAILABLE = timezone.localdate() + datetime.timedelta(days=40)


def _url(profile):
    return reverse("matching:profile_match", kwargs={"profile_id": profile.pk})


def _offer(people, profile, corporation="woonwenz"):
    share = profile.shares.get(corporation=people[corporation].organisation)
    services.respond_to_profile(
        actor=people[corporation],
        share=share,
        response="offer",
        offer={
            "dwelling_address": "Maasstraat 3, Venlo",
            "dwelling_type": "Appartement",
            "rent_cents": 61_250,
            "available_from": AVAILABLE,
        },
    )


def _options(html, field):
    select = re.search(rf'<select name="{field}".*?</select>', html, re.S).group(0)
    return {value: label for value, label in re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', select)}


def _error_of(html, field):
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def _post(people, profile, **changes):
    data = {
        "corporation": org("Woonwenz").pk,
        "care_provider": org("Moveoo").pk,
        "dwelling_address": "Maasstraat 3, Venlo",
        "intended_date": AVAILABLE.isoformat(),
        "corporation_contact": people["woonwenz"].pk,
        "provider_contact": people["moveoo"].pk,
    }
    data.update(changes)
    return data


@pytest.fixture
def offered(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    _offer(people, profile)
    return profile


def test_the_offer_is_carried_over_and_each_contact_lists_only_its_partys_staff(
    client, signed_in, people, make_user, offered
):
    colleague = make_user("corporation", "Woonwenz", first_name="Wil", last_name="Collega")
    signed_in(people["noord"])
    html = client.get(_url(offered)).content.decode()
    assert 'value="Maasstraat 3, Venlo"' in html and f'value="{AVAILABLE.isoformat()}"' in html
    assert "Woonwenz" in html and "Moveoo" in html
    corporation_staff = {str(people["woonwenz"].pk), str(colleague.pk)}
    assert set(_options(html, "corporation_contact")) == corporation_staff
    assert set(_options(html, "corporation_substitute")) == corporation_staff
    assert set(_options(html, "provider_contact")) == {str(people["moveoo"].pk)}
    assert set(_options(html, "provider_substitute")) == {str(people["moveoo"].pk)}

    response = post_confirmed(client, _url(offered), _post(people, offered, corporation_substitute=colleague.pk))
    assert response.status_code == 302
    match = Match.objects.get(profile=offered)
    assert match.offer is not None and match.corporation_substitute == colleague
    assert Profile.objects.get(pk=offered.pk).status == ProfileStatus.MATCHED


@pytest.mark.parametrize(
    ("field", "who", "message"),
    [
        ("corporation_contact", "antares", "Kies een verhuurconsulent van Woonwenz."),
        ("corporation_substitute", "moveoo", "Kies een verhuurconsulent van Woonwenz."),
        ("provider_contact", "leger", "Kies een contactpersoon van Moveoo."),
        ("provider_substitute", "woonwenz", "Kies een contactpersoon van Moveoo."),
    ],
)
def test_a_contact_of_another_organisation_is_refused_next_to_that_field(
    client, signed_in, people, offered, field, who, message
):
    signed_in(people["noord"])
    html = post_confirmed(
        client,
        _url(offered),
        _post(people, offered, **{field: people[who].pk}, dwelling_address="Maasstraat 3a, Venlo"),
    ).content.decode()
    assert _error_of(html, field) == message
    assert "Controleer de volgende punten" in html
    assert 'value="Maasstraat 3a, Venlo"' in html  # what was typed stays
    assert not Match.objects.filter(profile=offered).exists()


def test_a_date_before_the_dwelling_is_available_is_refused_at_the_date(client, signed_in, people, offered):
    signed_in(people["noord"])
    early = AVAILABLE - datetime.timedelta(days=10)
    html = post_confirmed(
        client, _url(offered), _post(people, offered, intended_date=early.isoformat())
    ).content.decode()
    assert "pas beschikbaar vanaf" in _error_of(html, "intended_date")
    assert f'value="{early.isoformat()}"' in html
    assert not Match.objects.filter(profile=offered).exists()


def test_a_provider_other_than_the_profiles_is_refused(client, signed_in, people, offered):
    signed_in(people["noord"])
    html = post_confirmed(
        client,
        _url(offered),
        _post(people, offered, care_provider=org("Leger des Heils").pk, provider_contact=people["leger"].pk),
    ).content.decode()
    assert "Met welke corporatie en welke zorgaanbieder?" in html  # back to choosing: not a party to choose here
    assert not Match.objects.filter(profile=offered).exists()


def test_a_needed_safety_plan_must_be_agreed_before_the_match(client, signed_in, people, offered):
    record_profile_facts(offered, safety_plan_needed=True)
    signed_in(people["noord"])
    page = client.get(_url(offered)).content.decode()
    assert "Eerst het profiel aanvullen" in page and "veiligheidsplan" in page.lower()
    html = post_confirmed(client, _url(offered), _post(people, offered)).content.decode()
    assert "welke zorgaanbieder en op welke datum" in html
    assert not Match.objects.filter(profile=offered).exists()

    # Agreed with another provider than the trajectory's: refused at the provider.
    record_profile_facts(
        offered,
        safety_plan_needed=True,
        safety_plan_provider=org("Leger des Heils"),
        safety_plan_agreed_on=datetime.date(2026, 2, 1),
    )
    html = post_confirmed(client, _url(offered), _post(people, offered)).content.decode()
    assert "afgesproken met Leger des Heils" in _error_of(html, "care_provider")
    assert not Match.objects.filter(profile=offered).exists()

    record_profile_facts(
        offered,
        safety_plan_needed=True,
        safety_plan_provider=org("Moveoo"),
        safety_plan_agreed_on=datetime.date(2026, 2, 1),
    )
    assert post_confirmed(client, _url(offered), _post(people, offered)).status_code == 302


def test_without_an_offer_the_parties_are_chosen_first(client, signed_in, people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    signed_in(people["noord"])
    html = client.get(_url(profile)).content.decode()
    assert "Met welke corporatie en welke zorgaanbieder?" in html
    assert 'name="corporation_contact"' not in html
    html = client.get(_url(profile), {"corporation": org("Antares").pk, "care_provider": org("Moveoo").pk})
    html = html.content.decode()
    assert set(_options(html, "corporation_contact")) == {str(people["antares"].pk)}
    # A corporation the profile was not shared with cannot be chosen.
    html = client.get(_url(profile), {"corporation": org("Nester").pk, "care_provider": org("Moveoo").pk})
    assert "Met welke corporatie" in html.content.decode() and _error_of(html.content.decode(), "corporation")


def test_the_service_refuses_a_contact_of_another_party_by_field(people, offered):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.record_match(
            actor=people["noord"],
            profile=offered,
            corporation=org("Woonwenz"),
            dwelling_address="Maasstraat 3, Venlo",
            intended_date=AVAILABLE,
            care_provider=org("Moveoo"),
            corporation_contact=people["antares"],
            provider_contact=people["moveoo"],
        )
    assert set(refused.value.message_dict) == {"corporation_contact"}


def test_only_the_regions_regisseur_opens_the_match_form(client, signed_in, people, offered):
    for who in ("woonwenz", "moveoo", "venlo", "midden"):
        signed_in(people[who])
        assert client.get(_url(offered)).status_code == 404, who
        assert post_confirmed(client, _url(offered), _post(people, offered)).status_code == 404, who
    assert not Match.objects.filter(profile=offered).exists()


def test_all_errors_show_at_once_each_at_its_field(client, signed_in, people, offered):
    signed_in(people["noord"])
    early = (AVAILABLE - datetime.timedelta(days=1)).isoformat()
    html = post_confirmed(
        client, _url(offered), _post(people, offered, intended_date=early, corporation_contact=people["antares"].pk)
    ).content.decode()
    assert "pas beschikbaar vanaf" in _error_of(html, "intended_date")
    assert _error_of(html, "corporation_contact") == "Kies een verhuurconsulent van Woonwenz."
    assert not Match.objects.filter(profile=offered).exists()


def test_the_match_page_runs_the_same_queries_shared_with_one_corporation_or_two(client, signed_in, people):
    """Whether the regisseur may choose another party is read from the shares the page loaded: counting
    the parties cost a query or two depending on the profile (23 or 22 at the same size)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    one = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    two = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    for profile in (one, two):
        _offer(people, profile)
    signed_in(people["noord"])
    counts, choose = [], []
    for profile in (one, two):
        client.get(_url(profile))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(_url(profile))
        counts.append(len(queries))
        choose.append(response.context["can_choose"])
    assert counts[0] == counts[1]
    assert choose == [False, True]  # the provider is the profile's; only the second has two corporations
