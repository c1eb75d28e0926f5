"""Property: for any fact set, no hidden cell of any table on the page can be computed back from the
cells that are published, all tables together (SOK Art. 8.8: figures only, no case data), and
"<5" cells that only protect each other are not pinned down by their "1 to 4" (docs/monitoring.md)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitoring import figures
from monitoring.definitions import FIGURES, WAITING_STEPS
from monitoring.suppression import PRIMARY, SECONDARY
from woonkans.parties.models import Organisation, OrganisationKind

from .lp import Polytope

pytestmark = pytest.mark.django_db

FLAGS = [*FIGURES, *(f"waiting_{key}" for key, *_rest in WAITING_STEPS), "trajectory"]
FLAGS += [f"lead_{number}" for number in range(len(figures.STEPS))]


@pytest.fixture(scope="module")
def places(django_db_blocker):
    with django_db_blocker.unblock():
        municipalities = list(
            Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).values_list("pk", "region_id")[:5]
        )
        corporations = list(
            Organisation.objects.filter(kind=OrganisationKind.CORPORATION).values_list("pk", flat=True)[:3]
        )
    return municipalities, corporations


def fact_sets(places):
    municipalities, corporations = places
    fact = st.fixed_dictionaries(
        {
            "place": st.sampled_from(municipalities),
            "corporation_id": st.sampled_from([None, *corporations]),
            "origin": st.sampled_from(["", "mo", "bw"]),
            "young_adult": st.sampled_from([None, True, False]),
            "ineligible_reason": st.sampled_from(["", "adult", "not_status_holder"]),
            "contract_form": st.sampled_from(["", "linked_care"]),
            "outcome_at_end": st.sampled_from(["running", "ended_positive", "ended_negative"]),
            "flags": st.fixed_dictionaries({flag: st.booleans() for flag in FLAGS}),
        }
    )
    # Each fact drawn stands for 1 to 9 identical facts, so cells from 1 to 40 and more occur.
    return st.lists(st.tuples(fact, st.integers(min_value=1, max_value=9)), min_size=1, max_size=25)


def atoms(drawn):
    grouped = {}
    for fact, n in drawn:
        municipality_id, region_id = fact["place"]
        key = (
            region_id,
            municipality_id,
            fact["corporation_id"],
            fact["origin"],
            fact["young_adult"],
            fact["ineligible_reason"],
            fact["contract_form"],
            fact["outcome_at_end"],
            tuple(fact["flags"][flag] for flag in FLAGS),
        )
        grouped[key] = grouped.get(key, 0) + n
    rows = []
    for key, n in grouped.items():
        dims = dict(zip(figures.DIMENSIONS, key[:-1], strict=True))
        rows.append({**dims, **dict(zip(FLAGS, key[-1], strict=True)), "n": n})
    return rows


def matrix(cells, size):
    result = np.zeros((len(cells), size))
    for number, cell in enumerate(cells):
        result[number, list(cell.atoms)] = 1
    return result


def test_no_hidden_cell_is_recoverable_from_the_published_cells(places):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(fact_sets(places))
    def check(drawn):
        rows, tables = figures.audited_tables(atoms(drawn))
        cells = [cell for table in tables.values() for cell in table.cells]
        published = [cell for cell in cells if not cell.suppressed]
        hidden = [cell for cell in cells if cell.suppressed]
        base = np.linalg.matrix_rank(matrix(published, len(rows))) if published else 0
        for cell in hidden:
            # Adding the hidden cell's row raises the rank: no sum of published cells equals it.
            assert np.linalg.matrix_rank(matrix([*published, cell], len(rows))) == base + 1
        for cell in cells:
            assert cell.value == sum(rows[index]["n"] for index in cell.atoms)
            # An empty combination the audit counts as unknown lies in no published 0 (nor a missing row).
            assert cell.value or not cell.atoms
            if cell.state == SECONDARY:
                assert cell.value >= 5  # a hidden 0 would protect nothing, and a small one is "<5"
            if 0 < cell.value < 5:
                assert cell.shown == "<5"
            elif cell.suppressed:
                assert cell.shown == "·"  # hidden to protect another cell: never "<5"
            else:
                assert cell.shown == str(cell.value)

    check()


def reader_polytope(cells, size):
    """What a reader holding the page knows, over the atoms a cell counts (merged where no cell tells
    them apart): every published cell's value, 1 to 4 for each "<5" cell, and nothing negative."""
    signatures = {}
    for atom in range(size):
        signature = tuple(number for number, cell in enumerate(cells) if atom in cell.atoms)
        if signature:
            signatures.setdefault(signature, len(signatures))
    columns = len(signatures)
    primaries = [cell for cell in cells if cell.state == PRIMARY]
    vectors = np.zeros((len(cells), columns))
    for signature, column in signatures.items():
        vectors[list(signature), column] = 1
    equations, values = [], []
    for number, cell in enumerate(cells):
        if not cell.suppressed:
            equations.append(np.concatenate([vectors[number], np.zeros(2 * len(primaries))]))
            values.append(cell.value)
    for slack, cell in enumerate(primaries):
        number = cells.index(cell)
        low, high = np.zeros(2 * len(primaries)), np.zeros(2 * len(primaries))
        low[2 * slack], high[2 * slack + 1] = -1, 1
        equations += [np.concatenate([vectors[number], low]), np.concatenate([vectors[number], high])]
        values += [1, 4]
    polytope = Polytope(np.array(equations), np.array(values))
    return polytope, {
        id(cell): np.concatenate([vectors[cells.index(cell)], np.zeros(2 * len(primaries))]) for cell in cells
    }


