"""The claims list: seven claims of one case told apart by date and amounts, sorted on the server."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guarantee_fund.models import Claim, ClaimStatus
from woonkans.lists import PAGE_SIZE

from .. import plans
from .conftest import approved_claim, fund_with

pytestmark = pytest.mark.django_db


def same_case(claim, people, **fields):
    """Another claim of ``claim``'s case (a draft unless ``fields`` say otherwise)."""
    return Claim.objects.create(
        profile=claim.profile,
        code=claim.code,
        corporation=claim.corporation,
        region=claim.region,
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="x",
        deposit_cents=0,
        created_by=people["woonwenz"],
        **fields,
    )


def copies(claim, people, count):
    """Claims of the same case at the MGR, each filed a day apart with its own amounts."""
    now = timezone.now()
    for number in range(count):
        copy = same_case(
            claim,
            people,
            status="at_mgr",
            filed_at=now - datetime.timedelta(days=number + 1),
            approved_cents=100_000 + number,
        )
        copy.lines.create(category="repair", description="Deur", amount_cents=123_456 + number, inspection_item="1")
        copy.lines.create(category="legal", description="Advocaat", amount_cents=1_000, mediation_exhausted=True)


def rows(page):
    return re.findall(r"<tr class=\"utrecht-table__row\"><td.*?</tr>", page, re.S)


def test_seven_claims_of_one_case_are_told_apart(client, signed_in, people):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    copies(claim, people, 6)
    signed_in(people["treasurer"])
    page = client.get(reverse("guarantee_fund:claims")).content.decode()
    found = rows(page)
    assert len(found) == 7
    assert len(set(found)) == 7  # same code, yet no two rows alike
    assert "€\u00a01.244,56" in page and "€\u00a01.000,05" in page  # claimed (two lines summed) and approved
    filed = (timezone.localdate() - datetime.timedelta(days=2)).strftime("%d-%m-%Y")
    assert filed in page
    # No raw code in what a person reads (the status filter's option values are attributes).
    assert "at_mgr" not in re.sub(r"<[^>]+>", " ", page) and "Ingediend bij de MGR" in page


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("geclaimd", lambda claims: sorted(claims, key=lambda c: c.claimed_cents)),
        ("-geclaimd", lambda claims: sorted(claims, key=lambda c: -c.claimed_cents)),
        ("toegekend", lambda claims: sorted(claims, key=lambda c: c.approved_cents)),
        ("ingediend", lambda claims: sorted(claims, key=lambda c: c.filed_at)),
        ("-ingediend", lambda claims: sorted(claims, key=lambda c: c.filed_at, reverse=True)),
        ("'; drop table", lambda claims: sorted(claims, key=lambda c: c.filed_at, reverse=True)),  # not a key
    ],
)
def test_the_list_sorts_by_whitelisted_columns(client, signed_in, people, sort, expected):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    copies(claim, people, 4)
    signed_in(people["treasurer"])
    response = client.get(reverse("guarantee_fund:claims"), {"sorteer": sort})
    assert response.status_code == 200
    shown = re.findall(r'href="/garantiefonds/claims/([0-9a-f-]{36})/"', response.content.decode())
    claims = list(Claim.objects.prefetch_related("lines"))
    assert shown == [str(c.pk) for c in expected(claims)]


@pytest.mark.parametrize("count", [5, 50])
def test_the_list_does_not_grow_in_queries(client, signed_in, people, count, django_assert_max_num_queries):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    copies(claim, people, count - 1)
    for who in ("treasurer", "noord", "woonwenz"):
        signed_in(people[who])
        with django_assert_max_num_queries(12):
            response = client.get(reverse("guarantee_fund:claims"), {"sorteer": "-geclaimd"})
        assert response.status_code == 200 and len(rows(response.content.decode())) == min(count, PAGE_SIZE)


