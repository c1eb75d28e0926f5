"""Money in at the parties' side: the region's one payment for a round, and dissolution (Art. 7, 10.5).

Same lock order and booking path as ``ledger``: the Fund row first, then the contributions.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.parties.models import Organisation, OrganisationKind

from .. import splits
from ..models import Contribution, ContributionRound, EntryKind, Fund, LedgerEntry
from .ledger import _book, _lock_fund, _require_treasurer


def paid_in_by_party():
    """What each party actually paid into the fund: party id -> cents (Art. 10.5).

    Every received contribution of every round counts, joining bills included; a correction that
    reverses such a booking (or reverses that correction) counts with it. Read from the ledger,
    the one record of money that actually moved. One query.
    """
    rows = list(
        LedgerEntry.objects.filter(kind__in=[EntryKind.CONTRIBUTION, EntryKind.CORRECTION], party__isnull=False)
        .values_list("pk", "kind", "amount_cents", "party_id", "reverses_id")
        .order_by("pk")
    )
    by_id = {pk: (kind, reverses_id) for pk, kind, _amount, _party, reverses_id in rows}

    def root_kind(pk):
        kind, reverses_id = by_id.get(pk, (None, None))
        while kind == EntryKind.CORRECTION and reverses_id is not None:
            kind, reverses_id = by_id.get(reverses_id, (None, None))
        return kind

    paid = {}
    for pk, _kind, amount, party_id, _reverses in rows:
        if root_kind(pk) == EntryKind.CONTRIBUTION:
            paid[party_id] = paid.get(party_id, 0) + amount
    return paid


def dissolution_shares(*, remaining_cents, on_date, paid=None):
    """Who gets what back on dissolution (Art. 10.5): party id -> cents, adding up exactly to the remainder.

    Pro rata of everything each party actually paid in, over all rounds, so a party that joined
    later gets its share too. A party that already left gets nothing: what it paid in is not
    returned (Art. 10.3, 12.2).
    """
    paid = paid_in_by_party() if paid is None else paid
    gone = set(Organisation.objects.filter(pk__in=paid.keys(), left_on__lte=on_date).values_list("pk", flat=True))
    weights = {party_id: cents for party_id, cents in paid.items() if party_id not in gone and cents > 0}
    if remaining_cents and not weights:
        raise ValidationError(_("Er is nooit ingelegd; er valt niets terug te betalen."))
    return splits.dissolution(remaining_cents=remaining_cents, original_contributions=weights), paid


@transaction.atomic
def dissolve_fund(*, actor, on_date):
    """Dissolution by all parties: what is left goes back pro rata of what each paid in (Art. 10.5)."""
    _require_treasurer(actor)
    fund = _lock_fund()
    if fund.dissolved_at is not None:
        raise ValidationError(_("Het garantiefonds is al opgeheven."))
    shares, _paid = dissolution_shares(remaining_cents=fund.balance_cents, on_date=on_date)
    parties = Organisation.objects.in_bulk(shares.keys())
    entries = [
        _book(
            fund=fund,
            kind=EntryKind.DISTRIBUTION,
            amount_cents=-cents,
            booked_on=on_date,
            actor=actor,
            party=parties[party_id],
            description=_("Opheffing garantiefonds (Art. 10.5)"),
        )
        for party_id, cents in sorted(shares.items())
        if cents
    ]
    Fund.objects.filter(pk=fund.pk).update(dissolved_at=timezone.now())
    return entries


@transaction.atomic
def record_regional_payment_received(*, actor, round_, received_on, reference=""):
    """The region's one payment for all municipalities of a regional round (council advice, argument 2.3).

    Each municipality's key share is booked as its own ledger line under the same bank reference, so
    the ledger adds up to the bank statement and Art. 10.5 still knows what each municipality paid in.
    A second call books nothing.
    """
    _require_treasurer(actor)
    fund = _lock_fund()
    round_ = ContributionRound.objects.select_for_update().get(pk=round_.pk)
    if not round_.is_regional:
        raise ValidationError(_("In deze ronde betaalt elke gemeente haar eigen aandeel."))
    contributions = list(
        Contribution.objects.select_for_update(of=("self",))
        .filter(round=round_, party__kind=OrganisationKind.MUNICIPALITY, received_on__isnull=True)
        .select_related("party")
        .order_by("party__name")
    )
    entries = []
    for contribution in contributions:
        entry = _book(
            fund=fund,
            kind=EntryKind.CONTRIBUTION,
            amount_cents=contribution.amount_cents,
            booked_on=received_on,
            actor=actor,
            party=contribution.party,
            reference=reference,
            description=_("%(round)s, regionale betaling") % {"round": round_},
            idempotency_key=f"contribution:{contribution.pk}",
        )
        Contribution.objects.filter(pk=contribution.pk).update(received_on=received_on, ledger_entry=entry)
        entries.append(entry)
    return entries
