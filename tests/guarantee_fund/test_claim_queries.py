"""The claim page runs the same queries for every claim a person may open, whatever its status.

The benchmark opens the first claim it finds, which is at another stage at every size: a query that
only ran for some claims (the consulted parties read only when there were consultations, the
chair's form options only while consulting was open, the consultations only once filed) made the
page's count differ between sizes (13 or 14 for one role).
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guarantee_fund import services
from guarantee_fund.models import ClaimDeviation

from ..conftest import sign_in
from .conftest import REFERENCE, fund_with, give_iban
from .test_claim_path import TODAY, draft

pytestmark = pytest.mark.django_db

# Who may open the claim at which status (the owner always, the chair once filed, the MGR from at_mgr).
SEES = {
    "woonwenz": {"draft", "filed", "discussed", "consulted", "approved", "at_mgr", "paid"},
    "noord": {"filed", "discussed", "consulted", "approved", "at_mgr", "paid"},
    "treasurer": {"at_mgr", "paid"},
}


def queries_of(client, claim):
    url = reverse("guarantee_fund:claim", args=[claim.pk])
    assert client.get(url).status_code == 200  # a session's first page also checks the logging notice
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_claim_page_runs_the_same_queries_at_every_status(people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    clients = {who: sign_in(Client(), people[who]) for who in SEES}
    counts = {who: {} for who in SEES}

    def measure(claim):
        claim.refresh_from_db()
        for who, client in clients.items():
            if claim.status in SEES[who]:
                counts[who][claim.status] = queries_of(client, claim)

    claim = draft(people)
    measure(claim)
    services.file_claim(actor=people["woonwenz"], claim=claim, no_serious_negligence=True)
    measure(claim)
    services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=TODAY())
    measure(claim)  # discussed: the chair's consultation form is open, no consultation yet
    services.record_consultation(
        actor=people["noord"], claim=claim, organisations=[claim.corporation_id], consulted_on=TODAY(), outcome="Eens."
    )
    ClaimDeviation.objects.create(
        claim=claim, rules=["documents"], motivation="x", status="consented", requested_by=people["noord"]
    )
    measure(claim)  # consulted, with a consented deviation
    give_iban(claim.corporation_id)
    claim.refresh_from_db()
    services.decide_claim(actor=people["noord"], claim=claim, approve=True, motivation="Aangetoond.")
    measure(claim)
    claim = services.submit_to_mgr(actor=people["woonwenz"], claim=claim)
    measure(claim)
    services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=TODAY(), reference=REFERENCE, idempotency_key="k1"
    )
    measure(claim)

    for who, by_status in counts.items():
        assert set(by_status) == SEES[who]
        assert len(set(by_status.values())) == 1, (who, by_status)
