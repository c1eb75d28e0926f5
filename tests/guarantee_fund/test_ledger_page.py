"""The treasurer's ledger page: a page of the portal's size, and each row's text as the template's filters made it."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import EntryKind, LedgerEntry
from woonkans.lists import PAGE_SIZE

from .conftest import fund_with

pytestmark = pytest.mark.django_db


def rows(page):
    return re.findall(r"<tr class=\"utrecht-table__row\"><td.*?</tr>", page, re.S)


def test_a_page_holds_as_many_entries_as_every_other_list(client, signed_in, people):
    """25 (woonkans.lists.PAGE_SIZE), not 50: each entry row carries a correction form, and a page of
    50 cost twice the rows for a list whose whole is a CSV download away."""
    for _ in range(PAGE_SIZE + 5):
        fund_with(1_000, treasurer=people["treasurer"])
    signed_in(people["treasurer"])
    first = client.get(reverse("guarantee_fund:ledger")).content.decode()
    second = client.get(reverse("guarantee_fund:ledger"), {"page": 2}).content.decode()
    assert len(rows(first)) == PAGE_SIZE and len(rows(second)) == 5


def test_each_row_reads_as_before(client, signed_in, people):
    """The cells the view prepares (treasury._prepare_entries): the kind's label, the date d-m-Y, euros,
    the correction's link to the entry it reverses and the form's own URL."""
    entry = fund_with(123_456, treasurer=people["treasurer"])
    correction = services.correct_entry(actor=people["treasurer"], entry=entry, reason="Dubbel geboekt")
    signed_in(people["treasurer"])
    page = client.get(reverse("guarantee_fund:ledger")).content.decode()
    first, second = rows(page)
    today = timezone.localdate().strftime("%d-%m-%Y")
    label = dict(EntryKind.choices)
    assert f'data-label="Datum">{today}</td>' in first
    assert f"{label[correction.kind]} (corrigeert #{entry.pk})" in first
    assert 'data-label="Bedrag">-€\u00a01.234,56</td>' in first and 'data-label="Saldo">€\u00a00,00</td>' in first
    assert "<form" not in first  # a correction is not corrected again
    assert f">{label[entry.kind]}</td>" in second and "corrigeert" not in second
    assert 'data-label="Bedrag">€\u00a01.234,56</td>' in second
    url = reverse("guarantee_fund:entry_correct", args=[entry.pk])
    assert f'<form method="post" action="{url}"' in second and 'name="csrfmiddlewaretoken"' in second
    assert LedgerEntry.objects.count() == 2
