"""Rounds, the ledger, claims, payment and top-ups."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import Claim, ContributionRound, Fund, LedgerEntry
from woonkans.audit.models import AppendOnlyError
from woonkans.parties.models import Organisation

from ..confirming import confirmed_data
from ..pdftext import pdf_text
from ..referrals.conftest import PDF, VALID_BSN
from .conftest import approved_claim, ended_negatively, fund_with, through_overleg

pytestmark = pytest.mark.django_db


def test_a_round_splits_exactly_and_produces_payment_requests(client, signed_in, people):
    round_ = services.open_round(actor=people["treasurer"])
    amounts = {kind: 0 for kind in ("municipality", "corporation", "care_provider")}
    for contribution in round_.contributions.select_related("party"):
        amounts[contribution.party.kind] += contribution.amount_cents
    assert amounts == {"municipality": 5_000_000, "corporation": 5_000_000, "care_provider": 18 * 100_000}
    venlo = round_.contributions.get(party__name="Gemeente Venlo")
    assert venlo.amount_cents == 500 * 2048  # the demo key: 20.48 %
    signed_in(people["treasurer"])
    response = client.get(
        reverse("guarantee_fund:payment_request", kwargs={"round_id": round_.pk, "contribution_id": venlo.pk})
    )
    assert response.status_code == 200 and "€\u00a010.240,00" in pdf_text(response.content)


def test_received_contributions_are_booked_once(people):
    round_ = services.open_round(actor=people["treasurer"])
    contribution = round_.contributions.first()
    first = services.record_contribution_received(
        actor=people["treasurer"], contribution=contribution, received_on=timezone.localdate()
    )
    again = services.record_contribution_received(
        actor=people["treasurer"], contribution=contribution, received_on=timezone.localdate()
    )
    assert first == again and LedgerEntry.objects.count() == 1
    assert Fund.get().balance_cents == contribution.amount_cents == first.balance_after_cents


def test_the_ledger_cannot_be_changed(people):
    entry = fund_with(100_000, treasurer=people["treasurer"])
    entry.amount_cents = 1
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.all().delete()
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("UPDATE guarantee_fund_ledgerentry SET amount_cents = 1")


def test_a_correction_is_a_linked_reversal(people):
    entry = fund_with(100_000, treasurer=people["treasurer"])
    correction = services.correct_entry(actor=people["treasurer"], entry=entry, reason="Dubbel geboekt")
    assert correction.reverses == entry and correction.amount_cents == -100_000
    assert Fund.get().balance_cents == 0
    with pytest.raises(ValidationError):
        services.correct_entry(actor=people["treasurer"], entry=entry, reason="Nog eens")


def test_claim_rules_one_by_one(people):
    corporation = people["woonwenz"]
    profile = ended_negatively(people)
    with pytest.raises(PermissionDenied):  # another corporation
        services.create_claim(
            actor=people["antares"],
            profile=profile,
            termination_date=timezone.localdate(),
            termination_kind="evicted",
            evaluation="x",
            deposit_cents=0,
        )
    claim = services.create_claim(
        actor=corporation,
        profile=profile,
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="Evaluatie",
        deposit_cents=100_000,
    )
    services.add_claim_line(
        actor=corporation, claim=claim, category="legal", description="Advocaat", amount_cents=10_000
    )  # taken on the form; a rule of the fund that stops the filing (a deviation may lift it)
    with pytest.raises(ValidationError, match="periode"):
        services.add_claim_line(
            actor=corporation, claim=claim, category="rent", description="Huur", amount_cents=50_000
        )
    services.add_claim_line(actor=corporation, claim=claim, category="repair", description="Deur", amount_cents=80_000)
    with pytest.raises(services.ClaimIncomplete) as error:
        services.file_claim(actor=corporation, claim=claim, no_serious_negligence=False)
    text = " ".join(error.value.messages)
    assert "niet hoger dan de borg" in text and "facturen" in text and "reguliere bemiddeling" in text
    assert "opnameformulier" in text  # the repair line names no inspection-form item
    claim.refresh_from_db()
    assert claim.status == "draft"


def test_a_claim_needs_a_negative_end(people):
    from ..matching.conftest import make_matched

    profile = make_matched(people)
    with pytest.raises(ValidationError, match="negatieve beëindiging"):
        services.create_claim(
            actor=people["woonwenz"],
            profile=profile,
            termination_date=timezone.localdate(),
            termination_kind="evicted",
            evaluation="x",
            deposit_cents=0,
        )


def test_the_chair_decides_within_the_rules(people):
    fund_with(1_000_000, treasurer=people["treasurer"])
    claim = approved_claim(people)
    assert claim.status == "at_mgr" and claim.approved_cents == 400_000
    other = Claim.objects.create(
        profile=claim.profile,
        code=claim.code,
        corporation=claim.corporation,
        region=claim.region,
        termination_date=timezone.localdate(),
        termination_kind="evicted",
        evaluation="x",
        deposit_cents=0,
        created_by=people["woonwenz"],
        status="filed",
    )
    with pytest.raises(PermissionDenied):
        services.decide_claim(actor=people["midden"], claim=other, approve=False, motivation="x")
    other.lines.create(
        category="rent",
        description="Huur",
        amount_cents=100,
        period_from=timezone.localdate(),
        period_to=timezone.localdate(),
    )
    through_overleg(people, other)
    with pytest.raises(ValidationError, match="facturen"):  # the rules hold at the decision too
        services.decide_claim(actor=people["noord"], claim=other, approve=True, approved_cents=1, motivation="x")

    services.add_claim_document(
        actor=people["woonwenz"],
        claim=other,
        description="Factuur",
        uploaded_file=SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf"),
    )
    with pytest.raises(ValidationError, match="niet hoger"):
        services.decide_claim(actor=people["noord"], claim=other, approve=True, approved_cents=101, motivation="x")


def test_the_treasurer_never_sees_identity_or_profile_text(client, signed_in, people, claim_at_mgr):
    signed_in(people["treasurer"])
    for url in (
        reverse("guarantee_fund:claims"),
        reverse("guarantee_fund:claim", args=[claim_at_mgr.pk]),
        reverse("guarantee_fund:ledger"),
    ):
        page = client.get(url).content.decode()
        assert "Jansen" not in page and VALID_BSN not in page and "Woont tijdelijk" not in page, url
    page = client.get(reverse("guarantee_fund:claim", args=[claim_at_mgr.pk])).content.decode()
    assert claim_at_mgr.code in page and "Huurderving" in page and "€\u00a04.000,00" in page
    assert client.get(reverse("matching:profile", args=[claim_at_mgr.profile_id])).status_code == 404
    assert client.get(reverse("referrals:detail", args=[claim_at_mgr.profile.referral_id])).status_code == 404


def test_paying_is_idempotent(client, signed_in, people, claim_at_mgr):
    signed_in(people["treasurer"])
    url = reverse("guarantee_fund:claim_action", args=[claim_at_mgr.pk, "betalen"])
    data = {
        "paid_on": timezone.localdate().isoformat(),
        "reference": "NL-BANK-01",
        "idempotency_key": "k" * 32,
    }
    data = confirmed_data(client, url, data)
    assert client.post(url, data).status_code == 302
    client.post(url, data)  # double click
    client.post(url, {**data, "idempotency_key": "other"})  # a second treasurer, another form
    assert LedgerEntry.objects.filter(kind="payout").count() == 1
    claim_at_mgr.refresh_from_db()
    assert claim_at_mgr.status == "paid" and Fund.get().balance_cents == 5_000_000 - 400_000


def test_a_payout_larger_than_the_balance_is_refused_and_starts_a_top_up(people):
    fund_with(300_000, treasurer=people["treasurer"])
    claim = approved_claim(people, amount_cents=400_000)
    for attempt in range(2):
        with pytest.raises(services.InsufficientFunds, match="te laag"):
            services.pay_claim(
                actor=people["treasurer"],
                claim=claim,
                paid_on=timezone.localdate(),
                reference="BANK-0001",
                idempotency_key=f"k{attempt}",
            )
    assert ContributionRound.objects.filter(kind="top_up").count() == 1
    claim.refresh_from_db()
    assert claim.status == "at_mgr" and Fund.get().balance_cents == 300_000


def test_top_up_opens_exactly_once_when_the_balance_drops_below_25000(people):
    fund_with(2_700_000, treasurer=people["treasurer"])
    first = approved_claim(people, amount_cents=100_000)
    services.pay_claim(
        actor=people["treasurer"],
        claim=first,
        paid_on=timezone.localdate(),
        reference="BANK-000A1",
        idempotency_key="a",
    )  # 27.000 -> 26.000: no top-up
    assert not ContributionRound.objects.filter(kind="top_up").exists()
    second = approved_claim(people, amount_cents=200_000)
    services.pay_claim(
        actor=people["treasurer"],
        claim=second,
        paid_on=timezone.localdate(),
        reference="BANK-000B1",
        idempotency_key="b",
    )  # 26.000 -> 24.000: top-up
    third = approved_claim(people, amount_cents=100_000)
    services.pay_claim(
        actor=people["treasurer"],
        claim=third,
        paid_on=timezone.localdate(),
        reference="BANK-000C1",
        idempotency_key="c",
    )  # 24.000 -> 23.000: same drop, no second round
    assert ContributionRound.objects.filter(kind="top_up").count() == 1


def test_returned_claims_go_back_to_the_corporation(people, claim_at_mgr):
    services.return_claim(actor=people["treasurer"], claim=claim_at_mgr, reason="Factuur ontbreekt")
    claim_at_mgr.refresh_from_db()
    assert claim_at_mgr.status == "returned"
    services.submit_to_mgr(actor=people["woonwenz"], claim=claim_at_mgr)
    claim_at_mgr.refresh_from_db()
    assert claim_at_mgr.status == "at_mgr"


def test_leaving_and_joining_change_later_rounds(people):
    destion = Organisation.objects.get(name="Destion")
    services.give_notice(
        actor=people["treasurer"], party=destion, notice_on=timezone.localdate() - datetime.timedelta(days=70)
    )
    destion.refresh_from_db()
    assert destion.left_on == destion.notice_given_on + datetime.timedelta(
        days=(destion.left_on - destion.notice_given_on).days
    )
    round_ = services.open_round(actor=people["treasurer"])
    assert not round_.contributions.filter(party=destion).exists()
    corporations = sum(c.amount_cents for c in round_.contributions.filter(party__kind="corporation"))
    assert corporations == 5_000_000
    newcomer = Organisation.objects.create(name="Nieuwe Zorg", slug="nieuwe-zorg", kind="care_provider")
    services.join_party(actor=people["treasurer"], party=newcomer, joined_on=timezone.localdate())
    later = services.open_round(actor=people["treasurer"], kind="top_up")
    assert later.contributions.get(party=newcomer).amount_cents == 100_000


def test_dissolution_shares_what_is_left_pro_rata(people):
    round_ = services.open_round(actor=people["treasurer"])
    for contribution in round_.contributions.all():
        services.record_contribution_received(
            actor=people["treasurer"], contribution=contribution, received_on=timezone.localdate()
        )
    claim = approved_claim(people, amount_cents=1_000_001)
    services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=timezone.localdate(), reference="BANK-0001", idempotency_key="x"
    )
    remaining = Fund.get().balance_cents
    entries = services.dissolve_fund(actor=people["treasurer"], on_date=timezone.localdate())
    assert sum(-entry.amount_cents for entry in entries) == remaining
    assert Fund.get().balance_cents == 0


def test_ledger_exports_to_csv(client, signed_in, people):
    fund_with(123_456, treasurer=people["treasurer"])
    signed_in(people["treasurer"])
    response = client.get(reverse("guarantee_fund:ledger"), {"formaat": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "1234,56" in response.content.decode()


@pytest.mark.parametrize("outsider", ["venlo", "moveoo", "werkgroep_venlo", "admin", "antares", "midden"])
def test_claims_are_404_for_parties_outside_them(client, signed_in, people, claim_at_mgr, outsider):
    signed_in(people[outsider])
    assert client.get(reverse("guarantee_fund:claim", args=[claim_at_mgr.pk])).status_code == 404
    assert client.get(reverse("guarantee_fund:ledger")).status_code == 404


def test_a_filed_claim_goes_on_the_next_overleg_agenda(people, django_capture_on_commit_callbacks):
    from matching import services as matching_services
    from matching.models import AgendaItem

    region = people["noord"].organisation.region
    meeting = matching_services.create_meeting(
        actor=people["noord"], region=region, date=timezone.localdate() + datetime.timedelta(days=7)
    )
    fund_with(1_000_000, treasurer=people["treasurer"])
    # Matching hears of the filing after its commit (woonkans.events) and puts it on the agenda.
    with django_capture_on_commit_callbacks(execute=True):
        claim = approved_claim(people)
    item = AgendaItem.objects.get(meeting=meeting, kind="claim")
    assert claim.code in item.title


def test_the_treasurer_corrects_an_entry_in_the_browser(client, signed_in, people):
    entry = fund_with(100_000, treasurer=people["treasurer"])
    signed_in(people["treasurer"])
    client.post(reverse("guarantee_fund:entry_correct", args=[entry.pk]), {"reason": "Verkeerde partij"})
    assert LedgerEntry.objects.filter(reverses=entry, amount_cents=-100_000).exists()
    assert LedgerEntry.objects.filter(pk=entry.pk, amount_cents=100_000).exists()


@pytest.mark.parametrize("rows", [5, 50])
def test_treasurer_pages_do_not_grow_in_queries(client, signed_in, people, rows, django_assert_max_num_queries):
    claim = approved_claim(people)
    for number in range(rows):
        fund_with(1_000 + number, treasurer=people["treasurer"])
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
            approved_cents=100,
        )
        copy.lines.create(category="repair", description="Deur", amount_cents=200)
    signed_in(people["treasurer"])
    for name in ("guarantee_fund:claims", "guarantee_fund:ledger", "guarantee_fund:rounds"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200, name
