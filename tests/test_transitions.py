"""The route is one set of transition tables: every allowed and every forbidden change, and no bypass.

- Each table (referral, profile, case meeting, claim, data-subject request) is walked from every
  status: an allowed transition leads to its target, a forbidden one refuses with a Dutch message.
- The profile's services are walked from every profile status: allowed moves the case on (and the
  referral follows), forbidden refuses with the table's message and changes nothing.
- A status changed outside its table is refused on save (model guard), and no module of the route
  writes a status except through the tables (source scan, which also covers QuerySet.update).
"""

import datetime
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from guarantee_fund import workflow as claim_workflow
from guarantee_fund.models import ClaimStatus
from matching import services
from matching import workflow as matching_workflow
from matching.models import (
    CaseMeeting,
    EndKind,
    Handover,
    HandshakeStatus,
    Match,
    Profile,
    ProfileStatus,
    ProviderChange,
    Signal,
    SignalKind,
)
from referrals import services as referral_services
from referrals import workflow as referral_workflow
from referrals.models import Referral, ReferralEvent
from subject_rights import workflow as request_workflow
from woonkans.state import GuardedStatus, StatusBypass, TransitionNotAllowed

from .matching.conftest import make_matched, make_shared, org

TODAY = datetime.date.today()

TABLES = [
    ("referral", referral_workflow.TABLE, referral_workflow.Status),
    ("profile", matching_workflow.PROFILES, ProfileStatus),
    ("case meeting", matching_workflow.MEETINGS, CaseMeeting.Status),
    ("handshake", matching_workflow.HANDSHAKES, HandshakeStatus),
    ("claim", claim_workflow.CLAIMS, ClaimStatus),
    ("subject request", request_workflow.TRANSITIONS, request_workflow.RequestStatus),
]

WALK = [
    pytest.param(table, transition, state, id=f"{name}-{transition}-from-{state}")
    for name, table, statuses in TABLES
    for transition in table.transitions
    for state in statuses.values
]


@pytest.mark.parametrize(("table", "transition", "state"), WALK)
def test_every_transition_from_every_status(table, transition, state):
    sources, target = table.transitions[transition]
    if state in sources:
        assert table.allowed(transition, state)
        assert table.target(transition, state) == target
        return
    assert not table.allowed(transition, state)
    with translation.override("nl"), pytest.raises(TransitionNotAllowed) as refused:
        table.target(transition, state)
    # The user reads why, in Dutch, next to the action; never the code's own words.
    assert str(refused.value) == str(table.refusal(transition))
    assert str(refused.value) and "not allowed" not in str(refused.value)


@pytest.mark.parametrize(("name", "table", "statuses"), TABLES, ids=[t[0] for t in TABLES])
def test_each_table_names_only_real_statuses_and_has_a_message_per_transition(name, table, statuses):
    assert table.states <= set(statuses.values)
    assert set(table.refusals) == set(table.transitions), f"{name}: a transition without its Dutch refusal"


# ---- the profile's services, walked from every profile status ----

# The referral status that goes with a profile status (what the route leaves behind).
REFERRAL_WITH = {
    ProfileStatus.DRAFT: "submitted",
    ProfileStatus.SHARED: "submitted",
    ProfileStatus.MATCHED: "matched",
    ProfileStatus.HOUSED: "housed",
    ProfileStatus.ENDED_POSITIVE: "ended_positive",
    ProfileStatus.ENDED_NEGATIVE: "ended_negative",
    ProfileStatus.STOPPED: "withdrawn",
}


def _force(profile, status):
    # Test set-up only: put the case in a stage without walking the route to it.
    Profile.objects.filter(pk=profile.pk).update(status=status)
    Referral.objects.filter(pk=profile.referral_id).update(status=REFERRAL_WITH[status])
    return Profile.objects.get(pk=profile.pk)


