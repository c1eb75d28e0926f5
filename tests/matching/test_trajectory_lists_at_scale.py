"""Issue 17: the trajectories lists and the consultant's home counts cost the same at any number of cases.

The casusregisseur's list walks the matches of its municipality (Match.municipality, kept by record_match)
and probes each match's profile grant; the corporation's and the provider's lists probe the referral grant
per match (no join that hashes every profile); the consultant's home counts walk (municipality, status,
created_at) with the grant probed per referral. The rows, their order and the counts stay exactly what
the grants allow (benchmarks/NOTES.md).
"""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import EndKind, Match, ProfileStatus
from matching.models.trajectory import NEGATIVE_ENDINGS
from matching.permissions import VIEW as VIEW_PROFILE
from referrals import selectors as referral_selectors
from referrals.workflow import Status
from woonkans import worklist
from woonkans.privacy.disclosure.grants import holds

from ..referrals.conftest import make_ready
from .conftest import make_shared, org

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("matching.migrations.0016_match_trajectory_lists")

_CONSULTANT_ORDERS = {
    "": lambda match: (-match.matched_at.timestamp(), -match.pk),
    "matched_at": lambda match: (match.matched_at, -match.pk),
    "code": lambda match: (match.profile.code, -match.pk),
    "status": lambda match: (match.profile.status, -match.pk),
}


# Each municipality's consultant with a corporation that has housing stock there (the share needs one).
_CORPORATION = {"venlo": ("Woonwenz", "woonwenz"), "venray": ("Wonen Limburg", "wonenlimburg")}


def _match(people, consultant="venlo"):
    corporation, contact = _CORPORATION[consultant]
    profile = make_shared(people["noord"], people[consultant], (corporation,))
    return services.record_match(
        actor=people["noord"],
        profile=profile,
        corporation=org(corporation),
        dwelling_address="Maasstraat 3, Venlo",
        intended_date="2027-02-01",
        care_provider=org("Moveoo"),
        corporation_contact=people[contact],
        provider_contact=people["moveoo"],
    )


def _count_sql(queries):
    """The capped count of the list's page query (woonkans.lists.CappedCount)."""
    sql = next(query["sql"] for query in queries if "AS capped_list" in query["sql"])
    return sql[sql.index("(SELECT COUNT(*) FROM (") : sql.index(") AS capped_list")]


def test_record_match_keeps_the_municipality_of_the_referral(people):
    match = _match(people, "venray")
    assert match.municipality_id == match.profile.referral.municipality_id == org("Gemeente Venray").pk


def test_the_migration_fills_the_municipality_as_record_match_writes_it(people):
    matches = [_match(people), _match(people, "venray")]
    Match.objects.update(municipality=None)
    MIGRATION.fill_municipality(global_apps, None)
    for match in matches:
        match.refresh_from_db()
        assert match.municipality_id == match.profile.referral.municipality_id


@pytest.mark.parametrize("matches", [5, 50])
def test_the_casusregisseur_lists_exactly_the_matches_its_grant_allows_in_every_order(
    client, signed_in, people, matches
):
    for _number in range(matches):
        _match(people)
    for _number in range(2):
        _match(people, "venray")
    # A case of Venlo whose profile grant is gone (as after erasure) stays out, although the match names Venlo.
    hidden = _match(people)
    _drop_profile_grants(hidden.profile)
    every = list(Match.objects.select_related("profile"))
    for user in ("venlo", "venray"):
        consultant = people[user]
        visible = [match for match in every if holds(consultant, VIEW_PROFILE, match.profile)]
        assert hidden not in visible
        assert len(visible) == (matches if user == "venlo" else 2)
        signed_in(consultant)
        for sort, key in _CONSULTANT_ORDERS.items():
            response = client.get(reverse("matching:trajectories"), {"sort": sort} if sort else {})
            page = response.context["page"]
            assert [match.pk for match in page] == [match.pk for match in sorted(visible, key=key)][:25], (user, sort)
            assert page.total == len(visible)


def _drop_profile_grants(profile):
    from guardian.utils import get_group_obj_perms_model

    get_group_obj_perms_model(profile).objects.filter(content_object=profile).delete()


