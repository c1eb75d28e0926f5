"""Demo fund: a paid first round (the municipalities as one regional payment), a late joiner with its
joining bill, a payout history, and claims at every status (one ready to pay).

Claims walk the real path: filed, discussed at the overleg, the parties consulted, decided. One asks
for maatwerk (art. 7.9) and waits for the overleg's vote; one is refused for serious negligence.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from woonkans import bulk, cases
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
        is_demo=True,
        organisation_id=trajectory.corporation_id,
        role_assignments__role="corporation",
        totpdevice__isnull=False,
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
        from .models import Fund

        claim.refresh_from_db(fields=["approved_cents"])
        if Fund.get().balance_cents < claim.approved_cents:
            # A long synthetic history (--scale) can leave the fund short: then it waits at the MGR for
            # the open top-up round, as the ledger's own rule has it, instead of failing the whole seed.
            return claim
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
        if scale:
            create_synthetic_claims()
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
    joined_on = timezone.localdate() - datetime.timedelta(days=45)
    # The demo's own claims follow the latest negative end at a corporation with a demo login (so its user
    # finds them), from matching through woonkans.cases; the synthetic ones take the other trajectories.
    logins = set(
        User.objects.filter(is_demo=True, role_assignments__role="corporation", totpdevice__isnull=False).values_list(
            "organisation_id", flat=True
        )
    )
    candidates = sorted(
        (trajectory for trajectory in cases.trajectories() if trajectory.corporation_id in logins),
        key=lambda trajectory: trajectory.ended_on,
        reverse=True,
    )
    target = next((t for t in candidates if not Claim.objects.filter(profile_id=t.profile_id).exists()), None)
    # The synthetic trajectories' claims, paid (in date order) before the joiner joined.
    create_synthetic_claims(until=joined_on - datetime.timedelta(days=1), exclude={target and target.profile_id})
    # A provider that joined later (Art. 9) and paid its joining bill (9.2c): it shares on dissolution. Made
    # after the history's top-up rounds, which it did not take part in.
    joiner, _created = Organisation.objects.get_or_create(
        name="Zorgpartner Toetreder (demo)",
        defaults={"slug": "zorgpartner-toetreder-demo", "kind": OrganisationKind.CARE_PROVIDER},
    )
    bill = services.join_party(actor=treasurer, party=joiner, joined_on=joined_on)
    for contribution in bill.contributions.all():
        services.record_contribution_received(
            actor=treasurer, contribution=contribution, received_on=joined_on, reference="DEMO-TOETREDING"
        )
    if target is not None:
        for status, cents, deposit in DEMO_CLAIMS:
            _claim(users, target, status, cents, deposit)
    return []


# How a synthetic claim ends (the rest is paid): drawn per claim, then cut at today.
SYNTHETIC_ENDS = [("draft", 0.08), ("rejected", 0.15), ("returned", 0.1)]
# The claim's path (Bijlage 3 §3): each step and the low and high number of days after the one before.
CLAIM_STEPS = (
    ("filed", 3, 15),
    ("discussed", 5, 16),
    ("consulted", 3, 12),
    ("decided", 3, 10),
    ("at_mgr", 2, 8),
    ("paid", 10, 30),  # or returned by the MGR
)


def _walk(end, steps, today):
    """The status today of a claim that walks its path until ``end`` (a status) or until today stops it."""
    status = "draft"
    for step, _low, _high in CLAIM_STEPS:
        if status == end or steps[step] > today:
            break
        if step == "decided":
            status = "rejected" if end == "rejected" else "approved"
        elif step == "paid":
            status = "returned" if end == "returned" else "paid"
        else:
            status = step
    return status


def _working_day(day):
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


def create_synthetic_claims(*, until=None, exclude=(), seed=2026):
    """Claims on the synthetic trajectories that ended negatively, in every status, written in bulk.

    About six in ten negative ends lead to a claim. Each walks the path of Bijlage 3 (filed, discussed
    at the overleg, consulted, decided, at the MGR, paid) with realistic days between the steps, and
    stops where today (or ``until``, for payments) falls. Payouts are booked in date order; a payout
    that takes the balance under € 25.000 opens a top-up round whose contributions come in weeks later,
    and a payout the balance cannot bear waits at the MGR, as the ledger's own rules would have it.
    """
    import random

    from . import splits
    from .models import (
        ClaimConsultation,
        ClaimLine,
        ClaimStatus,
        Contribution,
        EntryKind,
        Fund,
        MunicipalBilling,
        RoundKind,
    )
    from .services.ledger import next_round_number, round_amounts
    from .workflow import CLAIMS

    rng = random.Random(seed)
    today = timezone.localdate()
    until = until or today
    treasurer = User.objects.filter(is_demo=True, username="penningmeester.mgr").first()
    staff = {}
    for user in User.objects.filter(is_demo=True, role_assignments__role="corporation").order_by("pk"):
        staff.setdefault(user.organisation_id, user)
    chairs = {
        user.organisation.region_id: user
        for user in User.objects.filter(is_demo=True, role_assignments__role="ketenregisseur").select_related(
            "organisation"
        )
    }
    claimed = set(Claim.objects.values_list("profile_id", flat=True))
    claims, lines, consultations, payable = [], [], [], []
    # The oldest claims take each status of the claim's transition table once, so even a small history
    # shows every one (whatever the draw and the day it is seeded); the rest follow the drawn proportions.
    once = [status for status in ClaimStatus.values if status in CLAIMS.states]
    # In a stable order, so the same cases draw the same claims.
    for trajectory in sorted(cases.trajectories(), key=lambda t: (t.ended_on, t.corporation_id, t.code)):
        if trajectory.profile_id in claimed or trajectory.profile_id in exclude:
            continue
        forced = len(claims) < len(once)
        if not forced and rng.random() > 0.6:
            continue
        corporation = staff.get(trajectory.corporation_id)
        if corporation is None:
            continue
        end = rng.choices([name for name, _p in SYNTHETIC_ENDS] + ["paid"], [p for _n, p in SYNTHETIC_ENDS] + [0.67])[0]
        if forced:
            end = once[len(claims)]
        created = _working_day(trajectory.ended_on + datetime.timedelta(days=rng.randint(5, 30)))
        if created > today:
            continue  # the corporation has not made it yet
        steps = {"created": created}
        day = created
        for step, low, high in CLAIM_STEPS:
            day = _working_day(day + datetime.timedelta(days=rng.randint(low, high)))
            steps[step] = day
        rent = rng.randrange(80_000, 450_000, 500)
        repair = rng.randrange(20_000, 150_000, 500)
        status = _walk(end, steps, today)
        at = {
            key: timezone.make_aware(datetime.datetime.combine(value, datetime.time(10, 30)))
            for key, value in steps.items()
        }
        decided = status in ("approved", "rejected", "at_mgr", "returned", "paid")
        claim = Claim(
            profile_id=trajectory.profile_id,
            code=trajectory.code,
            corporation_id=trajectory.corporation_id,
            region_id=trajectory.region_id,
            status="at_mgr" if status == "paid" else status,  # paid below, when the balance bears it
            termination_date=trajectory.ended_on,
            termination_kind=trajectory.end_kind,
            evaluation=trajectory.end_evaluation or "Huurachterstand; de begeleiding kwam niet van de grond.",
            deposit_cents=rng.randrange(50_000, 90_000, 500),
            no_serious_negligence=end != "rejected",
            created_by=corporation,
            created_at=at["created"],
            filed_at=at["filed"] if status != "draft" else None,
            discussed_on=steps["discussed"] if status not in ("draft", "filed") else None,
            approved_cents=rent + repair if decided and end != "rejected" else None,
            decision_motivation=(
                "Afgewezen: signalen over de huurachterstand zijn niet gedeeld."
                if end == "rejected"
                else "Besproken in het Woonkans-overleg; kosten aangetoond."
            )
            if decided
            else "",
            negligence_found=(end == "rejected") if decided else None,
            negligence_reason="Signalen niet gedeeld met de partijen (Bijlage 3 §2)."
            if end == "rejected" and decided
            else "",
            decided_by=chairs.get(trajectory.region_id) if decided else None,
            decided_at=at["decided"] if decided else None,
            submitted_to_mgr_at=at["at_mgr"] if status in ("at_mgr", "returned", "paid") else None,
            return_reason="Het opnameformulier ontbreekt." if status == "returned" else "",
        )
        claims.append(claim)
        lines.append(
            ClaimLine(
                claim=claim,
                category="rent",
                description="Huurderving",
                amount_cents=rent,
                period_from=trajectory.ended_on - datetime.timedelta(days=120),
                period_to=trajectory.ended_on,
            )
        )
        lines.append(
            ClaimLine(
                claim=claim,
                category=rng.choice(["repair", "eviction", "legal"]),
                description="Herstel en ontruiming",
                amount_cents=repair,
                inspection_item="Posten 3 en 7 (voordeur, vloer woonkamer)",
            )
        )
        if status not in ("draft", "filed", "discussed"):
            consultations.append(
                ClaimConsultation(
                    claim=claim,
                    consulted_on=steps["consulted"],
                    outcome="De corporatie lichtte de kosten toe; de zorgaanbieder bevestigde het verloop.",
                    recorded_by=chairs.get(trajectory.region_id) or corporation,
                    recorded_at=at["consulted"],
                )
            )
        if status == "paid":
            payable.append((steps["paid"], claim))
    bulk.insert(Claim, claims)
    bulk.insert(ClaimLine, lines)
    bulk.insert(ClaimConsultation, consultations)
    through = ClaimConsultation.organisations.through
    bulk.insert(
        through, [through(claimconsultation_id=c.pk, organisation_id=c.claim.corporation_id) for c in consultations]
    )
    _book_payouts(
        sorted(payable, key=lambda pair: (pair[0], str(pair[1].pk))),
        until=until,
        treasurer=treasurer,
        rng=rng,
        threshold=splits.TOP_UP_THRESHOLD_CENTS,
        models=(Contribution, EntryKind, Fund, MunicipalBilling, RoundKind),
        helpers=(next_round_number, round_amounts),
    )
    return claims


def _book_payouts(payable, *, until, treasurer, rng, threshold, models, helpers):
    """Pay in date order while the fund bears it; a drop under the threshold opens a top-up round."""
    from .models import ContributionRound

    Contribution, EntryKind, Fund, MunicipalBilling, RoundKind = models
    next_round_number, round_amounts = helpers
    fund = Fund.get()
    balance = fund.balance_cents
    last = ContributionRound.objects.exclude(kind=RoundKind.JOINING).order_by("-number").first()
    pending = []  # (received_on, contribution) of an open top-up round
    number = next_round_number()

    def book(**values):
        nonlocal balance
        balance += values["amount_cents"]
        return LedgerEntry.objects.create(balance_after_cents=balance, created_by=treasurer, **values)

    def receive(before):
        for received_on, contribution in sorted(pending, key=lambda pair: pair[0]):
            if received_on <= before:
                entry = book(
                    booked_on=received_on,
                    kind=EntryKind.CONTRIBUTION,
                    amount_cents=contribution.amount_cents,
                    party_id=contribution.party_id,
                    reference=f"DEMO-AANVULLING-{contribution.round.number}",
                    description=str(contribution.round),
                    idempotency_key=f"contribution:{contribution.pk}",
                )
                Contribution.objects.filter(pk=contribution.pk).update(received_on=received_on, ledger_entry=entry)
        pending[:] = [pair for pair in pending if pair[0] > before]

    for paid_on, claim in payable:
        if paid_on > until:
            break
        receive(paid_on)
        if balance < claim.approved_cents:
            continue  # waits at the MGR until the top-up comes in
        before = balance
        entry = book(
            booked_on=paid_on,
            kind=EntryKind.PAYOUT,
            amount_cents=-claim.approved_cents,
            party_id=claim.corporation_id,
            reference=f"DEMO-{paid_on:%Y}-{str(claim.pk)[:6].upper()}",
            description=f"Claim {claim.code}",
            idempotency_key=f"demo-payout-{claim.pk}",
        )
        Claim.objects.filter(pk=claim.pk).update(
            status="paid",
            paid_on=paid_on,
            payment_reference=entry.reference,
            payout=entry,
            payment_confirmed_by=treasurer,
        )
        if before >= threshold > balance:
            round_ = ContributionRound.objects.create(
                number=number,
                kind=RoundKind.TOP_UP,
                opened_at=timezone.make_aware(datetime.datetime.combine(paid_on, datetime.time(11, 0))),
                opened_by=None,
                due_on=paid_on + datetime.timedelta(days=30),
                triggered_by_entry=entry,
                municipal_billing=last.municipal_billing if last else MunicipalBilling.PER_MUNICIPALITY,
                regional_payer=last.regional_payer if last else None,
            )
            number += 1
            contributions = Contribution.objects.bulk_create(
                [
                    Contribution(round=round_, party_id=party_id, amount_cents=cents)
                    for party_id, cents in round_amounts(paid_on).items()
                ]
            )
            regional_day = paid_on + datetime.timedelta(days=rng.randint(14, 30))
            for contribution in contributions:
                day = regional_day if round_.is_regional else paid_on + datetime.timedelta(days=rng.randint(10, 40))
                pending.append((_working_day(day), contribution))
    receive(until)
    Fund.objects.filter(pk=fund.pk).update(balance_cents=balance)


def manifest_objects():
    """A claim in each status (the demo's own ones first), the regional round and the late joiner's bill."""
    from django.urls import reverse

    from .models import ClaimStatus

    objects = []
    for status in ClaimStatus:
        claim = Claim.objects.filter(status=status).select_related("corporation").order_by("-created_at").first()
        if claim is not None:
            objects.append(
                {
                    "kind": f"claim_{status.value}",
                    "label": f"Claim {claim.number or claim.code} bij {claim.code} ({status.label})",
                    "path": reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
                    "user": "penningmeester.mgr",
                }
            )
    for round_ in ContributionRound.objects.order_by("number"):
        if round_.is_regional and round_.kind == "initial":
            label, kind = "Eerste inleg, betaald als één regionale betaling", "regional_round"
        elif round_.kind == "joining":
            label, kind = "Inleg van de late toetreder", "late_joiner"
        else:
            label, kind = f"Aanvullingsronde {round_.number}", "top_up_round"
        objects.append(
            {
                "kind": kind,
                "label": label,
                "path": reverse("guarantee_fund:round", kwargs={"round_id": round_.pk}),
                "user": "penningmeester.mgr",
            }
        )
    return objects