def _share(people, profile):
    return services.share_profile(actor=people["noord"], profile=profile, corporations=[org("Woonwenz")])


def _match(people, profile):
    return services.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org("Woonwenz"),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=people["woonwenz"],
        provider_contact=people["moveoo"],
    )


def _house(people, profile):
    return services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=datetime.date(2026, 1, 5))


def _end(kind):
    def end(people, profile):
        return services.end_trajectory(
            actor=people["noord"], profile=profile, kind=kind, ended_on=datetime.date(2026, 6, 1), evaluation="Verlopen"
        )

    return end


T = matching_workflow.ProfileTransition
PROFILE_SERVICES = {
    T.SHARE: (_share, "shared"),
    T.MATCH: (_match, "shared"),  # a profile that is shared but not yet matched
    T.HOUSE: (_house, "matched"),
    T.END_WELL: (_end(EndKind.POSITIVE), "matched"),
    T.END_NEGATIVELY: (_end(EndKind.EVICTED), "matched"),
}
REFERRAL_AFTER = {T.HOUSE: "housed", T.END_WELL: "ended_positive", T.END_NEGATIVELY: "ended_negative"}

SERVICE_WALK = [
    pytest.param(transition, state, id=f"{transition}-from-{state}")
    for transition in PROFILE_SERVICES
    for state in ProfileStatus.values
]


@pytest.mark.parametrize(("transition", "state"), SERVICE_WALK)
def test_profile_services_from_every_status(people, transition, state):
    action, start = PROFILE_SERVICES[transition]
    if start == "shared":
        profile = make_shared(people["noord"], people["venlo"], ["Woonwenz", "Antares"])
    else:
        profile = make_matched(people)
    profile = _force(profile, state)
    sources, target = matching_workflow.PROFILES.transitions[transition]
    events = ReferralEvent.objects.filter(referral_id=profile.referral_id).count()
    matches = Match.objects.filter(profile=profile).count()
    if state in sources:
        action(people, profile)
        assert Profile.objects.get(pk=profile.pk).status == target
        if transition in REFERRAL_AFTER:
            # The consultant's referral says where the case is after the match.
            assert Referral.objects.get(pk=profile.referral_id).status == REFERRAL_AFTER[transition]
        return
    with translation.override("nl"), pytest.raises(TransitionNotAllowed) as refused:
        action(people, profile)
    assert str(refused.value) == str(matching_workflow.PROFILES.refusal(transition))
    # Nothing changed: the stage, the referral, its timeline, the match.
    assert Profile.objects.get(pk=profile.pk).status == state
    assert Referral.objects.get(pk=profile.referral_id).status == REFERRAL_WITH[state]
    assert ReferralEvent.objects.filter(referral_id=profile.referral_id).count() == events
    assert Match.objects.filter(profile=profile).count() == matches


def test_the_consultant_reads_housed_and_ended_on_the_referral(people, client, signed_in):
    profile = make_matched(people)
    signed_in(people["venlo"])
    url = reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})
    status = '<span class="wk-status wk-status--{}">{}</span>'
    assert status.format("matched", "Gematcht met een corporatie") in client.get(url).content.decode()
    _house(people, profile)
    assert status.format("housed", "Gehuisvest") in client.get(url).content.decode()
    _end(EndKind.EVICTED)(people, Profile.objects.get(pk=profile.pk))
    assert status.format("ended_negative", "Traject negatief beëindigd") in client.get(url).content.decode()
    referral = Referral.objects.get(pk=profile.referral_id)
    assert referral.coarse_status == referral_workflow.CoarseStatus.CLOSED


