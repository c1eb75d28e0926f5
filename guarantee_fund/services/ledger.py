"""Money movements. Lock order is always: the Fund row first, then the claim or contribution.

The balance changes only here, with F() under select_for_update; the database's
CHECK (balance >= 0) is the last line of defence, the clear message the first.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.accounts.roles import Role
from woonkans.money import format_euro
from woonkans.notifications import notify
from woonkans.parties.models import (
    DistributionKeyShare,
    HousingStock,
    Organisation,
    OrganisationKind,
    validate_iban,
)
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import splits
from ..models import (
    Claim,
    ClaimStatus,
    Contribution,
    ContributionRound,
    EntryKind,
    Fund,
    LedgerEntry,
    MunicipalBilling,
    RoundKind,
)
from ..rules import PAYMENT_REFERENCE_HELP, payment_reference_is_sane
from ..workflow import CLAIMS, ClaimTransition, ClaimTransitionNotAllowed, claim_target

TREASURER_ROLES = (Role.TREASURER,)
ROUND_TERM = datetime.timedelta(days=30)


class InsufficientFunds(ValidationError):
    pass


def _require_treasurer(actor):
    if actor is not None and not actor.has_role(*TREASURER_ROLES):
        raise PermissionDenied


def _lock_fund():
    return Fund.objects.select_for_update().get(pk=Fund.get().pk)


def _book(
    *,
    fund,
    kind,
    amount_cents,
    booked_on,
    actor,
    party=None,
    reference="",
    description="",
    idempotency_key=None,
    reverses=None,
):
    new_balance = fund.balance_cents + amount_cents
    if new_balance < 0:
        raise InsufficientFunds(
            _(
                "Het saldo van het garantiefonds (%(balance)s) is te laag voor deze uitbetaling (%(amount)s). "
                "Er wordt een aanvullende bijdrageronde gestart."
            )
            % {"balance": format_euro(fund.balance_cents), "amount": format_euro(-amount_cents)}
        )
    Fund.objects.filter(pk=fund.pk).update(balance_cents=F("balance_cents") + amount_cents)
    fund.refresh_from_db(fields=["balance_cents"])
    return LedgerEntry.objects.create(
        booked_on=booked_on,
        kind=kind,
        amount_cents=amount_cents,
        balance_after_cents=fund.balance_cents,
        party=party,
        reference=reference,
        description=description,
        idempotency_key=idempotency_key,
        reverses=reverses,
        created_by=actor,
    )


def participating(kind, on_date):
    """Parties that take part on a date: joined (or from the start) and not yet left (Art. 9, 10).

    A party that gave notice takes part until its leaving date (Art. 10.3) and is billed by rounds
    opened before it; from that date on it is no longer billed.
    """
    return Organisation.objects.filter(kind=kind).exclude(joined_on__gt=on_date).exclude(left_on__lte=on_date)


def round_amounts(on_date):
    """Every participating party's contribution to a round opened on ``on_date`` (Art. 7.3-7.5): party id -> cents.

    Municipalities share € 50.000 by the distribution key, corporations € 50.000 by housing stock,
    each provider pays € 1.000. A party that joined counts in, so the shares change (Art. 9.2c).
    """
    municipalities = participating(OrganisationKind.MUNICIPALITY, on_date)
    corporations = participating(OrganisationKind.CORPORATION, on_date)
    providers = participating(OrganisationKind.CARE_PROVIDER, on_date)
    key = dict(
        DistributionKeyShare.objects.filter(municipality__in=municipalities).values_list(
            "municipality_id", "basis_points"
        )
    )
    stock = {}
    for corporation_id, homes in HousingStock.objects.filter(corporation__in=corporations).values_list(
        "corporation_id", "homes"
    ):
        stock[corporation_id] = stock.get(corporation_id, 0) + homes
    split = splits.contribution_round(
        key_basis_points=key, housing_stock=stock, care_providers=list(providers.values_list("pk", flat=True))
    )
    return {**split.municipalities, **split.corporations, **split.care_providers}


def next_round_number():
    return (ContributionRound.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1


def _open_top_up_exists():
    latest = ContributionRound.objects.filter(kind=RoundKind.TOP_UP).order_by("-number").first()
    return latest is not None and latest.contributions.filter(received_on__isnull=True).exists()


def _billing(municipal_billing, regional_payer, today):
    """Check the treasurer's choice of how the municipalities pay; None follows the previous round."""
    if municipal_billing is None:
        # A top-up opened by a payout has no treasurer at hand: it bills as the last round did.
        last = ContributionRound.objects.exclude(kind=RoundKind.JOINING).order_by("-number").first()
        if last is None:
            return MunicipalBilling.PER_MUNICIPALITY, None
        municipal_billing, regional_payer = last.municipal_billing, last.regional_payer
    if municipal_billing not in MunicipalBilling.values:
        raise ValidationError(_("Kies hoe de gemeenten betalen."))
    if municipal_billing == MunicipalBilling.PER_MUNICIPALITY:
        return municipal_billing, None
    if (
        regional_payer is None
        or not participating(OrganisationKind.MUNICIPALITY, today).filter(pk=regional_payer.pk).exists()
    ):
        raise ValidationError(
            _("Kies de deelnemende gemeente die namens de regio betaalt uit de regionale begroting BW, MO en B&P.")
        )
    return municipal_billing, regional_payer


