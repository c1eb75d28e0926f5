"""A claim's path (SOK art. 7.7-7.9, Bijlage 3 §3): overleg first, the parties consulted, then the
decision; maatwerk only with the overleg's consent; payment only confirmed, dated and referenced."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from guarantee_fund import services
from guarantee_fund.models import Claim, LedgerEntry
from woonkans import cases, events
from woonkans.confirm import token_for
from woonkans.notifications.models import OutboxMessage
from woonkans.parties.models import Organisation

from ..confirming import asks, post_confirmed
from ..pdftext import pdf_text
from ..referrals.conftest import IDENTITY, PDF, VALID_BSN
from .conftest import REFERENCE, TEST_IBAN, ended_negatively, fund_with, give_iban, through_overleg

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def draft(people, *, rent_cents=400_000, deposit_cents=50_000, document=True, repair_item="Post 4: keukenblad"):
    corporation = people["woonwenz"]
    claim = services.create_claim(
        actor=corporation,
        profile=ended_negatively(people),
        termination_date=TODAY(),
        termination_kind="evicted",
        evaluation="Huurachterstand opgelopen.",
        deposit_cents=deposit_cents,
    )
    services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="rent",
        description="Huurderving",
        amount_cents=rent_cents,
        period_from=datetime.date(2026, 1, 1),
        period_to=datetime.date(2026, 4, 30),
    )
    services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="repair",
        description="Keukenblad vervangen",
        amount_cents=30_000,
        inspection_item=repair_item,
    )
    if document:
        services.add_claim_document(
            actor=corporation,
            claim=claim,
            description="Factuur en opnameformulier",
            uploaded_file=SimpleUploadedFile("factuur.pdf", PDF, content_type="application/pdf"),
        )
    return claim


def filed(people, **kwargs):
    return services.file_claim(actor=people["woonwenz"], claim=draft(people, **kwargs), no_serious_negligence=True)


def approve(people, claim, **kwargs):
    return services.decide_claim(
        actor=people["noord"], claim=claim, approve=True, motivation="Kosten aangetoond.", **kwargs
    )


def at_mgr(people, **kwargs):
    claim = through_overleg(people, filed(people, **kwargs))
    give_iban(claim.corporation_id)
    approve(people, claim)
    return services.submit_to_mgr(actor=people["woonwenz"], claim=claim)


def pay(people, claim, *, paid_on=None, reference=REFERENCE, key="k1"):
    return services.pay_claim(
        actor=people["treasurer"], claim=claim, paid_on=paid_on or TODAY(), reference=reference, idempotency_key=key
    )


# --- the path ----------------------------------------------------------------------------------


def test_the_whole_path_with_the_overleg_answering_through_events(
    client, signed_in, people, django_capture_on_commit_callbacks
):
    fund_with(5_000_000, treasurer=people["treasurer"])
    with django_capture_on_commit_callbacks(execute=True):
        claim = filed(people)
    # Matching asks which claims await the overleg; the fund answers through woonkans.cases.
    agenda = cases.claims_for_agenda(claim.region_id)
    assert [(item.claim_id, item.purpose, item.claimed_cents) for item in agenda] == [(claim.pk, "discussion", 430_000)]
    with django_capture_on_commit_callbacks(execute=True):
        events.publish(events.ClaimDiscussed(claim_id=claim.pk, meeting_id=7, item_id=21, discussed_on=TODAY()))
    claim.refresh_from_db()
    assert (claim.status, claim.discussed_meeting_id, claim.discussed_item_id, claim.discussed_on) == (
        "discussed",
        7,
        21,
        TODAY(),
    )
    assert cases.claims_for_agenda(claim.region_id) == []  # discussed: off the list
    municipality = Organisation.objects.get(name="Gemeente Venlo")
    services.record_consultation(
        actor=people["noord"],
        claim=claim,
        organisations=[claim.corporation_id, municipality.pk],
        consulted_on=TODAY(),
        outcome="Gemeente en corporatie eens over de huurderving.",
    )
    consultation = claim.consultations.get()
    assert set(consultation.organisations.values_list("name", flat=True)) == {"Woonwenz", "Gemeente Venlo"}
    give_iban(claim.corporation_id)
    approve(people, claim, approved_cents=300_000)  # in part
    claim = services.submit_to_mgr(actor=people["woonwenz"], claim=claim)
    signed_in(people["treasurer"])
    page = client.get(reverse("guarantee_fund:claim", args=[claim.pk])).content.decode()
    assert "NL91 ABNA 0417 1643 00" in page and "Begunstigde" in page and "Woonwenz" in page
    url = reverse("guarantee_fund:claim_action", args=[claim.pk, "betalen"])
    data = {"paid_on": TODAY().isoformat(), "reference": REFERENCE, "idempotency_key": "p" * 32}
    mails_before = OutboxMessage.objects.count()
    confirm = client.post(url, data)
    text = confirm.content.decode()
    # The confirmation step: payee, IBAN, amount and reference; nothing booked, nobody told yet.
    assert confirm.status_code == 200 and "Betaling bevestigen" in text
    assert "NL91 ABNA 0417 1643 00" in text and "€\u00a03.000,00" in text and REFERENCE in text
    assert not LedgerEntry.objects.filter(kind="payout").exists()
    assert OutboxMessage.objects.count() == mails_before
    # Without the confirmation page's token nothing is booked: the page asks again.
    assert asks(client.post(url, {**data, "confirm_token": "forged"}))
    assert not LedgerEntry.objects.filter(kind="payout").exists()
    assert post_confirmed(client, url, data).status_code == 302
    claim.refresh_from_db()
    entry = LedgerEntry.objects.get(kind="payout")
    assert claim.status == "paid" and entry.amount_cents == -300_000 and entry.reference == REFERENCE
    mail = OutboxMessage.objects.latest("id")
    assert mail.subject == "Claim uitbetaald" and claim.code not in mail.intro and "3.000" not in mail.intro


def test_deciding_before_the_discussion_is_refused_in_dutch(client, signed_in, people):
    claim = filed(people)
    with pytest.raises(ValidationError, match="altijd eerst besproken"):
        approve(people, claim)
    with pytest.raises(ValidationError, match="altijd eerst besproken"):
        services.decide_claim(actor=people["noord"], claim=claim, approve=False, motivation="Nee.")
    with pytest.raises(ValidationError, match="altijd eerst besproken"):  # no consultation either
        services.record_consultation(
            actor=people["noord"], claim=claim, organisations=[claim.corporation_id], consulted_on=TODAY(), outcome="x"
        )
    signed_in(people["noord"])
    page = client.get(reverse("guarantee_fund:claim", args=[claim.pk])).content.decode()
    assert "Besluit vastleggen" not in page and "Besluiten kan pas als de claim" in page
    response = client.post(
        reverse("guarantee_fund:claim_action", args=[claim.pk, "besluit"]),
        {"decision": "full", "negligence_found": "0", "motivation": "Akkoord."},
        follow=True,
    )
    assert "altijd eerst besproken" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).status == "filed"


def test_deciding_before_the_consultation_is_refused(people):
    claim = filed(people)
    services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=TODAY())
    with pytest.raises(ValidationError, match="raadpleging|geraadpleegd"):
        approve(people, claim)
    assert Claim.objects.get(pk=claim.pk).status == "discussed"


def test_a_consultation_names_the_cases_parties_and_no_future_date(people):
    claim = filed(people)
    services.record_discussion(claim_id=claim.pk, meeting_id=1, item_id=1, discussed_on=TODAY())
    outsider = Organisation.objects.get(name="Antares")  # a corporation with no part in this case
    with pytest.raises(ValidationError, match="partijen van deze casus"):
        services.record_consultation(
            actor=people["noord"], claim=claim, organisations=[outsider.pk], consulted_on=TODAY(), outcome="x"
        )
    with pytest.raises(ValidationError, match="toekomst"):
        services.record_consultation(
            actor=people["noord"],
            claim=claim,
            organisations=[claim.corporation_id],
            consulted_on=TODAY() + datetime.timedelta(days=1),
            outcome="x",
        )
    with pytest.raises(PermissionDenied):  # the other region's chair
        services.record_consultation(
            actor=people["midden"], claim=claim, organisations=[claim.corporation_id], consulted_on=TODAY(), outcome="x"
        )
    assert Claim.objects.get(pk=claim.pk).status == "discussed"


def test_serious_negligence_is_the_chairs_finding_with_a_reason(people):
    claim = through_overleg(people, filed(people))
    with pytest.raises(ValidationError, match="reden"):
        services.decide_claim(
            actor=people["noord"], claim=claim, approve=False, motivation="Nalatig.", negligence_found=True
        )
    with pytest.raises(ValidationError, match="ernstige nalatigheid"):
        approve(people, claim, negligence_found=True, negligence_reason="Signalen niet gedeeld.")
    services.decide_claim(
        actor=people["noord"],
        claim=claim,
        approve=False,
        motivation="Afgewezen.",
        negligence_found=True,
        negligence_reason="Signalen niet gedeeld.",
    )
    claim.refresh_from_db()
    assert claim.status == "rejected" and claim.negligence_found and claim.negligence_reason


def test_a_rejected_or_a_repeated_discussion_changes_nothing(people):
    claim = at_mgr(people)
    services.record_discussion(claim_id=claim.pk, meeting_id=99, item_id=99, discussed_on=TODAY())
    claim.refresh_from_db()
    assert claim.status == "at_mgr" and claim.discussed_meeting_id == 1


# --- maatwerk (art. 7.9) ---------------------------------------------------------------------


def breaking_two_rules(people):
    """Filed with maatwerk asked: the claim is not above the deposit and has no documents."""
    claim = draft(people, rent_cents=10_000, deposit_cents=100_000, document=False)
    services.file_claim(
        actor=people["woonwenz"],
        claim=claim,
        no_serious_negligence=True,
        asks_deviation=True,
        deviation_reason="De facturen gingen verloren bij de ontruiming.",
    )
    return through_overleg(people, claim)


def test_filing_a_rule_breaking_claim_needs_a_request_for_maatwerk(people):
    claim = draft(people, rent_cents=10_000, deposit_cents=100_000)
    with pytest.raises(services.ClaimIncomplete, match="borg"):
        services.file_claim(actor=people["woonwenz"], claim=claim, no_serious_negligence=True)
    with pytest.raises(ValidationError, match="Licht toe"):
        services.file_claim(actor=people["woonwenz"], claim=claim, no_serious_negligence=True, asks_deviation=True)
    no_evaluation = draft(people)
    Claim.objects.filter(pk=no_evaluation.pk).update(evaluation=" ")
    with pytest.raises(services.ClaimIncomplete, match="evaluatie"):  # a rule no deviation lifts
        services.file_claim(
            actor=people["woonwenz"],
            claim=no_evaluation,
            no_serious_negligence=True,
            asks_deviation=True,
            deviation_reason="x",
        )


def test_a_deviation_goes_to_the_overleg_as_a_vote(people, django_capture_on_commit_callbacks):
    claim = breaking_two_rules(people)
    heard = []
    events.subscribe(events.ClaimDeviationRequested, heard.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            deviation = services.request_deviation(
                actor=people["noord"], claim=claim, rules=["above_deposit"], motivation="Onevenredig."
            )
    finally:
        events._SUBSCRIBERS[events.ClaimDeviationRequested].remove(heard.append)
    (event,) = heard
    assert event.deviation_id == deviation.pk and event.code == claim.code
    assert "borg" in event.summary and "above_deposit" not in event.summary
    (item,) = cases.claims_for_agenda(claim.region_id)
    assert (item.purpose, item.deviation_id) == ("deviation", deviation.pk)
    with pytest.raises(ValidationError, match="al een verzoek"):
        services.request_deviation(actor=people["noord"], claim=claim, rules=["documents"], motivation="x")
    with pytest.raises(PermissionDenied):
        services.request_deviation(actor=people["midden"], claim=claim, rules=["documents"], motivation="x")
    with pytest.raises(ValidationError, match="regels"):  # a rule no deviation may lift
        services.request_deviation(
            actor=people["noord"], claim=Claim.objects.get(pk=claim.pk), rules=["evaluation"], motivation="x"
        )


def vote(claim, deviation, *, consented, capture):
    with capture(execute=True):
        events.publish(
            events.ClaimDeviationVoted(
                claim_id=claim.pk,
                deviation_id=deviation.pk,
                meeting_id=3,
                item_id=4,
                voted_on=TODAY(),
                consented=consented,
                votes_for=5 if consented else 2,
                present=6,
            )
        )
    deviation.refresh_from_db()
    return deviation


def test_a_deviation_without_consent_lifts_nothing(people, django_capture_on_commit_callbacks):
    claim = breaking_two_rules(people)
    deviation = services.request_deviation(
        actor=people["noord"], claim=claim, rules=["above_deposit", "documents"], motivation="Onevenredig."
    )
    with pytest.raises(ValidationError, match="borg"):  # no vote yet
        approve(people, claim)
    deviation = vote(claim, deviation, consented=False, capture=django_capture_on_commit_callbacks)
    assert deviation.status == "refused" and deviation.votes_for == 2
    with pytest.raises(ValidationError) as refused:
        approve(people, claim)
    assert "borg" in str(refused.value) and "facturen" in str(refused.value)
    # A later, contrary event for the same vote does not overturn it.
    deviation = vote(claim, deviation, consented=True, capture=django_capture_on_commit_callbacks)
    assert deviation.status == "refused"
    assert Claim.objects.get(pk=claim.pk).status == "consulted"


def test_a_consented_deviation_lifts_exactly_its_named_rules(people, django_capture_on_commit_callbacks):
    claim = breaking_two_rules(people)
    first = services.request_deviation(
        actor=people["noord"], claim=claim, rules=["above_deposit"], motivation="Onevenredig."
    )
    assert vote(claim, first, consented=True, capture=django_capture_on_commit_callbacks).status == "consented"
    with pytest.raises(ValidationError) as refused:
        approve(people, claim)
    assert "borg" not in str(refused.value) and "facturen" in str(refused.value)  # only its own rule lifted
    second = services.request_deviation(
        actor=people["noord"], claim=Claim.objects.get(pk=claim.pk), rules=["documents"], motivation="Verloren."
    )
    vote(claim, second, consented=True, capture=django_capture_on_commit_callbacks)
    approve(people, claim)
    assert Claim.objects.get(pk=claim.pk).status == "approved"


# --- payment -----------------------------------------------------------------------------------


def test_paying_before_approval_is_refused(people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = through_overleg(people, filed(people))
    give_iban(claim.corporation_id)
    with pytest.raises(ValidationError, match="bij de MGR"):
        pay(people, claim)
    approve(people, claim)
    with pytest.raises(ValidationError, match="bij de MGR"):  # approved, not yet submitted to the MGR
        pay(people, Claim.objects.get(pk=claim.pk))
    assert not LedgerEntry.objects.filter(kind="payout").exists()


@pytest.mark.parametrize(
    ("paid_on", "reference", "message"),
    [
        (lambda: TODAY() + datetime.timedelta(days=1), REFERENCE, "toekomst"),
        (lambda: TODAY() - datetime.timedelta(days=1), REFERENCE, "vóór de goedkeuring"),
        (TODAY, "x", "geen bankkenmerk"),
        (TODAY, "betaald", "geen bankkenmerk"),  # letters only
        (TODAY, "BANK 2026 01", "geen bankkenmerk"),  # spaces
        (TODAY, "B" * 34 + "12", "geen bankkenmerk"),  # 36 characters
    ],
)
def test_a_payment_the_bank_cannot_have_made_is_refused(people, paid_on, reference, message):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    with pytest.raises(ValidationError, match=message):
        pay(people, claim, paid_on=paid_on(), reference=reference)
    assert not LedgerEntry.objects.filter(kind="payout").exists()
    assert Claim.objects.get(pk=claim.pk).status == "at_mgr"


@pytest.mark.parametrize("iban", ["", "NL91ABNA0417164301", "NL91ABNA04171643"])
def test_no_payment_without_a_valid_iban_of_the_corporation(people, iban):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    give_iban(claim.corporation_id, iban)
    with pytest.raises(ValidationError, match="IBAN"):
        pay(people, claim)
    assert not LedgerEntry.objects.filter(kind="payout").exists()


def test_the_iban_is_checked_when_it_is_entered(people):
    corporation = Organisation.objects.get(name="Woonwenz")
    corporation.iban = "NL91 ABNA 0417 1643 01"  # one digit off: mod-97 fails
    with pytest.raises(ValidationError, match="IBAN"):
        corporation.full_clean()
    corporation.iban = "nl91 abna 0417 1643 00"
    corporation.full_clean()
    assert corporation.iban == TEST_IBAN and corporation.iban_display == "NL91 ABNA 0417 1643 00"


def test_a_bad_payment_comes_back_on_the_form_not_on_a_confirmation(client, signed_in, people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    signed_in(people["treasurer"])
    url = reverse("guarantee_fund:claim_action", args=[claim.pk, "betalen"])
    tomorrow = (TODAY() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"paid_on": tomorrow, "reference": "x", "idempotency_key": "k" * 32})
    text = response.content.decode()
    assert "Betaling bevestigen" not in text and "toekomst" in text and "geen bankkenmerk" in text
    assert 'value="x"' in text  # what was typed stays
    # Skipping the confirmation with bad data books nothing either.
    bad = {"paid_on": tomorrow, "reference": REFERENCE, "idempotency_key": "k" * 32}
    client.post(url, {**bad, "confirm_token": token_for(user=people["treasurer"], path=url, data=bad)})
    assert not LedgerEntry.objects.filter(kind="payout").exists()


def test_others_cannot_pay_or_see_the_payment_step(client, signed_in, people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    data = {"paid_on": TODAY().isoformat(), "reference": REFERENCE, "idempotency_key": "k" * 32}
    for who in ("woonwenz", "noord"):
        signed_in(people[who])
        url = reverse("guarantee_fund:claim_action", args=[claim.pk, "betalen"])
        assert client.post(url, data).status_code == 404
        assert post_confirmed(client, url, data).status_code == 404
    with pytest.raises(PermissionDenied):
        services.pay_claim(
            actor=people["noord"], claim=claim, paid_on=TODAY(), reference=REFERENCE, idempotency_key="n"
        )
    assert not LedgerEntry.objects.filter(kind="payout").exists()


# --- the claim form on paper -------------------------------------------------------------------


def test_the_claim_form_pdf_has_the_items_and_the_decision_but_no_identity(client, signed_in, people):
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    pay(people, claim)
    signed_in(people["treasurer"])
    page = client.get(reverse("guarantee_fund:claim", args=[claim.pk])).content.decode()
    url = reverse("guarantee_fund:claim_pdf", args=[claim.pk])
    assert url in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in (
        claim.code,
        "Huurderving",
        "Keukenblad vervangen",
        "Post 4: keukenblad",  # the inspection-form item
        "€\u00a04.300,00",
        REFERENCE,
    ):
        assert expected in text, expected
    for identity in (IDENTITY["family_name"], IDENTITY["street_address"], IDENTITY["postcode"], VALID_BSN):
        assert identity not in text
    assert pdf_text(client.get(url).content) == text  # generated, the same each time


def test_the_claim_form_pdf_discloses_what_the_claim_page_does(client, signed_in, people):
    """The chair's motivation is the case's own words: the MGR's treasurer reads it neither on the
    claim page nor in the PDF; the chair who wrote it reads it in both."""
    fund_with(5_000_000, treasurer=people["treasurer"])
    claim = at_mgr(people)
    motivation = "Kosten aangetoond."
    url = reverse("guarantee_fund:claim_pdf", args=[claim.pk])
    page_url = reverse("guarantee_fund:claim", args=[claim.pk])
    signed_in(people["treasurer"])
    treasurer_pdf = pdf_text(client.get(url).content)
    assert claim.code in treasurer_pdf and "Toegekend bedrag" in treasurer_pdf
    assert motivation not in treasurer_pdf and "Motivering" not in treasurer_pdf
    assert motivation not in client.get(page_url).content.decode()
    signed_in(people["noord"])
    assert motivation in pdf_text(client.get(url).content)
    assert motivation in client.get(page_url).content.decode()


def test_the_claim_form_pdf_is_404_for_outsiders(client, signed_in, people):
    claim = at_mgr(people)
    for outsider in ("antares", "midden", "venlo"):
        signed_in(people[outsider])
        assert client.get(reverse("guarantee_fund:claim_pdf", args=[claim.pk])).status_code == 404
