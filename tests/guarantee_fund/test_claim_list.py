"""The claims list: seven claims of one case told apart by date and amounts, sorted on the server."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guarantee_fund.models import Claim

from .. import plans
from .conftest import approved_claim, fund_with

pytestmark = pytest.mark.django_db


def copies(claim, people, count):
    """Claims of the same case at the MGR, each filed a day apart with its own amounts."""
    now = timezone.now()
    for number in range(count):
        copy = Claim.objects.create(
            profile=claim.profile,
            code=claim.code,
            corporation=claim.corporation,
            region=claim.region,
            termination_date=timezone.localdate(),
            termination_kind="evicted",
            evaluation="x",
            deposit_cents=0,
            created_by=people["woonwenz"],
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
        assert response.status_code == 200 and len(rows(response.content.decode())) == count


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
