"""The lists' visibility (woonkans.privacy.disclosure.grants): guardian's meaning, a page-bounded shape."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from guardian.shortcuts import assign_perm, get_objects_for_user, remove_perm

from matching import permissions as profile_permissions
from matching.models import Profile
from referrals import permissions as referral_permissions
from referrals.models import Referral

from ..matching.conftest import make_profile, make_shared

pytestmark = pytest.mark.django_db

PROFILE_CASES = [
    ("noord", profile_permissions.CHANGE, profile_permissions.REGISSEUR_ROLES),
    ("midden", profile_permissions.CHANGE, profile_permissions.REGISSEUR_ROLES),
    ("woonwenz", profile_permissions.VIEW, profile_permissions.CORPORATION_ROLES),
    ("antares", profile_permissions.VIEW, profile_permissions.CORPORATION_ROLES),
    ("venlo", profile_permissions.VIEW, profile_permissions.CONSULTANT_ROLES),
]
REFERRAL_CASES = [
    ("noord", referral_permissions.VIEW, referral_permissions.REGISSEUR_ROLES),
    ("venlo", referral_permissions.CHANGE, referral_permissions.CONSULTANT_ROLES),
    ("venray", referral_permissions.CHANGE, referral_permissions.CONSULTANT_ROLES),
    ("moveoo", referral_permissions.VIEW_STATUS, referral_permissions.REPORTER_ROLES),
]


def guardian_ids(user, perm, model):
    # guardian's own reading of the same grant tables (users and groups; the policy writes groups only).
    return set(
        get_objects_for_user(
            user, perm, klass=model.objects.all(), accept_global_perms=False, with_superuser=False
        ).values_list("pk", flat=True)
    )


@pytest.fixture
def cases(people):
    shared = make_shared(people["noord"], people["venlo"], ["Woonwenz"])
    draft = make_profile(people["noord"], people["venray"])
    return shared, draft


def test_the_lists_see_what_guardian_grants_no_more_no_less(people, cases):
    for key, perm, roles in PROFILE_CASES:
        visible = set(profile_permissions.visible_profiles(people[key], Profile.objects.all(), roles, perm=perm))
        assert {p.pk for p in visible} == guardian_ids(people[key], perm, Profile), key
    for key, perm, roles in REFERRAL_CASES:
        visible = referral_permissions.visible_referrals(people[key], Referral.objects.all(), roles, perm=perm)
        assert set(visible.values_list("pk", flat=True)) == guardian_ids(people[key], perm, Referral), key


def test_a_grant_to_a_single_user_is_drift_and_opens_neither_list_nor_page(people, cases):
    # The policy grants to organisation groups only; reconcile() removes a user's own row as drift.
    # Lists and the single-object check read the same rows, so they never disagree about it.
    shared, draft = cases
    antares = people["antares"]
    roles = profile_permissions.CORPORATION_ROLES
    assign_perm(profile_permissions.VIEW, antares, draft)
    assert not profile_permissions.visible_profiles(antares, Profile.objects.all(), roles).filter(pk=draft.pk)
    assert not profile_permissions.has(antares, profile_permissions.VIEW, draft, roles)
    remove_perm(profile_permissions.VIEW, antares, draft)
    woonwenz = people["woonwenz"]
    assert profile_permissions.visible_profiles(woonwenz, Profile.objects.all(), roles).filter(pk=shared.pk).exists()
    assert profile_permissions.has(woonwenz, profile_permissions.VIEW, shared, roles)


def test_a_page_is_one_query_probing_the_grants_per_row_not_reading_them_all(people, cases):
    """The shape that keeps the page flat: EXISTS on the direct-FK grant table by the row's key, no
    IN over the organisation's grants (which grow with the cases) and no cast of a varchar key."""
    noord = people["noord"]
    profiles = profile_permissions.visible_profiles(
        noord, Profile.objects.all(), profile_permissions.REGISSEUR_ROLES, perm=profile_permissions.CHANGE
    ).order_by("-created_at")[:25]
    referrals = referral_permissions.visible_referrals(
        noord, Referral.objects.all(), referral_permissions.REGISSEUR_ROLES
    ).order_by("submitted_at")[:25]
    for queryset, table in ((profiles, "matching_profile"), (referrals, "referrals_referral")):
        sql = str(queryset.query)
        assert "EXISTS" in sql
        assert f'content_object_id" = ("{table}"."id")' in sql
        assert f'"{table}"."id" IN (SELECT' not in sql
        assert "::uuid" not in sql and "guardian_" not in sql and "objectpermission" not in sql.split("EXISTS")[0]
        with CaptureQueriesContext(connection) as one:
            list(queryset)
        assert len(one) == 1


def test_the_number_of_queries_does_not_grow_with_the_cases(people):
    noord = people["noord"]

    def queries():
        with CaptureQueriesContext(connection) as captured:
            list(
                profile_permissions.visible_profiles(
                    noord, Profile.objects.all(), profile_permissions.REGISSEUR_ROLES, perm=profile_permissions.CHANGE
                )[:25]
            )
            list(
                referral_permissions.visible_referrals(
                    noord, Referral.objects.all(), referral_permissions.REGISSEUR_ROLES
                )[:25]
            )
        return len(captured)

    make_profile(noord, people["venlo"])
    few = queries()
    for _ in range(4):
        make_profile(noord, people["venlo"])
    assert Profile.objects.count() >= 5
    # The role check and one query per list, whatever the number of cases and grants.
    assert queries() == few <= 4
