"""The demo over time: 24 months of cases through the whole route, in both regions, with real lead times and
outcomes; `--scale` makes every kind of object, deterministically; the manifest names what to look at."""

import datetime
import json
import random

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from monitoring import figures
from monitoring.models import CaseFact, Outcome

pytestmark = pytest.mark.django_db

# Every kind of object a synthetic case (or the overleg, fund and privacy desk around it) has.
EVERY_KIND = [
    "referrals.Referral",
    "referrals.Identity",
    "referrals.Research",
    "referrals.Consent",
    "referrals.ReferralEvent",
    "referrals.ExceptionRequest",
    "referrals.Feedback",
    "matching.Profile",
    "matching.ProfileShare",
    "matching.Offer",
    "matching.ProfileMessage",
    "matching.Match",
    "matching.Evaluation",
    "matching.Signal",
    "matching.CaseMeeting",
    "matching.Meeting",
    "matching.Attendance",
    "matching.AgendaItem",
    "matching.Vote",
    "matching.VoteRecord",
    "matching.Decision",
    "guarantee_fund.Claim",
    "guarantee_fund.ClaimLine",
    "guarantee_fund.ClaimConsultation",
    "guarantee_fund.LedgerEntry",
    "subject_rights.SubjectRequest",
    "monitoring.CaseFact",
    "referrals.ReferralGroupObjectPermission",
    "matching.ProfileGroupObjectPermission",
]


@pytest.fixture
def demo(tmp_path, settings):
    settings.DEMO_HISTORY_CASES = 300  # the whole history: its proportions are what this module checks
    manifest = tmp_path / "manifest.json"
    call_command("seed_demo", "--manifest", str(manifest), "--quiet")
    return json.loads(manifest.read_text())


def test_the_demo_spans_24_months_in_both_regions_with_real_lead_times_and_outcomes(demo):
    from guarantee_fund.models import Claim, ClaimStatus, Fund, LedgerEntry

    today = timezone.localdate()
    facts = CaseFact.objects.all()
    assert not facts.filter(imported=True).exists()  # the history is real cases now
    oldest = facts.order_by("reported_on").first().reported_on
    assert datetime.timedelta(days=600) < today - oldest <= datetime.timedelta(days=731)
    assert facts.order_by("-reported_on").first().reported_on == today  # the fresh reports of the storyline
    assert facts.values("region").distinct().count() == 2
    assert facts.values("municipality").distinct().count() >= 10
    steps = figures.lead_times(today - datetime.timedelta(days=730), today)
    for step in steps:
        assert step["count"] >= 20, step
        assert 5 <= step["median"] <= 150 and step["p90"] > step["median"], step
    # Of those housed more than a year ago, about four in five still live there (or ended well).
    year_ago = list(facts.filter(housed_on__lte=today - datetime.timedelta(days=365)))
    negative_in_year = [
        fact
        for fact in year_ago
        if fact.outcome == Outcome.ENDED_NEGATIVE and fact.ended_on <= fact.housed_on + datetime.timedelta(days=365)
    ]
    assert len(year_ago) >= 20
    assert 0.65 <= 1 - len(negative_in_year) / len(year_ago) <= 0.95
    assert facts.filter(outcome=Outcome.ENDED_POSITIVE).exists()
    # Some negative ends bring claims; the demo's claims stand in every status, the ledger adds up.
    assert set(Claim.objects.values_list("status", flat=True)) == set(ClaimStatus.values)
    assert Claim.objects.filter(profile__referral__identity__family_name="Testpersoon").exists()
    assert Fund.get().balance_cents == sum(LedgerEntry.objects.values_list("amount_cents", flat=True))
    # No step was taken in the future, and every case's steps follow each other.
    for fact in facts.exclude(housed_on=None):
        assert fact.reported_on <= fact.submitted_on <= fact.shared_on <= fact.matched_on <= fact.housed_on <= today

    # One seed for the whole demo (it takes a while): the storyline and the manifest are checked here too.
    check_the_named_cases_keep_their_storyline_with_dated_steps(demo)
    check_the_manifest_names_the_objects_to_look_at(demo)