@transaction.atomic
def open_round(
    *,
    actor,
    kind=RoundKind.INITIAL,
    due_on=None,
    triggered_by_entry=None,
    municipal_billing=None,
    regional_payer=None,
):
    """Compute every party's amount for a round: the split adds up exactly to the totals (Art. 7).

    ``municipal_billing`` is the treasurer's choice for this round: each municipality pays its key
    share, or the region pays all of them at once from the regional BW, MO and B&P budget (council
    advice of 16 April 2024, argument 2.3), through ``regional_payer``. Either way every municipality
    has its own Contribution row by the key, so Art. 10.5 knows what each paid in.
    """
    _require_treasurer(actor)
    if kind not in (RoundKind.INITIAL, RoundKind.TOP_UP):
        raise ValidationError(_("Een toetreding wordt gefactureerd bij het vastleggen van de toetreding (Art. 9.2c)."))
    if Fund.get().dissolved_at is not None:
        raise ValidationError(_("Het garantiefonds is opgeheven; er worden geen bijdragen meer gevraagd."))
    today = timezone.localdate()
    municipal_billing, regional_payer = _billing(municipal_billing, regional_payer, today)
    amounts = round_amounts(today)
    round_ = ContributionRound.objects.create(
        number=next_round_number(),
        kind=kind,
        opened_by=actor,
        due_on=due_on or today + ROUND_TERM,
        triggered_by_entry=triggered_by_entry,
        municipal_billing=municipal_billing,
        regional_payer=regional_payer,
    )
    Contribution.objects.bulk_create(
        [Contribution(round=round_, party_id=party_id, amount_cents=cents) for party_id, cents in amounts.items()]
    )
    notify(
        organisations=Organisation.objects.filter(pk__in=amounts.keys()),
        roles=(Role.ADMINISTRATOR, Role.WERKGROEP, Role.TREASURER),
        subject=_("Bijdrageverzoek garantiefonds Woonkans"),
        intro=_("Er is een nieuwe bijdrageronde voor het garantiefonds van Woonkans geopend.")
        if not round_.is_regional
        else _(
            "Er is een nieuwe bijdrageronde voor het garantiefonds van Woonkans geopend. Het aandeel van de "
            "gemeenten wordt in één keer betaald uit de regionale begroting BW, MO en B&P."
        ),
        path=reverse("guarantee_fund:rounds"),
    )
    notify(
        organisations=Organisation.objects.filter(kind=OrganisationKind.MGR),
        roles=TREASURER_ROLES,
        subject=_("Bijdrageronde geopend"),
        intro=_("Er is een bijdrageronde geopend."),
        path=reverse("guarantee_fund:rounds"),
    )
    return round_


@transaction.atomic
def record_contribution_received(*, actor, contribution, received_on, reference=""):
    _require_treasurer(actor)
    fund = _lock_fund()
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    if contribution.received_on is not None:
        return contribution.ledger_entry
    if contribution.paid_regionally:
        raise ValidationError(
            _("Het aandeel van %(party)s komt binnen met de regionale betaling; boek die als één betaling.")
            % {"party": contribution.party.name}
        )
    entry = _book(
        fund=fund,
        kind=EntryKind.CONTRIBUTION,
        amount_cents=contribution.amount_cents,
        booked_on=received_on,
        actor=actor,
        party=contribution.party,
        reference=reference,
        description=str(contribution.round),
        idempotency_key=f"contribution:{contribution.pk}",
    )
    Contribution.objects.filter(pk=contribution.pk).update(received_on=received_on, ledger_entry=entry)
    return entry


