"""Joining is billed at once (Art. 9.2c), a leaver stops being billed (Art. 10.3), dissolution pays back
pro rata of everything each party paid in (Art. 10.5)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services, splits
from guarantee_fund.models import Contribution, ContributionRound, EntryKind, Fund, LedgerEntry
from guarantee_fund.services import ledger
from woonkans.parties.models import DistributionKeyShare, HousingStock, Organisation

from ..matching.conftest import org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def receive_all(round_, treasurer, on=None):
    for contribution in round_.contributions.all():
        services.record_contribution_received(
            actor=treasurer, contribution=contribution, received_on=on or TODAY, reference="BANK-1"
        )


def pay_out(cents, treasurer):
    """A payout without the claim path (tested elsewhere): only the ledger matters for dissolution."""
    with transaction.atomic():
        fund = ledger._lock_fund()
        ledger._book(fund=fund, kind=EntryKind.PAYOUT, amount_cents=-cents, booked_on=TODAY, actor=treasurer)


def new_party(name, kind, **kwargs):
    return Organisation.objects.create(name=name, slug=name.lower().replace(" ", "-"), kind=kind, **kwargs)


def test_a_joining_provider_is_billed_its_full_contribution_on_joining(client, signed_in, people):
    newcomer = new_party("Nieuwe Zorg", "care_provider")
    signed_in(people["treasurer"])
    response = client.post(
        reverse("guarantee_fund:parties"),
        {"action": "toetreden", "toetreden-party": newcomer.pk, "toetreden-on_date": TODAY.isoformat()},
        follow=True,
    )
    bill = ContributionRound.objects.get(kind="joining")
    assert [(c.party, c.amount_cents) for c in bill.contributions.all()] == [(newcomer, 100_000)]
    assert bill.opened_by == people["treasurer"] and bill.due_on == TODAY + datetime.timedelta(days=30)
    page = response.content.decode()
    assert "Het betaalverzoek van €\u00a01.000,00 staat in ronde" in page and "1000.00" not in page
    # The bill is an ordinary payment request, citing the joining article.
    from ..pdftext import pdf_text

    contribution = bill.contributions.get()
    pdf = client.get(reverse("guarantee_fund:payment_request", args=[bill.pk, contribution.pk]))
    text = pdf_text(pdf.content)
    assert "€\u00a01.000,00" in text and "9.2c" in text and "Nieuwe Zorg" in text


def test_a_joining_municipality_pays_its_key_share_with_itself_counted(people):
    newcomer = new_party("Gemeente Nieuwdorp", "municipality")
    with pytest.raises(ValidationError, match="aandeel in de verdeelsleutel"):
        services.join_party(actor=people["treasurer"], party=newcomer, joined_on=TODAY)
    newcomer.refresh_from_db()
    assert newcomer.joined_on is None and not ContributionRound.objects.exists()  # nothing half-done

    DistributionKeyShare.objects.create(municipality=newcomer, basis_points=500)
    round_ = services.join_party(actor=people["treasurer"], party=newcomer, joined_on=TODAY)
    key = dict(DistributionKeyShare.objects.values_list("municipality_id", "basis_points"))
    expected = splits.split_largest_remainder(splits.MUNICIPALITIES_TOTAL_CENTS, key)[newcomer.pk]
    assert round_.contributions.get().amount_cents == expected == 5_000_000 * 500 // 10_500
    # The parties already in pay nothing extra on joining; the next round splits with the newcomer.
    assert round_.contributions.count() == 1
    later = services.open_round(actor=people["treasurer"])
    assert later.contributions.get(party=newcomer).amount_cents == expected
    assert sum(later.contributions.filter(party__kind="municipality").values_list("amount_cents", flat=True)) == (
        5_000_000
    )


def test_a_joining_corporation_needs_its_housing_stock(people):
    newcomer = new_party("Nieuw Wonen", "corporation")
    with pytest.raises(ValidationError, match="woningbezit"):
        services.join_party(actor=people["treasurer"], party=newcomer, joined_on=TODAY)
    HousingStock.objects.create(corporation=newcomer, municipality=org("Gemeente Venlo"), homes=1000)
    round_ = services.join_party(actor=people["treasurer"], party=newcomer, joined_on=TODAY)
    assert round_.contributions.get().amount_cents > 0


def test_joining_is_refused_to_a_party_that_takes_part_and_to_non_managers(people):
    services.open_round(actor=people["treasurer"])
    with pytest.raises(ValidationError, match="al deel"):
        services.join_party(actor=people["treasurer"], party=org("Gemeente Venlo"), joined_on=TODAY)
    newcomer = new_party("Nieuwe Zorg", "care_provider")
    for outsider in ("venlo", "woonwenz", "noord", "werkgroep_venlo"):
        with pytest.raises(PermissionDenied):
            services.join_party(actor=people[outsider], party=newcomer, joined_on=TODAY)
        with pytest.raises(PermissionDenied):
            services.give_notice(actor=people[outsider], party=org("Destion"), notice_on=TODAY)
    assert ContributionRound.objects.filter(kind="joining").count() == 0


def test_a_party_is_billed_until_its_end_date_and_not_after(people):
    treasurer = people["treasurer"]
    services.give_notice(actor=treasurer, party=org("Destion"), notice_on=TODAY - datetime.timedelta(days=70))
    services.give_notice(actor=treasurer, party=org("Nester"), notice_on=TODAY)
    round_ = services.open_round(actor=treasurer)
    billed = set(round_.contributions.values_list("party__name", flat=True))
    assert "Destion" not in billed  # left some days ago
    assert "Nester" in billed  # still within its two months' notice
    assert sum(round_.contributions.filter(party__kind="corporation").values_list("amount_cents", flat=True)) == (
        5_000_000
    )
    # A top-up opened by a payout does not bill it either.
    top_up = services.open_round(actor=None, kind="top_up")
    assert not top_up.contributions.filter(party__name="Destion").exists()


def test_dissolution_with_a_late_joiner_shares_exactly_what_is_left(people):
    treasurer = people["treasurer"]
    first = services.open_round(actor=treasurer)
    receive_all(first, treasurer)
    # A provider joins later and pays its bill; a corporation leaves after paying (Art. 10.3: nothing back).
    late = new_party("Late Zorg", "care_provider")
    receive_all(services.join_party(actor=treasurer, party=late, joined_on=TODAY), treasurer)
    services.give_notice(actor=treasurer, party=org("Destion"), notice_on=TODAY - datetime.timedelta(days=70))
    # One contribution booked twice by mistake and reversed: it counts once.
    venlo = first.contributions.get(party__name="Gemeente Venlo")
    services.correct_entry(actor=treasurer, entry=venlo.ledger_entry, reason="Dubbel geboekt")
    pay_out(3_333_337, treasurer)
    remaining = Fund.get().balance_cents

    paid = services.paid_in_by_party()
    assert paid[late.pk] == 100_000 and paid[venlo.party_id] == 0
    assert paid[org("Destion").pk] > 0

    entries = services.dissolve_fund(actor=treasurer, on_date=TODAY)
    got = {entry.party_id: -entry.amount_cents for entry in entries}
    assert sum(got.values()) == remaining and Fund.get().balance_cents == 0
    assert org("Destion").pk not in got and venlo.party_id not in got  # left, and reversed
    weights = {party: cents for party, cents in paid.items() if party not in (org("Destion").pk,) and cents}
    assert got == {
        party: cents
        for party, cents in splits.dissolution(remaining_cents=remaining, original_contributions=weights).items()
        if cents
    }
    # The late joiner gets its share back: 1,000 of what was paid in, in exact cents.
    total_weight = sum(weights.values())
    assert got[late.pk] in (remaining * 100_000 // total_weight, remaining * 100_000 // total_weight + 1)
    assert LedgerEntry.objects.filter(kind="distribution").count() == len(got)


def test_dissolution_counts_every_round_not_only_the_first(people):
    treasurer = people["treasurer"]
    receive_all(services.open_round(actor=treasurer), treasurer)
    # Only the providers pay the top-up: their weight grows against the rest.
    top_up = services.open_round(actor=treasurer, kind="top_up")
    for contribution in top_up.contributions.filter(party__kind="care_provider"):
        services.record_contribution_received(actor=treasurer, contribution=contribution, received_on=TODAY)
    shares, paid = services.dissolution_shares(remaining_cents=Fund.get().balance_cents, on_date=TODAY)
    provider = Contribution.objects.filter(party__kind="care_provider").first().party_id
    assert paid[provider] == 200_000 and shares[provider] == 200_000


def test_the_parties_page_shows_paid_in_and_the_dissolution_preview(client, signed_in, people):
    treasurer = people["treasurer"]
    receive_all(services.open_round(actor=treasurer), treasurer)
    pay_out(1_000_001, treasurer)
    signed_in(treasurer)
    page = client.get(reverse("guarantee_fund:parties")).content.decode()
    assert "€\u00a010.240,00" in page  # Venlo's key share, paid in
    assert "Terugbetaling bij opheffing" in page and "Krijgt terug" in page
    assert "Art. 10.3" in page and "Art. 12.2" in page  # leaving is 10.3; the term's notice is 12.2
    assert "Art. 10.3, 12.2" not in page


def test_not_renewing_ends_with_the_term_and_cites_art_12_2(client, signed_in, people):
    signed_in(people["treasurer"])
    url = reverse("guarantee_fund:parties")
    destion, nester = org("Destion"), org("Nester")
    told_in_time = datetime.date(2027, 10, 14)  # the last day to tell the werkgroep
    response = client.post(
        url,
        {
            "action": "opzeggen",
            "opzeggen-party": destion.pk,
            "opzeggen-ground": "niet_verlengen",
            "opzeggen-on_date": told_in_time.isoformat(),
        },
        follow=True,
    )
    destion.refresh_from_db()
    assert destion.left_on == datetime.date(2028, 4, 15)  # out after the first term (ends 14-04-2028)
    assert "niet verlengt" in response.content.decode() and "Art. 12.2" in response.content.decode()
    # Told a day late: the agreement renewed for it, it is out a year later.
    services.give_notice(
        actor=people["treasurer"], party=nester, notice_on=datetime.date(2027, 10, 15), ground="niet_verlengen"
    )
    nester.refresh_from_db()
    assert nester.left_on == datetime.date(2029, 4, 15)
