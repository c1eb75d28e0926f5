"""Exact splits of guarantee-fund money (SOK Art. 7 and 10).

Money is always an integer number of cents. Every split here uses the
largest-remainder (Hamilton) method on integer weights:

* each party first gets ``floor(total * weight / sum_of_weights)`` cents;
* the cents that are left over (fewer than the number of parties) go one by one
  to the parties with the largest remainders.

Why this method:

* **Exact sums.** The shares always add up to the total, to the cent: no cent is
  created or lost, so payment requests, ledger and fund balance agree.
* **Fair to the cent.** No party is off by a whole cent or more from its exact
  proportional share: each share is that share rounded down or rounded up.
  Nobody gets a negative amount; a party with weight 0 gets 0.
* **Deterministic.** Only integer arithmetic is used (no floats, no Decimal
  rounding modes), and ties between equal remainders are broken by a fixed sort
  order of the keys, never by dict insertion order. The same input always gives
  the same amounts.

This module is pure Python with no Django dependency; the services in
``guarantee_fund.services`` load the parties and key figures and call it.
"""

from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K", bound=Hashable)

# SOK Art. 7 and Bijlage 3 §1: per contribution round.
MUNICIPALITIES_TOTAL_CENTS = 5_000_000  # Art. 7 lid 3: EUR 50,000 for all municipalities together, by key
CORPORATIONS_TOTAL_CENTS = 5_000_000  # Art. 7 lid 4: EUR 50,000 for all corporations, pro rata housing stock
CARE_PROVIDER_CENTS = 100_000  # Art. 7 lid 5: EUR 1,000 for each care provider
# Art. 7 lid 6: a top-up round is opened when a payout takes the balance below EUR 25,000.
TOP_UP_THRESHOLD_CENTS = 2_500_000


def _require_int(value: Any, what: str) -> None:
    # bool is an int subclass but never a sensible amount or weight; floats and Decimals are refused
    # so that no rounding other than the method's own can creep in.
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, got {type(value).__name__}")


def split_largest_remainder(
    total_cents: int,
    weights: Mapping[K, int],
    *,
    tiebreak: Callable[[K], Any] | None = None,
) -> dict[K, int]:
    """Split ``total_cents`` over the keys of ``weights`` pro rata, to the exact cent.

    Largest-remainder (Hamilton) method with integer arithmetic only. Every share
    is ``floor(total * w / W)`` or one cent more (``W`` = sum of the weights), and
    the shares add up exactly to ``total_cents``. Keys with weight 0 get 0.

    Ties between equal remainders go to the key that sorts first by
    ``tiebreak(key)``; ``tiebreak`` defaults to ``str``, so keys ``"a"``, ``"b"``,
    ``"c"`` get the extra cents in that order, and integer keys sort as text
    (``10`` before ``2``). Pass e.g. ``tiebreak=lambda key: key`` for numeric
    order. The tiebreak must give different keys different values, otherwise
    the result could depend on insertion order: that raises ValueError.

    The result has exactly the keys of ``weights``.

    Raises ValueError for a negative total, a negative weight, all-zero weights
    (or no weights) with a non-zero total, or a tiebreak that does not tell two
    keys apart; TypeError for a non-integer total or weight.
    """
    _require_int(total_cents, "total_cents")
    if total_cents < 0:
        raise ValueError(f"total_cents must not be negative, got {total_cents}")
    for key, weight in weights.items():
        _require_int(weight, f"weight of {key!r}")
        if weight < 0:
            raise ValueError(f"weight of {key!r} must not be negative, got {weight}")

    tiebreak = str if tiebreak is None else tiebreak
    order = sorted(weights, key=tiebreak)
    for first, second in zip(order, order[1:], strict=False):
        if tiebreak(first) == tiebreak(second):
            raise ValueError(f"tiebreak does not tell keys {first!r} and {second!r} apart")

    weight_sum = sum(weights.values())
    if weight_sum == 0:
        if total_cents:
            raise ValueError("cannot split a non-zero total over weights that are all zero")
        return dict.fromkeys(order, 0)

    shares: dict[K, int] = {}
    remainders: dict[K, int] = {}
    for key in order:
        shares[key], remainders[key] = divmod(total_cents * weights[key], weight_sum)
    left_over = total_cents - sum(shares.values())
    # sum(remainders) == left_over * weight_sum and every remainder is < weight_sum, so more than
    # left_over keys have a positive remainder: the cents below all go to keys with a positive
    # remainder, never to a zero weight (remainder 0). The sort is stable, so equal remainders keep
    # the tiebreak order.
    by_remainder = sorted(order, key=lambda key: -remainders[key])
    for key in by_remainder[:left_over]:
        shares[key] += 1
    return shares