def test_two_small_cells_that_only_protect_each_other_are_not_left_alone():
    # Rows 1, 1 and 10 with their total 12: hiding only the two "<5" cells leaves 1 + 1 = 2, so both are 1.
    rows = [
        {**dict.fromkeys(figures.DIMENSIONS), **dict.fromkeys(FLAGS, False), "n": n, **extra}
        for n, extra in (
            (1, {"region_id": 1, "municipality_id": 10, "referrals": True}),
            (1, {"region_id": 1, "municipality_id": 11, "referrals": True}),
            (10, {"region_id": 1, "municipality_id": 12, "referrals": True}),
            (9, {"region_id": 2, "municipality_id": 20, "referrals": True}),
        )
    ]
    space, tables = figures.audited_tables(rows)
    cells = [cell for table in tables.values() for cell in table.cells]
    polytope, vector = reader_polytope(cells, len(space))
    small = [cell for cell in tables["municipalities"].cells if cell.state == PRIMARY]
    assert len(small) == 2
    for cell in small:
        low, high = polytope.interval(vector[id(cell)])
        assert high - low >= 1
    assert any(cell.state == SECONDARY for cell in cells)


def test_a_figure_hidden_per_region_cannot_be_read_back_from_the_municipalities():
    # The case: Noord referrals under 5 while Venlo alone shows 5 and the total 10.
    rows = [
        {**dict.fromkeys(figures.DIMENSIONS), **dict.fromkeys(FLAGS, False), "n": n, **extra}
        for n, extra in (
            (3, {"region_id": 1, "municipality_id": 10, "referrals": True}),
            (7, {"region_id": 2, "municipality_id": 20, "referrals": True}),
            (5, {"region_id": 2, "municipality_id": 21, "referrals": True}),
        )
    ]
    tables = figures.tables(rows)
    shown = {name: cells["referrals"].shown for name, cells in tables["municipalities"].rows.items()}
    regions = {name: cells["referrals"].shown for name, cells in tables["regions"].rows.items()}
    total = tables["regions"].total["referrals"].shown
    hidden = [value for value in [*shown.values(), *regions.values(), total] if value in ("<5", "·")]
    assert "<5" in hidden and "·" in hidden