@pytest.mark.parametrize("state", CaseMeeting.Status.values)
@pytest.mark.parametrize("transition", list(matching_workflow.MeetingTransition))
def test_case_meeting_services_from_every_status(people, transition, state):
    profile = make_matched(people)
    signal = Signal.objects.create(
        profile=profile,
        kind=SignalKind.SITUATION_CHANGED,
        text="Veranderd",
        raised_by=people["woonwenz"],
        organisation=people["woonwenz"].organisation,
    )
    meeting = CaseMeeting.objects.create(profile=profile, signal=signal, status=state)
    chair = people["noord"]

    def act():
        if transition == matching_workflow.MeetingTransition.PLAN:
            return services.plan_case_meeting(actor=chair, case_meeting=meeting, planned_on=datetime.date(2026, 7, 1))
        if transition == matching_workflow.MeetingTransition.NOT_NEEDED:
            return services.record_no_case_meeting(actor=chair, case_meeting=meeting, reason="Loopt al via de wijk.")
        return services.record_case_meeting_outcome(
            actor=chair, case_meeting=meeting, outcome="Besproken", participants="Woonwenz, Moveoo", held_on=TODAY
        )

    sources, target = matching_workflow.MEETINGS.transitions[transition]
    if state in sources:
        act()
        assert CaseMeeting.objects.get(pk=meeting.pk).status == target
        return
    with pytest.raises(TransitionNotAllowed):
        act()
    assert CaseMeeting.objects.get(pk=meeting.pk).status == state
    assert CaseMeeting.objects.get(pk=meeting.pk).planned_on is None


HANDSHAKE_SERVICES = {
    # (model, accept, refuse): the receiving side answers a proposal (art. 6.1, 10.4)
    "handover": (
        lambda people, obj: services.accept_handover(actor=people["midden"], handover=obj),
        lambda people, obj: services.refuse_handover(actor=people["midden"], handover=obj, reason="Geen plek."),
    ),
    "provider change": (
        lambda people, obj: services.accept_provider_change(actor=people["leger"], change=obj, contact=people["leger"]),
        lambda people, obj: services.refuse_provider_change(actor=people["leger"], change=obj, reason="Vol."),
    ),
}


@pytest.mark.parametrize("state", HandshakeStatus.values)
@pytest.mark.parametrize("transition", list(matching_workflow.HandshakeTransition))
@pytest.mark.parametrize("kind", list(HANDSHAKE_SERVICES))
def test_handshake_services_from_every_status(people, kind, transition, state):
    profile = make_matched(people)
    if kind == "handover":
        obj = Handover.objects.create(
            profile=profile,
            from_region=profile.region,
            to_region=org("Ketenregie Midden-Limburg").region,
            note="Verhuist.",
            proposed_by=people["noord"],
            status=state,
        )
    else:
        obj = ProviderChange.objects.create(
            profile=profile,
            from_provider=org("Moveoo"),
            to_provider=org("Leger des Heils"),
            reason="Opgezegd.",
            proposed_by=people["noord"],
            status=state,
        )
    accept, refuse = HANDSHAKE_SERVICES[kind]
    act = accept if transition == matching_workflow.HandshakeTransition.ACCEPT else refuse
    sources, target = matching_workflow.HANDSHAKES.transitions[transition]
    if state in sources:
        act(people, obj)
        assert type(obj).objects.get(pk=obj.pk).status == target
        return
    with pytest.raises(TransitionNotAllowed):
        act(people, obj)
    assert type(obj).objects.get(pk=obj.pk).status == state
    assert type(obj).objects.get(pk=obj.pk).decided_at is None


@pytest.mark.parametrize("state", referral_workflow.Status.values)
def test_erasure_closes_only_a_referral_still_in_research(people, state):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    Referral.objects.filter(pk=profile.referral_id).update(status=state)
    referral = Referral.objects.get(pk=profile.referral_id)
    referral_services.close_for_erasure(referral=referral)
    expected = "withdrawn" if state in ("reported", "in_research") else state
    assert Referral.objects.get(pk=referral.pk).status == expected


# ---- no bypass ----

ROUTE_APPS = ("referrals", "matching", "guarantee_fund", "subject_rights")