def page_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("guarantee_fund:claims"), params)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def test_a_page_holds_as_many_rows_as_every_other_list(client, signed_in, people):
    """25, the portal's page (woonkans.lists.PAGE_SIZE), not 50: a full page cost twice the rows, and
    the page grew with the fund until the list filled it (2-11 claims a role at 1 000 cases, 50 at
    10 000). The rest is on the next page."""
    fund_with(1_000_000, treasurer=people["treasurer"])
    copies(approved_claim(people), people, 29)
    signed_in(people["treasurer"])
    first, _ = page_queries(client)
    second, _ = page_queries(client, page=2)
    assert len(rows(first)) == 25 and len(rows(second)) == 5
    shown = re.findall(r'href="/garantiefonds/claims/([0-9a-f-]{36})/"', first + second)
    assert sorted(shown) == sorted(str(pk) for pk in Claim.objects.values_list("pk", flat=True))


def test_the_page_reads_only_the_columns_it_shows(client, signed_in, people):
    """Not the claim's free texts nor its region: a full page carried them all into models for
    nothing. A deferred column must not come back as a query per row (same queries for 1 and 25 rows)."""
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    Claim.objects.filter(pk=claim.pk).update(return_reason="TERUG")
    one = {}
    for who in ("treasurer", "noord", "woonwenz"):
        signed_in(people[who])
        page, one[who] = page_queries(client)
        (sql,) = [each for each in one[who] if "_list_total" in each]
        selected = sql.split(" FROM ")[0]
        for column in ("evaluation", "return_reason", "decision_motivation", "region_id"):
            assert f'"guarantee_fund_claim"."{column}"' not in selected, column
        assert "parties_region" not in sql
        assert len(rows(page)) == 1 and claim.number in page and "Woonwenz" in page
    copies(claim, people, 25)
    for who in ("treasurer", "noord", "woonwenz"):
        signed_in(people[who])
        page, full = page_queries(client)
        assert len(rows(page)) == 25 and len(full) == len(one[who]), who


def test_the_cells_read_as_before(client, signed_in, people):
    """The cells the view now prepares (claims._prepare_rows) say what the template's filters said: the
    detail URL, the filing date in the local time zone (d-m-Y), "concept" before filing, euros, "–"."""
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=datetime.UTC)  # 2 March in Amsterdam
    Claim.objects.filter(pk=claim.pk).update(filed_at=late, approved_cents=None, status="filed")
    draft = same_case(claim, people)
    signed_in(people["woonwenz"])
    page, _ = page_queries(client)
    FILED, DRAFT = ClaimStatus.FILED.label, ClaimStatus.DRAFT.label
    cells = {
        pk: re.findall(r'data-label="[^"]+">(.*?)</td>', row)
        for pk, row in ((str(each.pk), next(r for r in rows(page) if str(each.pk) in r)) for each in (claim, draft))
    }
    assert f'href="/garantiefonds/claims/{claim.pk}/"' in page
    assert cells[str(claim.pk)][3:] == ["02-03-2026", "€\u00a04.000,00", "–", FILED]
    assert cells[str(draft.pk)][3:] == ["concept", "€\u00a00,00", "–", DRAFT]


def page_plan(client, url):
    """The claims page's own query (the one with the capped count), explained with sorting and
    sequential scans priced out: the plan PostgreSQL can use at any size, whatever this small table."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    (sql,) = [q["sql"] for q in queries.captured_queries if "_list_total" in q["sql"]]
    return plans.explain(sql)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_the_page_is_read_in_index_order_and_sums_only_its_own_rows(client, signed_in, people):
    """Not every visible claim joined to its lines, summed and sorted before the page is cut (that grew
    with the fund: ~800 claims and 1 600 lines for one page of 50 at 100 000 cases): the default order
    is an index's, and the claimed total is a subquery per row shown."""
    fund_with(1_000_000, treasurer=people["treasurer"])
    copies(approved_claim(people), people, 4)
    for who in ("treasurer", "noord", "woonwenz"):
        signed_in(people[who])
        plan = page_plan(client, reverse("guarantee_fund:claims"))
        every_node = list(plans.nodes(plan))
        assert "claim_list_order" in plans.index_names(plan), plan
        assert not plans.sorts(plan), plan
        assert not [node for node in every_node if node.get("Strategy") == "Hashed"], plan
        assert [node for node in every_node if node.get("Parent Relationship") == "SubPlan"], plan
