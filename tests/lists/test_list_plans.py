"""The plans of the lists that grew with the cases (PostgreSQL): every sort walks an index and stops.

The consultant's ``/aanmeldingen/`` and the regisseur's ``/profielen/`` read every case the user may see
and sorted them before cutting a page of 25 (benchmarks/NOTES.md). Here each sort of each list is
planned as PostgreSQL would on a large table (sequential scans and sorts priced out, as the row
counts of a real region do): the page's scan must read its rows in the list's order from an index,
probe each row's grant (a SubPlan, never a join over every grant of the organisation) and stop
after the page; the capped total stops at its cap. A list that falls back to reading every row it
may see fails here, whatever the size of the test database.
"""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from referrals.models import Referral
from woonkans import lists

from .. import plans
from ..matching.conftest import make_profile
from .test_lists import make_cases

pytestmark = pytest.mark.django_db


def _page_query(client, url, table):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    found = [q["sql"] for q in captured if lists.TOTAL in q["sql"] and f'FROM "{table}"' in q["sql"]]
    assert len(found) == 1, [q["sql"][:120] for q in captured]
    return found[0], response.context["page"]


def _plan(sql):
    # What the planner does when the table is large: neither a full scan nor a sort is cheap.
    return plans.explain(sql, priced_out=("enable_seqscan", "enable_bitmapscan", "enable_sort"), analyze=True)


def _nodes(node, initplan=False):
    """(node, inside an InitPlan or SubPlan) for the whole tree."""
    yield node, initplan
    for child in node.get("Plans", ()):
        yield from _nodes(child, initplan or child.get("Parent Relationship") in ("InitPlan", "SubPlan"))


def _read(node):
    return node["Actual Rows"] * node["Actual Loops"] + node.get("Rows Removed by Filter", 0)


def assert_walks_and_stops(plan, table, *, page_reads_at_most, count_reads_at_most):
    nodes = list(_nodes(plan))
    page_scans = [n for n, sub in nodes if not sub and n.get("Relation Name") == table]
    assert len(page_scans) == 1, page_scans
    (scan,) = page_scans
    assert scan["Node Type"] in ("Index Scan", "Index Only Scan"), scan["Node Type"]
    # No full sort of the rows: the index gives the order (an incremental sort on the -pk tie-break
    # of a unique column sorts groups of one row).
    assert not [n for n, sub in nodes if not sub and n["Node Type"] == "Sort"]
    # The grant is probed per row of the walk, not joined from every grant of the organisation.
    assert "SubPlan" in json.dumps(scan.get("Filter", "")) or any(
        p.get("Parent Relationship") == "SubPlan" for p in scan.get("Plans", ())
    )
    assert _read(scan) <= page_reads_at_most, _read(scan)
    count_scans = [n for n, sub in nodes if sub and n.get("Relation Name") == table]
    assert count_scans and all(_read(n) <= count_reads_at_most for n in count_scans), count_scans


@pytest.mark.postgres_only
def test_the_consultants_list_walks_an_index_of_its_municipality_in_every_sort(client, signed_in, people, monkeypatch):
    # Another municipality's cases between the own ones: a walk over every case would read them too.
    for _ in range(3):
        make_cases(people["venray"], 10)
        make_cases(people["venlo"], 10)
    monkeypatch.setattr(lists, "COUNT_CAP", 12)
    signed_in(people["venlo"])
    for sort in ("-created_at", "created_at", "number", "-number", "status", "-status"):
        sql, page = _page_query(client, f"{reverse('referrals:list')}?sort={sort}", "referrals_referral")
        assert len(page.rows) == 25 and page.capped, sort
        # 26 rows (the page and the one that says a next page exists), one more to end an incremental sort.
        assert_walks_and_stops(_plan(sql), "referrals_referral", page_reads_at_most=27, count_reads_at_most=13)


@pytest.mark.postgres_only
def test_the_regisseurs_profile_list_walks_an_index_in_every_sort(client, signed_in, people, monkeypatch):
    own = {make_profile(people["noord"], people["venlo"]).pk for _ in range(27)}
    # The other region's profiles: their codes start with another letter (WK-M- before WK-N-).
    for _ in range(6):
        make_profile(people["midden"], people["roermond"])
    monkeypatch.setattr(lists, "COUNT_CAP", 12)
    signed_in(people["noord"])
    for sort in ("-created_at", "created_at", "code", "-code", "status", "-status"):
        sql, page = _page_query(client, f"{reverse('matching:profiles')}?sort={sort}", "matching_profile")
        assert len(page.rows) == 25 and page.capped and {p.pk for p in page.rows} <= own, sort
        # By code the walk starts in the own region (region, code); by date or status the other region's
        # rows interleave (at most its 6 here), never the whole table.
        reads = 27 if "code" in sort else 27 + 6
        assert_walks_and_stops(_plan(sql), "matching_profile", page_reads_at_most=reads, count_reads_at_most=13 + 6)