def test_every_route_model_with_a_status_guards_it():
    guarded = [
        model
        for model in apps.get_models()
        if model._meta.app_label in ROUTE_APPS and any(field.name == "status" for field in model._meta.fields)
    ]
    assert {model.__name__ for model in guarded} >= {
        "Referral",
        "Profile",
        "CaseMeeting",
        "Claim",
        "SubjectRequest",
        "ProviderChange",
        "Handover",
    }
    assert [model.__name__ for model in guarded if not issubclass(model, GuardedStatus)] == []


def test_a_status_changed_outside_its_table_is_refused_on_save(people):
    profile = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    profile = Profile.objects.get(pk=profile.pk)
    profile.status = ProfileStatus.HOUSED
    with pytest.raises(StatusBypass):
        profile.save()
    with pytest.raises(StatusBypass):
        profile.save(update_fields=["status", "updated_at"])
    referral = Referral.objects.get(pk=profile.referral_id)
    referral.status = referral_workflow.Status.ENDED_POSITIVE
    with pytest.raises(StatusBypass):
        referral.save()
    assert Profile.objects.get(pk=profile.pk).status == ProfileStatus.SHARED
    assert Referral.objects.get(pk=profile.referral_id).status == referral_workflow.Status.SUBMITTED
    # The same change through the table is saved; other fields save as before.
    profile = Profile.objects.get(pk=profile.pk)
    matching_workflow.PROFILES.move(profile, matching_workflow.ProfileTransition.STOP)
    profile.save(update_fields=["status", "updated_at"])
    assert Profile.objects.get(pk=profile.pk).status == ProfileStatus.STOPPED
    profile.dwelling_needs = "Begane grond"
    profile.save()


# A status write: `x.status = ...` (not `==`), or status=... inside .update(...) / bulk_update(..., ["status"]).
ASSIGNMENT = re.compile(r"\.status\s*=(?!=)")
UPDATE_CALL = re.compile(r"\.(update|bulk_update)\((?P<args>[^()]*(\([^()]*\)[^()]*)*)\)", re.S)
STATUS_IN_UPDATE = re.compile(r"(\bstatus\s*=(?!=)|[\"']status[\"'])")
# The tables themselves and the model mixin may set a status; migrations move old data once.
# The demo's synthetic history draws a plan per case (matching/demo_scale/plan.py: a plain object, not a model)
# and books the synthetic payouts in bulk (guarantee_fund/demo.py): rows written in their final state, never
# a live case's change.
ALLOWED = {"woonkans/state.py", "matching/demo_scale/plan.py", "guarantee_fund/demo.py"}
SCANNED = ("referrals", "matching", "guarantee_fund", "subject_rights", "monitoring", "woonkans/privacy")


def status_writes(source):
    found = [match.group(0) for match in ASSIGNMENT.finditer(source)]
    for call in UPDATE_CALL.finditer(source):
        if STATUS_IN_UPDATE.search(call.group("args")):
            found.append(call.group(0))
    return found


def test_the_scan_finds_a_planted_bypass():
    assert status_writes("profile.status = 'housed'\nprofile.save()")
    assert status_writes("Profile.objects.filter(pk=pk).update(\n    status=ProfileStatus.STOPPED, at=now()\n)")
    assert status_writes("Claim.objects.bulk_update(claims, ['status'])")
    assert not status_writes("if profile.status == 'shared':\n    pass\nProfile.objects.update(version=F('v') + 1)")
    assert not status_writes("Referral.objects.filter(status=Status.SUBMITTED).update(region=region)")


def test_no_module_of_the_route_writes_a_status_outside_its_table():
    root = Path(settings.BASE_DIR)
    offenders = {}
    for folder in SCANNED:
        for path in (root / folder).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative or relative in ALLOWED:
                continue
            writes = status_writes(path.read_text(encoding="utf-8"))
            if writes:
                offenders[relative] = writes
    assert offenders == {}
