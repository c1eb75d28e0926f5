"""`seed_demo --scale` writes in bulk, yet its monitoring facts say what the route's own services would say."""

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from monitoring.models import CaseFact
from monitoring.services import fact_values
from woonkans import cases

pytestmark = pytest.mark.django_db

FIELDS = [
    "region_id",
    "municipality_id",
    "eligible",
    "reported_on",
    "submitted_on",
    "shared_on",
    "matched_on",
    "housed_on",
    "age_band",
    "young_adult",
    "outcome",
]


@pytest.fixture(scope="module")
def synthetic(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seeded once for this module's tests, which only read; rolled back after the module."""
    from referrals.models import Referral

    folder = tmp_path_factory.mktemp("scale")
    with (
        django_db_blocker.unblock(),
        override_settings(
            PRIVATE_MEDIA_ROOT=folder / "private", PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", "--manifest", str(folder / "manifest.json"), "--quiet", "--scale", "200")
        yield list(
            Referral.objects.filter(identity__family_name="Testpersoon").select_related(
                "identity", "research", "profile", "fact"
            )
        )
        transaction.set_rollback(True)


def test_synthetic_facts_match_what_the_services_compute(synthetic):
    assert len(synthetic) == 200
    assert any(hasattr(referral, "profile") for referral in synthetic)
    for referral in synthetic:
        expected = fact_values(cases.monitoring_facts(referral.pk))
        stored = CaseFact.objects.filter(pk=referral.fact_id).values(*FIELDS).get()
        assert stored == {field: expected[field] for field in FIELDS}, referral.pk


def test_synthetic_cases_span_24_months_and_none_is_submitted_in_the_future(synthetic):
    now = timezone.now()
    assert all(referral.submitted_at is None or referral.submitted_at <= now for referral in synthetic)
    reported = [referral.created_at for referral in synthetic]
    # The last 24 months, as the monitoring's demo history (monitoring.demo).
    assert datetime.timedelta(days=600) < max(reported) - min(reported) <= datetime.timedelta(days=2 * 365)
    assert all(referral.fact.age_band for referral in synthetic)


def test_synthetic_cases_with_a_profile_have_left_the_inbox(synthetic):
    """`--scale` records the profile's start on the referral as create_profile does (the inbox's index)."""
    for referral in synthetic:
        profile = getattr(referral, "profile", None)
        assert referral.profile_started_at == (profile.created_at if profile else None), referral.pk
    assert any(referral.status == "submitted" and referral.profile_started_at is None for referral in synthetic)


def test_synthetic_cases_record_their_first_preconditions_feedback(synthetic):
    """`--scale` records feedback 1 on the referral as give_feedback does (lead-time step "feedback_1")."""
    from django.db.models import Min

    from referrals.models import FeedbackKind

    for referral in synthetic:
        first = referral.feedbacks.filter(kind=FeedbackKind.PRECONDITIONS).aggregate(at=Min("created_at"))["at"]
        assert referral.preconditions_feedback_at == first, referral.pk
    assert any(referral.preconditions_feedback_at for referral in synthetic)
    assert any(referral.submitted_at and not referral.preconditions_feedback_at for referral in synthetic)


def test_synthetic_cases_record_when_feedback_2_and_3_are_due(synthetic):
    """`--scale` records on the referral since when feedback 2 and 3 are due, as share_profile, make_match and
    give_feedback keep it (lead-time steps "feedback_2" and "feedback_3"), and on the profile the last evaluation
    (record_evaluation) and the match's moment (make_match)."""
    from django.db.models import Max

    from referrals.models import FeedbackKind

    for referral in synthetic:
        profile = getattr(referral, "profile", None)
        match = getattr(profile, "match", None) if profile else None
        kinds = set(referral.feedbacks.values_list("kind", flat=True))
        shared = profile.shared_at if profile and FeedbackKind.PROFILE not in kinds else None
        assert referral.profile_feedback_due_since == shared, referral.pk
        matched = match.matched_at if match and FeedbackKind.PLACEMENT not in kinds else None
        assert referral.placement_feedback_due_since == matched, referral.pk
        if profile is not None:
            assert profile.matched_at == (match.matched_at if match else None), referral.pk
            last = profile.evaluations.aggregate(last=Max("held_on"))["last"]
            assert profile.last_evaluation_on == last, referral.pk
    assert any(referral.profile_feedback_due_since for referral in synthetic)
    assert any(getattr(referral, "profile", None) and referral.profile.last_evaluation_on for referral in synthetic)


def test_synthetic_profiles_record_the_start_of_the_offer_step(synthetic):
    """`--scale` records offered_at as the services keep it (matching.models.profile.first_open_offer)."""
    from matching.models import Profile
    from matching.models.profile import first_open_offer

    profiles = Profile.objects.filter(referral__in=synthetic).annotate(expected=first_open_offer())
    assert all(profile.offered_at == profile.expected for profile in profiles)
    assert any(profile.offered_at for profile in profiles)


def test_synthetic_profiles_record_the_question_waiting(synthetic):
    """`--scale` records question_at as the services keep it (matching.models.profile.waiting_question)."""
    from matching.models import Profile
    from matching.models.profile import waiting_question

    profiles = Profile.objects.filter(referral__in=synthetic).annotate(expected=waiting_question())
    assert all(profile.question_at == profile.expected for profile in profiles)


def test_synthetic_matches_name_the_municipality_of_their_referral(synthetic):
    """`--scale` writes Match.municipality as record_match does (the casusregisseur's trajectories list)."""
    from matching.models import Match

    matches = list(Match.objects.filter(profile__referral__in=synthetic).select_related("profile__referral"))
    assert matches
    assert all(match.municipality_id == match.profile.referral.municipality_id for match in matches)
    # And Match.referral (the corporation's and provider's trajectories list probes the grant on it).
    assert all(match.referral_id == match.profile.referral_id for match in matches)


def test_synthetic_shares_record_the_message_waiting(synthetic):
    """`--scale` records message_at as the services keep it (matching.models.profile.waiting_message)."""
    from matching.models import ProfileShare
    from matching.models.profile import waiting_message

    shares = ProfileShare.objects.filter(profile__referral__in=synthetic).annotate(expected=waiting_message())
    assert all(share.message_at == share.expected for share in shares)
    assert any(share.message_at for share in shares)


def test_synthetic_matches_record_when_the_next_evaluation_runs_from(synthetic):
    """`--scale` records evaluation_due_from as the services keep it (matching.models.trajectory)."""
    from matching.models import Match
    from matching.models.trajectory import evaluation_due_from

    matches = Match.objects.filter(profile__referral__in=synthetic).annotate(expected=evaluation_due_from())
    assert all(match.evaluation_due_from == match.expected for match in matches)
    assert any(match.evaluation_due_from for match in matches)


def test_synthetic_case_meetings_keep_their_cases_region_and_signal_time(synthetic):
    """`--scale` writes CaseMeeting.region and signalled_at as raise_signal does (the chair's /nazorg/)."""
    from matching.models import CaseMeeting

    meetings = list(CaseMeeting.objects.filter(profile__referral__in=synthetic).select_related("profile", "signal"))
    assert meetings
    assert all(meeting.region_id == meeting.profile.region_id for meeting in meetings)
    assert all(meeting.signalled_at == meeting.signal.created_at for meeting in meetings)
