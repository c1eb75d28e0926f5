"""Random route actions by random users; after every step each user's access equals the disclosure policy."""

import pytest
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from matching import permissions as profile_permissions
from matching import services as matching_services
from referrals import permissions as referral_permissions
from referrals import services as referral_services
from referrals.models import Referral
from subject_rights import services as subject_services
from woonkans.privacy import disclosure
from woonkans.privacy.restriction import ProcessingRestricted
from woonkans.state import TransitionNotAllowed

from ..factories import record_profile_facts
from ..matching.conftest import make_matched, make_shared, org
from ..referrals.conftest import make_submitted
from ..subject_rights.conftest import officer, register  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
ACTORS = ["venlo", "venray", "noord", "midden", "woonwenz", "antares", "wonenlimburg", "moveoo", "officer"]
CORPORATIONS = {"Woonwenz": "woonwenz", "Antares": "antares"}


def actor(usual):
    """Any user may try; the one who usually acts is drawn more often, so routes get far."""
    return st.sampled_from([usual] * 3 * len(ACTORS) + ACTORS)


REFUSED = (PermissionDenied, ValidationError, TransitionNotAllowed, ProcessingRestricted, ObjectDoesNotExist)
# Every access check the pages make: (object, codename, roles that make it).
CHECKS = [
    (disclosure.REFERRAL, "view_referral", referral_permissions.CASE_ROLES),
    (disclosure.REFERRAL, "change_referral", referral_permissions.CONSULTANT_ROLES),
    (disclosure.REFERRAL, "view_identity", referral_permissions.CORPORATION_ROLES),
    (disclosure.REFERRAL, "view_contact", referral_permissions.PROVIDER_ROLES),
    (disclosure.PROFILE, "view_profile", profile_permissions.CORPORATION_ROLES),
    (disclosure.PROFILE, "view_profile", profile_permissions.CONSULTANT_ROLES),
    (disclosure.PROFILE, "change_profile", profile_permissions.REGISSEUR_ROLES),
]


