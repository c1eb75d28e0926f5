"""Per transition and per relation: who opens what of the case afterwards (200 or 404).

The expectations are written out by hand from SPEC §3 (Bijlage 2), not computed from the policy module,
so a wrong policy fails here too.
"""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from matching import services as matching_services
from woonkans.privacy import disclosure

from ..factories import record_profile_facts
from ..matching.conftest import org
from ..referrals.conftest import make_submitted

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate

# page -> who may open it at each step. C = consultant Venlo, R = regisseur Noord, W = Woonwenz (shared,
# then matched), A = Antares (shared, placed elsewhere), L = Wonen Limburg (never shared), M = Moveoo (linked).
EXPECTED = {
    "submitted": {"referral": "CR", "profile": "", "corporation_profile": "", "tenant": "", "trajectories": ""},
    "drafted": {"referral": "CR", "profile": "R", "corporation_profile": "", "tenant": "", "trajectories": ""},
    # From the share on the consultant (the casusregisseur, feedback 2) reads the profile and the trajectory.
    "shared": {"referral": "CR", "profile": "CR", "corporation_profile": "WA", "tenant": "", "trajectories": ""},
    "matched": {"referral": "CR", "profile": "CR", "corporation_profile": "W", "tenant": "W", "trajectories": "CWM"},
    "housed": {"referral": "CR", "profile": "CR", "corporation_profile": "W", "tenant": "W", "trajectories": "CWM"},
    "ended": {"referral": "CR", "profile": "CR", "corporation_profile": "", "tenant": "", "trajectories": "C"},
}
USERS = {"C": "venlo", "R": "noord", "W": "woonwenz", "A": "antares", "L": "wonenlimburg", "M": "moveoo"}
PAGE_ROLES = {
    "referral": "CR",
    "profile": "CR",
    "corporation_profile": "WAL",
    "tenant": "WAL",
    "trajectories": "CWALM",
}


def _status(client, page, referral, profile):
    if page == "referral":
        return client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).status_code
    if profile is None:
        return 404
    if page == "trajectories":
        listed = profile.code in client.get(reverse("matching:trajectories")).content.decode()
        return 200 if listed else 404
    names = {"profile": "matching:profile", "corporation_profile": "matching:corporation_profile"}
    return client.get(reverse(names.get(page, "matching:tenant"), kwargs={"profile_id": profile.pk})).status_code


def assert_visibility(client, signed_in, people, step, referral, profile):
    for letter, key in USERS.items():
        signed_in(people[key])
        for page, allowed in EXPECTED[step].items():
            if letter not in PAGE_ROLES[page]:
                continue
            expected = 200 if letter in allowed else 404
            assert _status(client, page, referral, profile) == expected, (step, key, page)
    assert not disclosure.reconcile([referral.pk], fix=False), step


def test_each_step_of_the_route_discloses_what_spec_3_names(client, signed_in, people):
    regisseur = people["noord"]
    referral = make_submitted(people["venlo"])
    assert_visibility(client, signed_in, people, "submitted", referral, None)

    profile = record_profile_facts(matching_services.create_profile(actor=regisseur, referral=referral))
    assert_visibility(client, signed_in, people, "drafted", referral, profile)

    matching_services.share_profile(actor=regisseur, profile=profile, corporations=[org("Woonwenz"), org("Antares")])
    assert_visibility(client, signed_in, people, "shared", referral, profile)

    matching_services.record_match(
        actor=regisseur,
        profile=profile,
        corporation=org("Woonwenz"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date=TODAY() + datetime.timedelta(days=30),
        care_provider=org("Moveoo"),
        corporation_contact=people["woonwenz"],
        provider_contact=people["moveoo"],
    )
    assert_visibility(client, signed_in, people, "matched", referral, profile)

    matching_services.record_housing(actor=regisseur, profile=profile, lease_signed_on=TODAY())
    assert_visibility(client, signed_in, people, "housed", referral, profile)

    matching_services.end_trajectory(actor=regisseur, profile=profile, kind="positive", ended_on=TODAY())
    assert_visibility(client, signed_in, people, "ended", referral, profile)


def test_a_handover_moves_the_case_to_the_other_region(client, signed_in, people):
    referral = make_submitted(people["venlo"])
    profile = matching_services.create_profile(actor=people["noord"], referral=referral)
    midden = org("Ketenregie Midden-Limburg").region
    handover = matching_services.propose_handover(
        actor=people["noord"], profile=profile, to_region=midden, note="Verhuist naar Roermond."
    )
    matching_services.accept_handover(actor=people["midden"], handover=handover)
    url = reverse("matching:profile", kwargs={"profile_id": profile.pk})
    signed_in(people["noord"])
    assert client.get(url).status_code == 404
    signed_in(people["proces_midden"])
    assert client.get(url).status_code == 200
    assert not disclosure.reconcile([referral.pk], fix=False)