def check_the_named_cases_keep_their_storyline_with_dated_steps(demo):
    from matching.models import Profile
    from referrals.models import Referral

    today = timezone.localdate()
    by_name = {case["identity"]["full_name"]: case for case in demo["cases"]}
    fresh = Referral.objects.get(identity__given_name="Kevin", identity__family_name="Martens")
    # A fresh submission waits in the inbox; its research took weeks.
    assert fresh.status == "submitted" and (today - timezone.localdate(fresh.submitted_at)).days <= 7
    assert (timezone.localdate(fresh.submitted_at) - timezone.localdate(fresh.created_at)).days >= 20
    assert timezone.localdate(Referral.objects.get(identity__given_name="Daan").created_at) == today
    ended = Profile.objects.get(referral__identity__given_name="Marco", referral__identity__family_name="de Wit")
    assert ended.status == "ended_negative"
    assert timezone.localdate(ended.shared_at) < timezone.localdate(ended.matched_at) < ended.housed_on < ended.ended_on
    assert (ended.ended_on - ended.housed_on).days > 365
    assert by_name["Emma Peeters"]["status"] == "housed"


def check_the_manifest_names_the_objects_to_look_at(demo):
    kinds = {entry["kind"] for entry in demo["objects"]}
    assert {"overleg", "overleg_correction", "overleg_votes", "handover", "signal"} <= kinds
    assert {f"claim_{status}" for status in ("draft", "filed", "approved", "rejected", "at_mgr", "paid")} <= kinds
    assert {"regional_round", "late_joiner", "werkgroep", "werkgroep_meeting"} <= kinds
    usernames = {user["username"] for user in demo["users"]}
    for entry in demo["objects"]:
        assert entry["path"].startswith("/") and entry["label"] and entry["user"] in usernames


def test_scale_makes_every_kind_of_object(tmp_path):
    from guarantee_fund.models import Claim
    from guarantee_fund.workflow import CLAIMS
    from matching.demo_scale.plan import agenda_limits
    from matching.models import AgendaItem

    call_command("seed_demo", "--manifest", str(tmp_path / "m.json"), "--quiet", "--scale", "200")
    empty = [label for label in EVERY_KIND if not apps.get_model(label).objects.exists()]
    assert not empty
    from referrals.models import Referral

    statuses = set(Referral.objects.filter(identity__family_name="Testpersoon").values_list("status", flat=True))
    assert {"reported", "in_research", "submitted", "matched", "housed", "ended_negative", "closed"} <= statuses
    # The synthetic claims alone (not the demo's own, which all stand on one trajectory) hold every status
    # of the claim's transition table, even in a history this small.
    demo_own = Claim.objects.values("profile").annotate(n=Count("pk")).filter(n__gt=1).values("profile")
    synthetic = Claim.objects.filter(profile__referral__identity__family_name="Testpersoon").exclude(
        profile__in=demo_own
    )
    assert set(synthetic.values_list("status", flat=True)) == set(CLAIMS.states)
    months = CaseFact.objects.dates("reported_on", "month")
    assert len(months) >= 23
    # An overleg's agenda keeps a real size: no kind holds more items than a region's meeting weighs.
    per_kind = AgendaItem.objects.values("meeting__region__annual_housing_target", "meeting", "kind").annotate(
        n=Count("pk")
    )
    for row in per_kind:
        limit = agenda_limits(row["meeting__region__annual_housing_target"]).get(row["kind"])
        assert limit is None or row["n"] <= limit, row


def test_scale_is_deterministic():
    from matching.demo_scale import World, draw

    now = timezone.now()

    def plans(seed):
        world = World(random.Random(seed), now)
        return [
            (p.municipality.pk, p.created, p.status, p.submitted, p.shared, p.matched, p.housed_on, p.end_kind)
            for p in (draw(world, number) for number in range(60))
        ]

    assert plans(7) == plans(7)
    assert plans(7) != plans(8)