@dataclass(frozen=True)
class RoundSplit:
    """The amounts of one contribution round, per party kind: key -> cents."""

    municipalities: dict
    corporations: dict
    care_providers: dict

    @property
    def total_cents(self) -> int:
        return sum(self.municipalities.values()) + sum(self.corporations.values()) + sum(self.care_providers.values())


def contribution_round(
    *,
    key_basis_points: Mapping[K, int],
    housing_stock: Mapping[K, int],
    care_providers: Iterable[K],
) -> RoundSplit:
    """Every party's contribution to one round (Art. 7).

    Municipalities share MUNICIPALITIES_TOTAL_CENTS by their distribution key in
    basis points. The key is used as weights: it need not add up to 10,000 (for
    instance after a municipality left), the shares still add up exactly.
    Corporations share CORPORATIONS_TOTAL_CENTS pro rata their housing stock
    (number of homes). Each care provider pays CARE_PROVIDER_CENTS.

    Raises ValueError (Dutch message, shown to the treasurer) when the key or the
    housing stock is empty or all zero, contains a negative figure, or when a
    care provider is listed twice.
    """
    if not any(key_basis_points.values()):
        raise ValueError("De verdeelsleutel van de gemeenten is leeg.")
    if any(points < 0 for points in key_basis_points.values()):
        raise ValueError("De verdeelsleutel van de gemeenten bevat een negatief aandeel.")
    if not any(housing_stock.values()):
        raise ValueError("Het woningbezit van de corporaties is leeg.")
    if any(homes < 0 for homes in housing_stock.values()):
        raise ValueError("Het woningbezit van de corporaties bevat een negatief aantal woningen.")
    providers: dict[K, int] = {}
    for provider in care_providers:
        if provider in providers:
            raise ValueError(f"Zorgaanbieder {provider} staat dubbel in de lijst.")
        providers[provider] = CARE_PROVIDER_CENTS
    return RoundSplit(
        municipalities=split_largest_remainder(MUNICIPALITIES_TOTAL_CENTS, key_basis_points),
        corporations=split_largest_remainder(CORPORATIONS_TOTAL_CENTS, housing_stock),
        care_providers=providers,
    )


def dissolution(*, remaining_cents: int, original_contributions: Mapping[K, int]) -> dict[K, int]:
    """Share what is left on dissolution pro rata of the original contributions (Art. 10.5).

    The shares add up exactly to ``remaining_cents``; a party that contributed
    more never gets less than one that contributed less. Nothing left gives
    every party 0.

    Raises ValueError (Dutch message) for a negative remainder, a negative
    contribution, or money left without any original contribution to share it by.
    """
    if remaining_cents < 0:
        raise ValueError("Het restant van het garantiefonds kan niet negatief zijn.")
    if any(cents < 0 for cents in original_contributions.values()):
        raise ValueError("Een oorspronkelijke bijdrage kan niet negatief zijn.")
    if remaining_cents and not any(original_contributions.values()):
        raise ValueError("Er zijn geen oorspronkelijke bijdragen om het restant naar te verdelen.")
    return split_largest_remainder(remaining_cents, original_contributions)
