"""The starts of the steps "housed", "feedback_2" and "feedback_3" and the match's moment, kept by the services
that change the case, and the regisseur's home reading them through their partial indexes: a count or a
"Wacht te lang" step that scans every case of the region again fails here, not only in a benchmark."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leadtimes.models import Step
from leadtimes.waiting import worklist_for
from matching import services as matching
from matching.models import Profile, ProfileStatus
from referrals import services as referral_services
from referrals.models import FeedbackKind, Referral
from referrals.workflow import Status

from .. import plans
from ..matching.conftest import make_matched, make_profile, make_shared, org
from .cases import SETUP, set_waited
from .test_query_counts import many_waiting
from .test_waiting import listed

pytestmark = pytest.mark.django_db


def _give(people, referral, kind):
    return referral_services.give_feedback(actor=people["noord"], referral=referral, kind=kind, text="Teruggekoppeld.")


def test_the_share_starts_feedback_2_at_the_profiles_shared_at_and_the_feedback_ends_it(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    referral = Referral.objects.get(pk=profile.referral_id)
    assert referral.profile_feedback_due_since == profile.shared_at
    _give(people, referral, FeedbackKind.PRECONDITIONS)  # another kind ends another step
    referral.refresh_from_db()
    assert referral.profile_feedback_due_since == profile.shared_at
    _give(people, referral, FeedbackKind.PROFILE)
    referral.refresh_from_db()
    assert referral.profile_feedback_due_since is None


def test_feedback_2_given_before_the_share_is_not_due_again(people):
    profile = make_profile(people["noord"], people["venlo"])
    _give(people, profile.referral, FeedbackKind.PROFILE)
    matching.share_profile(actor=people["noord"], profile=profile, corporations=[org("Woonwenz")])
    assert Referral.objects.get(pk=profile.referral_id).profile_feedback_due_since is None


def test_the_match_starts_feedback_3_at_its_own_moment_and_keeps_it_on_the_profile(people):
    profile = make_matched(people, shared_with=("Woonwenz",))
    match = profile.match
    profile.refresh_from_db()
    referral = Referral.objects.get(pk=profile.referral_id)
    assert profile.matched_at == match.matched_at  # the home's count of matched profiles reads the profile's
    assert referral.placement_feedback_due_since == match.matched_at
    _give(people, referral, FeedbackKind.PLACEMENT)
    referral.refresh_from_db()
    assert referral.placement_feedback_due_since is None


def test_the_profile_keeps_its_referrals_municipality(people):
    profile = make_profile(people["noord"], people["venlo"])
    assert profile.municipality_id == profile.referral.municipality_id == org("Gemeente Venlo").pk


def test_the_last_evaluation_held_is_kept_on_the_profile(people):
    profile = make_matched(people, shared_with=("Woonwenz",))
    today = timezone.localdate()
    matching.record_housing(actor=people["noord"], profile=profile, lease_signed_on=today - datetime.timedelta(300))
    for days_ago in (100, 200):  # a later-recorded evaluation held earlier does not move it back
        held_on = today - datetime.timedelta(days_ago)
        matching.record_evaluation(actor=people["noord"], profile=profile, held_on=held_on, notes="Gaat goed.")
    profile.refresh_from_db()
    assert profile.last_evaluation_on == today - datetime.timedelta(100)


@pytest.mark.parametrize("step", [Step.FEEDBACK_PROFILE, Step.FEEDBACK_PLACEMENT], ids=str)
def test_the_feedback_takes_the_case_off_the_list(step, people):
    referral = SETUP[step](people)
    set_waited(step, referral, 11)
    assert listed(people["noord"], step, referral)
    kind = FeedbackKind.PROFILE if step == Step.FEEDBACK_PROFILE else FeedbackKind.PLACEMENT
    _give(people, referral, kind)
    assert listed(people["noord"], step, referral) == []


def test_an_evaluation_takes_the_housed_case_off_the_list_until_the_next_is_due(people):
    referral = SETUP[Step.HOUSED](people)
    set_waited(Step.HOUSED, referral, 7)
    assert listed(people["noord"], Step.HOUSED, referral)
    profile = referral.profile
    today = timezone.localdate()
    held = today - datetime.timedelta(days=30)
    matching.record_evaluation(actor=people["noord"], profile=profile, held_on=held, notes="Gaat goed.")
    assert listed(people["noord"], Step.HOUSED, referral) == []
    # Seven months later it is due again, from the evaluation.
    later = worklist_for(people["noord"], today=today + datetime.timedelta(days=215))
    [again] = [item for item in later if item.step == Step.HOUSED and item.referral_id == referral.pk]
    assert again.started_on == held


# Each read the regisseur's home makes of a maintained start, and the partial index it must be able to walk.
HOME_INDEXES = {
    "matching_profile_eval_due",  # "housed, no evaluation": GREATEST(housed_on, last_evaluation_on)
    "referrals_awaiting_feedback_2",
    "referrals_awaiting_feedback_3",
    "matching_profile_matched",  # the count "Gematcht, huurcontract nog niet getekend"
    "referrals_awaiting_feedback_1",
    "referrals_inbox_waiting",
    "matching_profile_offered",
}


@pytest.mark.postgres_only
def test_the_regisseurs_home_reads_each_step_through_its_partial_index(people, signed_in, client):
    """With sequential scans priced out, every such query must still find its index: a condition that no longer
    implies the index's predicate (an anti-join over the feedback rows, a subquery for the last evaluation, the
    match's matched_at) would leave it unused, and the query would read every case of the region again."""
    make_matched(people, shared_with=("Woonwenz",))
    # A region where most cases are past these steps, as the planner sees it (ANALYZE): few waiting, many not.
    done = many_waiting(people, 600)
    Referral.objects.filter(pk__in=[referral.pk for referral in done]).update(
        profile_feedback_due_since=None, preconditions_feedback_at=timezone.now(), profile_started_at=timezone.now()
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral")
        cursor.execute("ANALYZE matching_profile")
    signed_in(people["noord"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("home")).status_code == 200
    used = set()
    for query in queries.captured_queries:
        if query["sql"].startswith("SELECT"):
            used |= plans.index_names(plans.explain(query["sql"], priced_out=["enable_seqscan"]))
    assert HOME_INDEXES <= used, HOME_INDEXES - used


@pytest.mark.postgres_only
def test_the_consultants_home_walks_its_municipalitys_housed_profiles(people, signed_in, client):
    """The casusregisseur's "housed, no evaluation" reads (municipality, EVALUATION_DUE_FROM): through the referral's
    municipality, or through the index of both regions' housed profiles, it read (or walked) every overdue housed
    profile of the other municipalities before finding the own ones."""
    referral = SETUP[Step.HOUSED](people)
    set_waited(Step.HOUSED, referral, 7)
    # Many housed cases of another municipality, overdue longer: the planner sees them (ANALYZE).
    venray, long_ago = org("Gemeente Venray"), timezone.localdate() - datetime.timedelta(days=800)
    others = Referral.objects.bulk_create(
        Referral(municipality=venray, region=venray.region, status=Status.SUBMITTED, created_by=people["venray"])
        for _ in range(600)
    )
    Profile.objects.bulk_create(
        Profile(
            referral=other,
            code=f"WK-N-H{index:05d}",
            region=venray.region,
            municipality=venray,
            regisseur=people["noord"],
            status=ProfileStatus.HOUSED,
            housed_on=long_ago,
        )
        for index, other in enumerate(others)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE referrals_referral")
        cursor.execute("ANALYZE matching_profile")
    signed_in(people["venlo"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [item.referral_id for item in response.context["waiting"]] == [referral.pk]  # the own case only
    [query] = [q["sql"] for q in queries.captured_queries if "GREATEST" in q["sql"]]
    plan = plans.explain(query, priced_out=["enable_seqscan"])
    assert "matching_profile_muni_eval_due" in plans.index_names(plan)
