"""Monitoring's payouts per cost category add up to what the fund paid out."""

import pytest
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import EntryKind, LedgerEntry

pytestmark = pytest.mark.django_db


def test_payouts_by_category_add_up_to_what_was_paid(people):
    """The chair approved less than claimed: the payout is spread over the claimed categories pro rata."""
    from guarantee_fund.models import Claim, ClaimLine
    from guarantee_fund.selectors import payouts_by_category

    from .conftest import approved_claim, fund_with

    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people, amount_cents=300_000)  # one rent line of 3000 euro
    ClaimLine.objects.create(claim=claim, category="repair", description="Herstel", amount_cents=100_000)
    Claim.objects.filter(pk=claim.pk).update(approved_cents=200_001)  # of 4000 claimed
    services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=timezone.localdate(), reference="BANK-09", idempotency_key="b9"
    )
    today = timezone.localdate()
    rows = {row["lines__category"]: row["total"] for row in payouts_by_category(date_from=today, date_to=today)}
    assert rows == {"rent": 150_001, "repair": 50_000}
    assert sum(rows.values()) == -LedgerEntry.objects.get(kind=EntryKind.PAYOUT).amount_cents == 200_001
