"""Demo fund: a paid first round (the municipalities as one regional payment), a late joiner with its
joining bill, a payout history, and claims at every status (one ready to pay).

Claims walk the real path: filed, discussed at the overleg, the parties consulted, decided. One asks
for maatwerk (art. 7.9) and waits for the overleg's vote; one is refused for serious negligence.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from woonkans import cases
from woonkans.accounts.models import User
from woonkans.demo import demo_pdf
from woonkans.parties.models import Organisation, OrganisationKind

from . import services
from .models import Claim, ContributionRound, LedgerEntry

DEMO_PDF = demo_pdf("Woonkans demofactuur")
# status to reach, claimed cents, deposit cents
DEMO_CLAIMS = [
    ("draft", 180_000, 60_000),
    ("filed", 250_000, 60_000),
    ("discussed", 210_000, 60_000),
    ("consulted", 190_000, 60_000),
    ("deviation", 50_000, 60_000),  # not above the deposit: maatwerk asked, vote pending
    ("approved", 320_000, 75_000),
    ("rejected", 90_000, 60_000),
    ("returned", 410_000, 80_000),
    ("paid", 530_000, 70_000),
    ("at_mgr", 275_000, 65_000),
]


def demo_iban(number):
    """A valid (mod-97) Dutch IBAN with the made-up bank code DEMO: clearly no real account."""
    bban = f"DEMO{number:010d}"
    digits = "".join(str(int(char, 36)) for char in bban + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{bban}"


def _give_demo_ibans():
    for number, corporation in enumerate(
        Organisation.objects.filter(kind=OrganisationKind.CORPORATION, iban="").order_by("pk"), start=1
    ):
        Organisation.objects.filter(pk=corporation.pk).update(iban=demo_iban(number))


def _claim(users, trajectory, status, cents, deposit):
    corporation = User.objects.filter(
        is_demo=True, organisation_id=trajectory.corporation_id, role_assignments__role="corporation"
    ).first()
    chair = User.objects.filter(
        is_demo=True, role_assignments__role="ketenregisseur", organisation__region_id=trajectory.region_id
    ).first()
    claim = services.create_claim(
        actor=corporation,
        profile=trajectory.profile_id,
        termination_date=trajectory.ended_on,
        termination_kind=trajectory.end_kind,
        evaluation=trajectory.end_evaluation,
        deposit_cents=deposit,
    )
    services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="rent",
        description="Huurderving",
        amount_cents=cents - 40_000,
        period_from=trajectory.ended_on - datetime.timedelta(days=120),
        period_to=trajectory.ended_on,
    )
    services.add_claim_line(
        actor=corporation,
        claim=claim,
        category="repair",
        description="Deur en vloer niet hersteld",
        amount_cents=40_000,
        inspection_item="Posten 3 en 7 (voordeur, vloer woonkamer)",
    )
    services.add_claim_document(
        actor=corporation,
        claim=claim,
        description="Factuur en opnameformulier",
        uploaded_file=SimpleUploadedFile("factuur.pdf", DEMO_PDF, content_type="application/pdf"),
    )
    if status == "draft":
        return claim
    deviation = status == "deviation"
    services.file_claim(
        actor=corporation,
        claim=claim,
        no_serious_negligence=status != "rejected",
        asks_deviation=deviation,
        deviation_reason="De huurderving is lager dan de borg, maar de borg is al verrekend." if deviation else "",
    )
    if status == "filed":
        return claim
    # The overleg reports its discussion through ClaimDiscussed (matching); the demo records it directly.
    services.record_discussion(claim_id=claim.pk, meeting_id=None, item_id=None, discussed_on=timezone.localdate())
    if status == "discussed":
        return claim
    services.record_consultation(
        actor=chair,
        claim=claim,
        organisations=[corporation.organisation_id],
        consulted_on=timezone.localdate(),
        outcome="De corporatie lichtte de kosten toe; de zorgaanbieder bevestigde het verloop.",
    )
    if status == "consulted":
        return claim
    if deviation:
        services.request_deviation(
            actor=chair,
            claim=claim,
            rules=["above_deposit"],
            motivation="De borg is al met de huurachterstand verrekend; de regel werkt hier onevenredig uit.",
        )
        return claim
    rejected = status == "rejected"
    services.decide_claim(
        actor=chair,
        claim=claim,
        approve=not rejected,
        approved_cents=None,
        motivation="Besproken in het Woonkans-overleg; kosten aangetoond."
        if not rejected
        else "Afgewezen: de signalen over de huurachterstand zijn maandenlang niet gedeeld.",
        negligence_found=rejected,
        negligence_reason="Signalen niet gedeeld met de partijen (Bijlage 3 §2)." if rejected else "",
    )
    if status in ("approved", "rejected"):
        return claim
    services.submit_to_mgr(actor=corporation, claim=claim)
    treasurer = users["penningmeester.mgr"]
    if status == "returned":
        services.return_claim(actor=treasurer, claim=claim, reason="Het opnameformulier ontbreekt.")
    elif status == "paid":
        services.pay_claim(
            actor=treasurer,
            claim=claim,
            # Not before the approval (today, in the demo): ledger.check_payment refuses that.
            paid_on=timezone.localdate(),
            reference="DEMO-2026-001",
            idempotency_key=f"demo-{claim.pk}",
        )
    return claim


def seed_demo_fund(*, scale=0):
    if ContributionRound.objects.exists() or LedgerEntry.objects.exists():
        return []
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    treasurer = users["penningmeester.mgr"]
    _give_demo_ibans()
    # The municipalities pay from the regional BW/MO/B&P budget (council advice, argument 2.3). The seed
    # names no budget holder; the demo lets Venlo pay for the region.
    round_ = services.open_round(
        actor=treasurer,
        municipal_billing="regional",
        regional_payer=Organisation.objects.get(name="Gemeente Venlo"),
    )
    # Paid in when the programme started, 24 months ago, so the balance over time has a history.
    received_on = timezone.localdate() - datetime.timedelta(days=730)
    services.record_regional_payment_received(
        actor=treasurer, round_=round_, received_on=received_on, reference="DEMO-REGIO"
    )
    for contribution in round_.contributions.exclude(party__kind=OrganisationKind.MUNICIPALITY):
        services.record_contribution_received(
            actor=treasurer, contribution=contribution, received_on=received_on, reference="DEMO-INLEG"
        )
    # A provider that joined later (Art. 9) and paid its joining bill (9.2c): it shares on dissolution.
    joiner, _created = Organisation.objects.get_or_create(
        name="Zorgpartner Toetreder (demo)",
        defaults={"slug": "zorgpartner-toetreder-demo", "kind": OrganisationKind.CARE_PROVIDER},
    )
    joined_on = timezone.localdate() - datetime.timedelta(days=45)
    bill = services.join_party(actor=treasurer, party=joiner, joined_on=joined_on)
    for contribution in bill.contributions.all():
        services.record_contribution_received(
            actor=treasurer, contribution=contribution, received_on=joined_on, reference="DEMO-TOETREDING"
        )
    # The trajectories a claim may follow (ended negatively), from matching through woonkans.cases.
    for trajectory in cases.trajectories():
        if Claim.objects.filter(profile_id=trajectory.profile_id).exists():
            continue
        for status, cents, deposit in DEMO_CLAIMS:
            _claim(users, trajectory, status, cents, deposit)
        break
    return []