@pytest.mark.postgres_only
def test_the_inbox_walks_its_regions_part_in_every_sort_but_the_municipality(client, signed_in, people, monkeypatch):
    from referrals.workflow import Status

    # The other region's waiting cases first: a walk of the whole inbox would read them too.
    make_cases(people["roermond"], 6, status=Status.SUBMITTED)
    make_cases(people["venlo"], 27, status=Status.SUBMITTED)
    monkeypatch.setattr(lists, "COUNT_CAP", 12)
    signed_in(people["noord"])
    for sort in ("submitted_at", "-submitted_at", "number", "-number"):
        sql, page = _page_query(client, f"{reverse('referrals:inbox')}?sort={sort}", "referrals_referral")
        assert len(page.rows) == 25 and page.capped, sort
        assert_walks_and_stops(_plan(sql), "referrals_referral", page_reads_at_most=27, count_reads_at_most=13)


@pytest.mark.postgres_only
def test_the_providers_reports_walk_its_own_part_in_date_order(client, signed_in, people, monkeypatch):
    # Another provider's reports between the own ones: a walk over every case by date would read them too.
    for _ in range(3):
        make_cases(people["venlo"], 10, reported_by=people["leger"].organisation)
        make_cases(people["venlo"], 10, reported_by=people["moveoo"].organisation)
    monkeypatch.setattr(lists, "COUNT_CAP", 12)
    signed_in(people["moveoo"])
    for sort in ("-created_at", "created_at"):
        sql, page = _page_query(client, f"{reverse('referrals:reports')}?sort={sort}", "referrals_referral")
        assert len(page.rows) == 25 and page.capped, sort
        assert {r.reported_by_id for r in Referral.objects.filter(pk__in=[r.pk for r in page.rows])} == {
            people["moveoo"].organisation_id
        }
        assert_walks_and_stops(_plan(sql), "referrals_referral", page_reads_at_most=27, count_reads_at_most=13)


def test_the_providers_count_equals_its_pages_and_reads_no_grant(client, signed_in, people):
    moveoo, leger = people["moveoo"].organisation, people["leger"].organisation
    own = make_cases(people["venlo"], 30, reported_by=moveoo)
    make_cases(people["venray"], 10, reported_by=leger)
    # AVG art. 18: the provider sees nothing of a restricted case, in the rows nor in the count.
    Referral.objects.filter(pk__in=[own[3].pk, own[17].pk]).update(restricted_at=timezone.now())
    visible = {r.pk for r in own} - {own[3].pk, own[17].pk}
    signed_in(people["moveoo"])
    url = reverse("referrals:reports")
    statements = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        first = client.get(url).context["page"]
    second = client.get(f"{url}?page=2").context["page"]
    assert first.total == second.total == len(visible) == 28 and not first.capped
    assert {r.pk for r in (*first.rows, *second.rows)} == visible
    (page_sql,) = [sql for sql in statements if lists.TOTAL in sql]
    count_sql = page_sql[page_sql.index("SELECT COUNT(*)") : page_sql.index("capped_list")]
    assert "groupobjectpermission" not in count_sql and "reported_by_id" in count_sql
    signed_in(people["leger"])
    assert client.get(url).context["page"].total == 10


@pytest.mark.postgres_only
def test_the_case_meetings_to_run_walk_an_index_open_ones_first(client, signed_in, people):
    from matching import services as matching_services
    from matching.models import CaseMeeting

    from ..matching.conftest import make_matched, org

    profile = make_matched(people)
    matching_services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    for _ in range(30):
        matching_services.raise_signal(
            actor=people["woonwenz"], profile=profile, kind="other", text="Zorgen.", about=org("Moveoo")
        )
    meetings = list(CaseMeeting.objects.order_by("pk"))
    CaseMeeting.objects.filter(pk__in=[m.pk for m in meetings]).update(casusregisseur=people["venlo"], status="held")
    still_open = [meetings[4].pk, meetings[20].pk]
    CaseMeeting.objects.filter(pk__in=still_open).update(status="planned")
    signed_in(people["venlo"])
    url = reverse("matching:my_case_meetings")
    # By default the meetings still to run come first, whatever their age.
    assert [m.pk for m in client.get(url).context["page"].rows[:2]] == sorted(still_open, reverse=True)
    for sort in ("status", "-status"):
        sql, page = _page_query(client, f"{url}?sort={sort}", "matching_casemeeting")
        assert len(page.rows) == 25, sort
        nodes = list(_nodes(_plan(sql)))
        (scan,) = [n for n, sub in nodes if not sub and n.get("Relation Name") == "matching_casemeeting"]
        assert scan["Node Type"] == "Index Scan" and scan["Index Name"].startswith("matching_cm_runner_status"), sort
        assert not [n for n, sub in nodes if not sub and n["Node Type"] == "Sort"], sort
        assert _read(scan) <= 27, sort
