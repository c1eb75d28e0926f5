"""The treasurer's home: "Claims te betalen of terug te sturen" counted from the longest waiting, on its own index."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import selectors
from guarantee_fund.models import Claim

from .. import plans
from .conftest import approved_claim, fund_with
from .test_claim_list import copies

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL plan")
def test_the_claims_at_the_mgr_are_counted_by_walking_their_own_index(client, signed_in, people):
    """With ``claim_status`` alone the count read every claim at the MGR and sorted them for the oldest
    (866 at 100 000 cases); the partial index ``claim_at_mgr_since`` is walked in that order and the walk
    stops after 100 rows. Sequential scans and sorts priced out: the plan for a large fund."""
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    copies(claim, people, 120)
    oldest = timezone.now() - datetime.timedelta(days=40)
    Claim.objects.filter(pk=claim.pk).update(submitted_to_mgr_at=oldest)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE guarantee_fund_claim")
    signed_in(people["treasurer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    assert response.status_code == 200
    (sql,) = [q["sql"] for q in queries.captured_queries if "submitted_to_mgr_at" in q["sql"]]
    plan = plans.explain(sql)
    assert "claim_at_mgr_since" in plans.index_names(plan), plan
    assert not plans.sorts(plan), plan
    (row,) = [
        row for row in selectors.worklist_counts(people["treasurer"]) if row.key == "guarantee_fund.claims.at_mgr"
    ]
    assert row.count == 99 and row.capped and row.since == oldest
