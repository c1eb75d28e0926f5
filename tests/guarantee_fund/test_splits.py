"""Exact, deterministic splits of guarantee-fund money (SOK Art. 7, 10): pure functions, no database."""

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guarantee_fund.splits import (
    CARE_PROVIDER_CENTS,
    CORPORATIONS_TOTAL_CENTS,
    MUNICIPALITIES_TOTAL_CENTS,
    RoundSplit,
    contribution_round,
    dissolution,
    split_largest_remainder,
)

PROPERTY = settings(max_examples=200, deadline=None)

KEYS = st.text(alphabet=string.ascii_letters + string.digits, min_size=1, max_size=6)
TOTALS = st.integers(min_value=0, max_value=10**9)
# Small weights as well as large ones, so that equal remainders (ties) are common.
WEIGHT = st.one_of(st.integers(min_value=0, max_value=3), st.integers(min_value=0, max_value=10**7))
WEIGHTS = st.dictionaries(KEYS, WEIGHT, min_size=1, max_size=60).filter(lambda weights: any(weights.values()))

# Demonstration distribution key of the 13 municipalities (woonkans/parties/migrations/0002_reference_data.py).
DEMO_KEY = {
    "Beesel": 261,
    "Bergen": 262,
    "Echt-Susteren": 643,
    "Horst aan de Maas": 864,
    "Leudal": 723,
    "Maasgouw": 482,
    "Nederweert": 341,
    "Peel en Maas": 884,
    "Roerdalen": 422,
    "Roermond": 1185,
    "Venlo": 2048,
    "Venray": 884,
    "Weert": 1001,
}


# --- split_largest_remainder: properties ---


@PROPERTY
@given(total=TOTALS, weights=WEIGHTS)
def test_split_is_exact_and_within_a_cent_of_the_proportional_share(total, weights):
    shares = split_largest_remainder(total, weights)
    weight_sum = sum(weights.values())
    assert shares.keys() == weights.keys()
    assert sum(shares.values()) == total
    for key, weight in weights.items():
        share = shares[key]
        assert share >= 0
        # |share - total * w / W| < 1, in integers: floor(total * w / W) or one cent more, never more than exact + 1.
        assert abs(share * weight_sum - total * weight) < weight_sum
        floor = total * weight // weight_sum
        assert floor <= share <= floor + 1
        if weight == 0:
            assert share == 0


@PROPERTY
@given(total=TOTALS, weights=WEIGHTS)
def test_extra_cents_go_to_the_largest_remainders_then_by_key(total, weights):
    shares = split_largest_remainder(total, weights)
    weight_sum = sum(weights.values())
    remainder = {key: total * weight % weight_sum for key, weight in weights.items()}
    extra = {key for key, weight in weights.items() if shares[key] > total * weight // weight_sum}
    for winner in extra:
        for other in weights.keys() - extra:
            assert (remainder[winner], str(other)) > (remainder[other], str(winner))


@PROPERTY
@given(total=TOTALS, weights=WEIGHTS, data=st.data())
def test_split_does_not_depend_on_insertion_order(total, weights, data):
    shuffled = dict(data.draw(st.permutations(list(weights.items()))))
    first = split_largest_remainder(total, weights)
    assert split_largest_remainder(total, shuffled) == first
    assert split_largest_remainder(total, dict(reversed(weights.items()))) == first
    assert split_largest_remainder(total, weights) == first


# --- split_largest_remainder: examples ---


def test_one_hundred_cents_over_three_equal_weights():
    assert split_largest_remainder(100, {"c": 1, "b": 1, "a": 1}) == {"a": 34, "b": 33, "c": 33}
    assert split_largest_remainder(200, {"c": 1, "b": 1, "a": 1}) == {"a": 67, "b": 67, "c": 66}


def test_the_largest_remainder_wins_before_the_key_order():
    # Exact shares 3.33 and 6.67: "b" gets the cent although "a" sorts first.
    assert split_largest_remainder(10, {"a": 1, "b": 2}) == {"a": 3, "b": 7}


def test_the_default_tiebreak_sorts_keys_as_text():
    weights = {3: 1, 10: 1, 2: 1}
    assert split_largest_remainder(2, weights) == {10: 1, 2: 1, 3: 0}  # "10" < "2" < "3"
    assert split_largest_remainder(2, weights, tiebreak=lambda key: key) == {2: 1, 3: 1, 10: 0}


def test_a_tiebreak_that_cannot_tell_keys_apart_is_refused():
    with pytest.raises(ValueError, match="tiebreak"):
        split_largest_remainder(1, {1: 1, "1": 1})


def test_the_demo_key_splits_fifty_thousand_euro_exactly():
    assert sum(DEMO_KEY.values()) == 10_000
    shares = split_largest_remainder(MUNICIPALITIES_TOTAL_CENTS, DEMO_KEY)
    assert shares["Venlo"] == 1_024_000
    assert shares["Beesel"] == 130_500
    assert shares == {name: 500 * points for name, points in DEMO_KEY.items()}
    assert sum(shares.values()) == 5_000_000


def test_zero_total_and_zero_weights():
    assert split_largest_remainder(0, {"a": 0, "b": 5}) == {"a": 0, "b": 0}
    assert split_largest_remainder(0, {"a": 0, "b": 0}) == {"a": 0, "b": 0}
    assert split_largest_remainder(0, {}) == {}
    assert split_largest_remainder(7, {"a": 0, "b": 3, "c": 0}) == {"a": 0, "b": 7, "c": 0}


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (100, {"a": 1, "b": -1}, "negative"),
        (-1, {"a": 1}, "negative"),
        (100, {"a": 0, "b": 0}, "all zero"),
        (100, {}, "all zero"),
    ],
)
def test_invalid_splits_raise_value_error(total, weights, message):
    with pytest.raises(ValueError, match=message):
        split_largest_remainder(total, weights)


