"""Payments against PostgreSQL with real threads: row locks and the idempotency key hold."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import Fund, LedgerEntry

from .conftest import approved_claim, fund_with

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def run_together(*calls):
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_payments_that_together_exceed_the_balance_exactly_one_succeeds(people):
    fund_with(500_000, treasurer=people["treasurer"])
    first, second = approved_claim(people, amount_cents=300_000), approved_claim(people, amount_cents=300_000)
    outcomes = run_together(
        lambda: services.pay_claim(
            actor=people["treasurer"],
            claim=first,
            paid_on=timezone.localdate(),
            reference="BANK-000A1",
            idempotency_key="a",
        ),
        lambda: services.pay_claim(
            actor=people["treasurer"],
            claim=second,
            paid_on=timezone.localdate(),
            reference="BANK-000B1",
            idempotency_key="b",
        ),
    )
    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InsufficientFunds", "LedgerEntry"]
    assert LedgerEntry.objects.filter(kind="payout").count() == 1
    assert Fund.get().balance_cents == 200_000


def test_the_same_payment_twice_at_once_makes_one_entry(people):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people, amount_cents=300_000)

    def pay():
        return services.pay_claim(
            actor=people["treasurer"],
            claim=claim,
            paid_on=timezone.localdate(),
            reference="DUBBEL-01",
            idempotency_key="same-key",
        )

    outcomes = run_together(pay, pay)
    assert all(isinstance(outcome, LedgerEntry) for outcome in outcomes), outcomes
    assert outcomes[0].pk == outcomes[1].pk
    assert LedgerEntry.objects.filter(kind="payout").count() == 1
    assert Fund.get().balance_cents == 700_000