class Route(RuleBasedStateMachine):
    people = None  # set per test: the users of tests/conftest.py plus the privacy officer
    reached = set()  # the stages the runs got to: the property must not hold only vacuously

    # "shared" twice: a case stopped after sharing (Stage.STOPPED) must come up in the derandomised runs.
    @initialize(start=st.sampled_from(["submitted", "shared", "shared", "matched", "housed"]))
    def start_case(self, start):
        # Cases start at different steps of the route, so short runs reach its later stages too.
        if start == "submitted":
            self.referral = make_submitted(self.people["venlo"])
        elif start == "shared":
            self.referral = make_shared(self.people["noord"], self.people["venlo"], ["Woonwenz", "Antares"]).referral
        else:
            profile = make_matched(self.people)
            self.referral = profile.referral
            if start == "housed":
                today = timezone.localdate()
                matching_services.record_housing(actor=self.people["noord"], profile=profile, lease_signed_on=today)
        self.request = None

    def attempt(self, action):
        try:
            with transaction.atomic():
                action()
        except REFUSED:
            pass

    @property
    def profile(self):
        return getattr(Referral.objects.get(pk=self.referral.pk), "profile", None)

    @rule(actor=actor("noord"))
    def create_profile(self, actor):
        referral = Referral.objects.get(pk=self.referral.pk)
        self.attempt(
            lambda: record_profile_facts(matching_services.create_profile(actor=self.people[actor], referral=referral))
        )

    @precondition(lambda self: self.profile is not None)
    @rule(actor=actor("noord"), corporations=st.sets(st.sampled_from(sorted(CORPORATIONS)), min_size=1))
    def share(self, actor, corporations):
        chosen = [org(name) for name in sorted(corporations)]
        self.attempt(
            lambda: matching_services.share_profile(actor=self.people[actor], profile=self.profile, corporations=chosen)
        )

    @precondition(lambda self: self.profile is not None)
    @rule(actor=actor("noord"), corporation=st.sampled_from(sorted(CORPORATIONS)))
    def match(self, actor, corporation):
        self.attempt(
            lambda: matching_services.record_match(
                actor=self.people[actor],
                profile=self.profile,
                corporation=org(corporation),
                dwelling_address="Maasstraat 3, Venlo",
                intended_date=timezone.localdate(),
                care_provider=org("Moveoo"),
                corporation_contact=self.people[CORPORATIONS[corporation]],
                provider_contact=self.people["moveoo"],
            )
        )

    @precondition(lambda self: self.profile is not None)
    @rule(actor=actor("noord"))
    def house(self, actor):
        today = timezone.localdate()
        self.attempt(
            lambda: matching_services.record_housing(
                actor=self.people[actor], profile=self.profile, lease_signed_on=today
            )
        )

    @precondition(lambda self: self.profile is not None)
    @rule(actor=actor("noord"), kind=st.sampled_from(["positive", "evicted"]))
    def end(self, actor, kind):
        self.attempt(
            lambda: matching_services.end_trajectory(
                actor=self.people[actor], profile=self.profile, kind=kind, ended_on=timezone.localdate(), evaluation="x"
            )
        )

    @rule(actor=actor("venlo"), consent=st.booleans())
    def withdraw(self, actor, consent):
        service = referral_services.withdraw_consent if consent else referral_services.withdraw_referral
        referral = Referral.objects.get(pk=self.referral.pk)
        self.attempt(lambda: service(actor=self.people[actor], referral=referral, reason="Gestopt."))

    @precondition(lambda self: self.request is None)
    @rule(dice=st.integers(0, 3))
    def restrict(self, dice):
        # A restriction freezes the whole route: drawn one time in four so the runs get on as well.
        if dice:
            return
        privacy_officer = self.people["officer"]

        def action():
            request = register(privacy_officer, Referral.objects.get(pk=self.referral.pk), "restriction")
            subject_services.restrict_processing(
                actor=privacy_officer, request=request, informed_on=timezone.localdate()
            )
            self.request = request

        self.attempt(action)

    @precondition(lambda self: self.request is not None)
    @rule()
    def lift(self):
        privacy_officer = self.people["officer"]
        today = timezone.localdate()
        subject_services.announce_lift(actor=privacy_officer, request=self.request, announced_on=today)
        subject_services.lift_restriction(actor=privacy_officer, request=self.request, reason="Opgeheven.")
        self.request = None

    @invariant()
    def every_user_sees_what_the_policy_says(self):
        state = disclosure.case_states([self.referral.pk])[self.referral.pk]
        wanted = disclosure.disclosed(state)
        self.reached.add(disclosure.stage_of(state))
        referral = Referral.objects.get(pk=self.referral.pk)
        objects = {disclosure.REFERRAL: referral, disclosure.PROFILE: self.profile}
        modules = {disclosure.REFERRAL: referral_permissions, disclosure.PROFILE: profile_permissions}
        for key in ACTORS:
            user = self.people[key]
            for kind, codename, roles in CHECKS:
                target = objects[kind]
                if target is None:
                    continue
                expected = user.has_role(*roles) and (kind, target.pk, user.organisation_id, codename) in wanted
                actual = modules[kind].has(user, codename, target, roles)
                assert actual == expected, (key, codename, disclosure.stage_of(state))


SETTINGS = settings(
    max_examples=40,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
    derandomize=True,
)


@pytest.fixture
def route_people(people, officer):  # noqa: F811
    users = {**people, "officer": officer}
    # No rule changes a role: read each user's roles once, not in every one of the invariant's
    # ~60 checks per step (User.role_codes uses the prefetched list). Access itself is still asked each time.
    prefetch_related_objects(list(users.values()), "role_assignments")
    return users


def test_random_routes_keep_every_users_access_equal_to_the_policy(route_people):
    Route.people = route_people
    Route.reached = set()  # this test's own runs only: it passed alone only after another test had stopped a case
    run_state_machine_as_test(Route, settings=SETTINGS)
    assert {disclosure.Stage.SHARED, disclosure.Stage.MATCHED} <= Route.reached
    assert disclosure.Stage.STOPPED in Route.reached


class RouteWithAPlantedGrant(Route):
    @precondition(lambda self: self.profile is not None)
    @rule()
    def plant(self):
        # A hand-written grant beyond the policy: Wonen Limburg never had the profile shared.
        assign_perm("matching.view_profile", org("Wonen Limburg").group, self.profile)


def test_the_property_finds_a_planted_grant(route_people):
    RouteWithAPlantedGrant.people = route_people
    planted = settings(SETTINGS, max_examples=40, phases=[Phase.generate])
    with pytest.raises(AssertionError, match="view_profile"):
        run_state_machine_as_test(RouteWithAPlantedGrant, settings=planted)