@pytest.mark.parametrize(("total", "weights"), [(100, {"a": 1.5}), (100.0, {"a": 1}), (100, {"a": True})])
def test_non_integer_money_or_weights_are_refused(total, weights):
    with pytest.raises(TypeError):
        split_largest_remainder(total, weights)


# --- contribution_round ---


@PROPERTY
@given(
    key=st.dictionaries(st.integers(1, 10**6), st.integers(0, 10_000), min_size=1, max_size=30).filter(
        lambda key: any(key.values())
    ),
    stock=st.dictionaries(st.integers(1, 10**6), st.integers(0, 10**6), min_size=1, max_size=30).filter(
        lambda stock: any(stock.values())
    ),
    providers=st.lists(st.integers(1, 10**6), unique=True, max_size=40),
)
def test_a_round_adds_up_exactly(key, stock, providers):
    split = contribution_round(key_basis_points=key, housing_stock=stock, care_providers=providers)
    assert split.municipalities.keys() == key.keys()
    assert split.corporations.keys() == stock.keys()
    assert sum(split.municipalities.values()) == MUNICIPALITIES_TOTAL_CENTS == 5_000_000
    assert sum(split.corporations.values()) == CORPORATIONS_TOTAL_CENTS == 5_000_000
    assert split.care_providers == dict.fromkeys(providers, 100_000)
    assert split.total_cents == 10_000_000 + CARE_PROVIDER_CENTS * len(providers)
    assert all(cents >= 0 for cents in (*split.municipalities.values(), *split.corporations.values()))


def test_a_round_with_the_demo_key():
    split = contribution_round(
        key_basis_points=DEMO_KEY,
        housing_stock={"Woonwenz": 8300, "Antares": 4400, "Destion": 1200},
        care_providers=["Zorgaanbieder A", "Zorgaanbieder B"],
    )
    assert isinstance(split, RoundSplit)
    assert split.municipalities["Venlo"] == 1_024_000
    # Of 13,900 homes: 8300 -> 2,985,611.51 cents, 4400 -> 1,582,733.81, 1200 -> 431,654.68. The floors leave
    # 2 cents, which go to the largest remainders (.81 and .68), not to the largest party.
    assert split.corporations == {"Antares": 1_582_734, "Destion": 431_655, "Woonwenz": 2_985_611}
    assert split.care_providers == {"Zorgaanbieder A": 100_000, "Zorgaanbieder B": 100_000}
    assert split.total_cents == 10_200_000


def test_a_key_that_no_longer_sums_to_ten_thousand_still_splits_exactly():
    without_venlo = {name: points for name, points in DEMO_KEY.items() if name != "Venlo"}
    split = contribution_round(key_basis_points=without_venlo, housing_stock={"x": 1}, care_providers=[])
    assert sum(split.municipalities.values()) == 5_000_000
    assert split.municipalities["Beesel"] in (5_000_000 * 261 // 7952, 5_000_000 * 261 // 7952 + 1)


@pytest.mark.parametrize(
    ("key", "stock", "providers", "message"),
    [
        ({"a": 0}, {"x": 1}, [], "De verdeelsleutel van de gemeenten is leeg."),
        ({}, {"x": 1}, [], "De verdeelsleutel van de gemeenten is leeg."),
        ({"a": 1}, {"x": 0, "y": 0}, [], "Het woningbezit van de corporaties is leeg."),
        ({"a": 1}, {}, [], "Het woningbezit van de corporaties is leeg."),
        ({"a": 2, "b": -1}, {"x": 1}, [], "negatief"),
        ({"a": 1}, {"x": 2, "y": -1}, [], "negatief"),
        ({"a": 1}, {"x": 1}, ["p", "p"], "dubbel"),
    ],
)
def test_an_unusable_round_raises_a_dutch_error(key, stock, providers, message):
    with pytest.raises(ValueError, match=message):
        contribution_round(key_basis_points=key, housing_stock=stock, care_providers=providers)


# --- dissolution ---


@PROPERTY
@given(
    remaining=TOTALS,
    originals=st.dictionaries(
        KEYS, st.one_of(st.integers(0, 3), st.integers(0, 10**8)), min_size=1, max_size=60
    ).filter(lambda originals: any(originals.values())),
)
def test_dissolution_is_exact_and_monotone(remaining, originals):
    shares = dissolution(remaining_cents=remaining, original_contributions=originals)
    assert shares.keys() == originals.keys()
    assert sum(shares.values()) == remaining
    assert all(cents >= 0 for cents in shares.values())
    for a, contributed_a in originals.items():
        for b, contributed_b in originals.items():
            if contributed_a > contributed_b:
                assert shares[a] >= shares[b]


def test_dissolution_examples():
    assert dissolution(remaining_cents=100, original_contributions={"x": 200_000, "y": 100_000}) == {"x": 67, "y": 33}
    assert dissolution(remaining_cents=0, original_contributions={"x": 1, "y": 0}) == {"x": 0, "y": 0}
    assert dissolution(remaining_cents=0, original_contributions={}) == {}


@pytest.mark.parametrize(
    ("remaining", "originals"),
    [(-1, {"x": 1}), (100, {"x": 0}), (100, {}), (100, {"x": 5, "y": -1})],
)
def test_an_impossible_dissolution_raises(remaining, originals):
    with pytest.raises(ValueError):
        dissolution(remaining_cents=remaining, original_contributions=originals)