def test_the_casusregisseurs_list_probes_the_grant_on_the_match_instead_of_reading_every_grant(
    client, signed_in, people
):
    """The page and its capped count name the match's municipality and probe the profile grant per match
    (a scalar subquery on profile_id): as an IN over the visible profiles, PostgreSQL hashed every profile
    grant of the municipality and scanned every match, growing with the cases."""
    _match(people)
    signed_in(people["venlo"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("matching:trajectories"))
    assert response.status_code == 200 and response.context["page"].total == 1
    count = _count_sql(queries.captured_queries)
    assert '."municipality_id" = ' in count
    assert '"matching_profile"' not in count and "EXISTS" not in count


def _end(people, profile, kind):
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    services.end_trajectory(
        actor=people["noord"], profile=profile, kind=kind, ended_on=timezone.localdate(), evaluation="Geen huur."
    )


@pytest.mark.parametrize("ended", [3, 30])
def test_the_negatively_ended_list_holds_exactly_the_negative_endings(client, signed_in, people, ended):
    """ended_for_claim walks the partial index of the negative endings (end_kind, written by end_trajectory
    with the status): the same trajectories as the profile's status ENDED_NEGATIVE, newest end first."""
    for number in range(ended):
        _end(people, _match(people).profile, (EndKind.EVICTED, EndKind.LEFT, EndKind.POSITIVE)[number % 3])
    _match(people)  # running
    negative = list(
        Match.objects.filter(corporation=org("Woonwenz"), profile__status=ProfileStatus.ENDED_NEGATIVE).order_by(
            "-ended_on", "-pk"
        )
    )
    assert {match.end_kind for match in negative} <= set(NEGATIVE_ENDINGS)
    assert Match.objects.filter(end_kind__in=NEGATIVE_ENDINGS).count() == len(negative)
    signed_in(people["woonwenz"])
    response = client.get(reverse("matching:trajectories"))
    shown = response.context["ended"]
    assert [match.pk for match in shown] == [match.pk for match in negative][:25]
    assert shown.total == len(negative)


@pytest.mark.parametrize("referrals", [2, 6])
def test_the_consultants_home_counts_equal_the_team_list_and_walk_the_municipality(
    client, signed_in, people, referrals
):
    from referrals import services as referral_services

    for _number in range(referrals):
        referral_services.start_referral(actor=people["venlo"])
    for _number in range(referrals // 2):
        make_ready(people["venlo"])
        make_ready(people["venray"])
    consultant = people["venlo"]
    rows = {row.key: row for row in referral_selectors.worklist_counts(consultant)}
    for status in (Status.REPORTED, Status.IN_RESEARCH):
        listed = referral_selectors.municipality_referrals(user=consultant, status=status)
        assert rows[f"referrals.{status}"].count == min(listed.count(), worklist.CAP), status
    assert rows[f"referrals.{Status.REPORTED}"].count + rows[f"referrals.{Status.IN_RESEARCH}"].count > 0
    with CaptureQueriesContext(connection) as queries:
        referral_selectors.worklist_counts(consultant)
    counts = [query["sql"] for query in queries.captured_queries if "referrals_referral" in query["sql"]]
    assert len(counts) == 2
    for sql in counts:
        assert '"referrals_referral"."municipality_id" = ' in sql
        # Probed per referral (a scalar subquery), not an EXISTS PostgreSQL turns into a hash of every grant.
        assert "EXISTS" not in sql


MATCH_REFERRAL = importlib.import_module("matching.migrations.0024_match_referral")


def test_record_match_and_the_migration_keep_the_referral_of_the_profile(people):
    matches = [_match(people), _match(people, "venray")]
    for match in matches:
        assert match.referral_id == match.profile.referral_id
    Match.objects.update(referral=None)
    MATCH_REFERRAL.fill_referral(global_apps, None)
    for match in matches:
        match.refresh_from_db()
        assert match.referral_id == match.profile.referral_id


MATCH_GRANTED = importlib.import_module("matching.migrations.0027_match_granted_sides")


def _sides(match):
    match.refresh_from_db()
    return (match.identity_granted, match.contact_granted)


def _grants(people, match):
    from referrals.models import Referral

    referral = Referral.objects.get(pk=match.referral_id)
    return (holds(people["woonwenz"], "view_identity", referral), holds(people["moveoo"], "view_contact", referral))


def test_the_granted_sides_follow_the_grants_through_the_case(people):
    """Match.identity_granted / contact_granted are the grant tables' answer, copied by the disclosure sync
    whenever it writes a case's grants: matched, housed, restricted (art. 18) and lifted, ended; and the
    migration fills them the same way."""
    from referrals.models import Referral
    from woonkans.privacy.disclosure import sync_case_grants

    match, other = _match(people), _match(people)
    assert _sides(match) == _grants(people, match) == (True, True)
    services.record_housing(actor=people["noord"], profile=match.profile, lease_signed_on=timezone.localdate())
    assert _sides(match) == _grants(people, match) == (True, True)
    Referral.objects.filter(pk=match.referral_id).update(restricted_at=timezone.now())  # as subject_rights does
    sync_case_grants(match.referral_id)
    assert _sides(match) == _grants(people, match) == (False, False)
    assert _sides(other) == _grants(people, other) == (True, True)
    Referral.objects.filter(pk=match.referral_id).update(restricted_at=None)
    sync_case_grants(match.referral_id)
    assert _sides(match) == _grants(people, match) == (True, True)
    services.end_trajectory(
        actor=people["noord"],
        profile=match.profile,
        kind=EndKind.POSITIVE,
        ended_on=timezone.localdate(),
        evaluation="Goed.",
    )
    assert _sides(match) == _grants(people, match) == (False, False)
    Match.objects.update(identity_granted=None, contact_granted=None)
    MATCH_GRANTED.fill(global_apps, None)
    assert (
        [_sides(match), _sides(other)]
        == [_grants(people, match), _grants(people, other)]
        == [
            (False, False),
            (True, True),
        ]
    )


@pytest.mark.postgres_only
@pytest.mark.parametrize("user", ["woonwenz", "moveoo"])
def test_each_sides_capped_count_walks_its_granted_matches_and_probes_no_grant(client, signed_in, people, user):
    """The corporation's and provider's list: the capped count (up to 1 001 matches) probed the referral grant
    per match (3-4 buffers each, 5 311 at 100 000 cases): it now walks the side's partial index of the matches
    whose grant the sync copied onto them, index-only. The rows still probe the grant and check "not
    restricted": a case restricted (its grants paused by the sync) or whose grant is gone stays out of both."""
    from guardian.utils import get_group_obj_perms_model

    from matching.case_facts import follow_grants
    from referrals.models import Referral
    from woonkans.privacy.disclosure import sync_case_grants

    from .. import plans

    shown = [_match(people) for _number in range(3)]
    restricted, ungranted = _match(people), _match(people)
    Referral.objects.filter(pk=restricted.referral_id).update(restricted_at=timezone.now())
    sync_case_grants(restricted.referral_id)
    get_group_obj_perms_model(Referral).objects.filter(content_object_id=ungranted.referral_id).delete()
    follow_grants([ungranted.referral_id])
    signed_in(people[user])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("matching:trajectories"))
    page = response.context["page"]
    assert sorted(match.pk for match in page) == sorted(match.pk for match in shown)
    assert page.total == len(shown)
    count = _count_sql(queries.captured_queries)
    side, granted = (
        ("corporation_id", "identity_granted") if user == "woonwenz" else ("care_provider_id", "contact_granted")
    )
    assert f'."{side}" = ' in count and f'."{granted}"' in count
    for table in ('"matching_profile"', '"referrals_referral"', "referralgroupobjectpermission"):
        assert table not in count, count
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({count[len('(SELECT COUNT(*) FROM (') :]}) AS capped")
        assert cursor.fetchone()[0] == len(shown)
    plan = plans.explain(count[1:] + ") AS capped_list", priced_out=(*plans.LARGE_TABLE, "enable_bitmapscan"))
    index = "matching_match_corp_granted" if user == "woonwenz" else "matching_match_prov_granted"
    scans = [
        (node["Node Type"], node.get("Index Name"))
        for node in plans.nodes(plan)
        if node.get("Relation Name") == "matching_match"
    ]
    assert scans == [("Index Only Scan", index)], plan