def check_payment(*, claim, paid_on, reference):
    """Refuse a payment the bank cannot have made: the claim's payee, date and reference, checked before
    the treasurer confirms and again when booking. Errors keyed by field, next to the field."""
    errors = {}
    if claim.status != ClaimStatus.AT_MGR or claim.approved_cents is None or claim.decided_at is None:
        raise ClaimTransitionNotAllowed(CLAIMS.refusal(ClaimTransition.PAY))
    today = timezone.localdate()
    approved_on = timezone.localtime(claim.decided_at).date()
    if paid_on > today:
        errors["paid_on"] = _("De betaaldatum ligt in de toekomst; leg een betaling vast als ze gedaan is.")
    elif paid_on < approved_on:
        errors["paid_on"] = _("De betaaldatum ligt vóór de goedkeuring van de claim (%(date)s).") % {
            "date": approved_on.strftime("%d-%m-%Y")
        }
    if not payment_reference_is_sane(reference):
        errors["reference"] = _("Dit is geen bankkenmerk: %(help)s") % {"help": PAYMENT_REFERENCE_HELP}
    if not claim.corporation.iban:
        errors[NON_FIELD_ERRORS] = _(
            "Van %(payee)s is geen IBAN bekend; laat functioneel beheer het rekeningnummer vastleggen."
        ) % {"payee": claim.corporation.name}
    else:
        try:
            validate_iban(claim.corporation.iban)
        except ValidationError:
            errors[NON_FIELD_ERRORS] = _(
                "Het IBAN van %(payee)s klopt niet; laat functioneel beheer het rekeningnummer corrigeren."
            ) % {"payee": claim.corporation.name}
    if errors:
        raise ValidationError(errors)


def pay_claim(*, actor, claim, paid_on, reference, idempotency_key):
    """Pay an approved claim exactly once, whatever double clicks, retries or second treasurers do.

    The view calls it only after the treasurer confirmed payee, IBAN, amount and reference (SOK art.
    7.7: the MGR pays out what the chair approved).
    """
    _require_treasurer(actor)
    try:
        return _pay(actor=actor, claim=claim, paid_on=paid_on, reference=reference, idempotency_key=idempotency_key)
    except InsufficientFunds:
        if not _open_top_up_exists():
            open_round(actor=None, kind=RoundKind.TOP_UP)
        raise


@transaction.atomic
def _pay(*, actor, claim, paid_on, reference, idempotency_key):
    fund = _lock_fund()
    claim = Claim.objects.select_for_update(of=("self",)).select_related("corporation").get(pk=claim.pk)
    if claim.status == ClaimStatus.PAID:
        return claim.payout  # a retry of a payment that already happened
    ensure_processing_allowed(referral_id=claim.profile.referral_id)
    existing = LedgerEntry.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    claim_target(ClaimTransition.PAY, claim.status)
    reference = reference.strip()
    check_payment(claim=claim, paid_on=paid_on, reference=reference)
    before = fund.balance_cents
    try:
        with transaction.atomic():
            entry = _book(
                fund=fund,
                kind=EntryKind.PAYOUT,
                amount_cents=-claim.approved_cents,
                booked_on=paid_on,
                actor=actor,
                party=claim.corporation,
                reference=reference,
                description=_("Claim %(code)s") % {"code": claim.code},
                idempotency_key=idempotency_key,
            )
    except IntegrityError:
        return LedgerEntry.objects.get(idempotency_key=idempotency_key)
    CLAIMS.move(claim, ClaimTransition.PAY)
    claim.paid_on, claim.payment_reference, claim.payout = paid_on, reference, entry
    claim.payment_confirmed_by = actor
    claim.save(update_fields=["status", "paid_on", "payment_reference", "payout", "payment_confirmed_by"])
    if before >= splits.TOP_UP_THRESHOLD_CENTS > fund.balance_cents:
        # Exactly once for this drop: the round is tied to the entry that crossed the threshold.
        open_round(actor=None, kind=RoundKind.TOP_UP, triggered_by_entry=entry)
    # Link-only: no amount, code or name in the e-mail (woonkans.notifications).
    notify(
        organisations=[claim.corporation],
        roles=(Role.CORPORATION,),
        subject=_("Claim uitbetaald"),
        intro=_("Een claim op het garantiefonds is uitbetaald."),
        path=reverse("guarantee_fund:claim", kwargs={"claim_id": claim.pk}),
    )
    return entry


@transaction.atomic
def correct_entry(*, actor, entry, reason):
    """Reverse an entry with a new, linked one; the original stays."""
    _require_treasurer(actor)
    if not reason.strip():
        raise ValidationError(_("Geef de reden van de correctie."))
    fund = _lock_fund()
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("Deze boeking is al gecorrigeerd."))
    return _book(
        fund=fund,
        kind=EntryKind.CORRECTION,
        amount_cents=-entry.amount_cents,
        booked_on=timezone.localdate(),
        actor=actor,
        party=entry.party,
        reference=entry.reference,
        description=reason[:200],
        reverses=entry,
    )
