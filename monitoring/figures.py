"""The werkgroep's figures: one grouped query over the anonymous facts, cut into the page's tables.

Every number comes from one GROUP BY in the database (groups of facts, never a loop over cases);
what each figure counts is defined once in monitoring.definitions. The tables are then suppressed
together (monitoring.suppression).
"""

import contextlib
import functools
import operator
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.db import connection, transaction
from django.db.models import BooleanField, Case, Count, F, FloatField, Func, IntegerField, Q, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.choices import Origin
from woonkans.parties.models import Organisation, Region

from . import possible, suppression
from .definitions import CONTRACT_FORMS, FIGURES, INELIGIBLE_REASONS, WAITING_STEPS, trajectory_in_period, waiting_on
from .models import CaseFact, Outcome

SUPPRESS_BELOW = suppression.SUPPRESS_BELOW
STEPS = [
    ("reported_on", "submitted_on", _("Melding → aanmelding")),
    ("submitted_on", "shared_on", _("Aanmelding → profiel gedeeld")),
    ("shared_on", "matched_on", _("Profiel gedeeld → match")),
    ("matched_on", "housed_on", _("Match → gehuisvest")),
]
UNSHOWN = {"young_adults_housed", "ended_positive", "ended_negative"}
MAIN_COLUMNS = ["reports", "referrals", "not_eligible", "eligible", "shared", "matched", "housed"]
DIMENSIONS = (
    "region_id",
    "municipality_id",
    "corporation_id",
    "origin",
    "young_adult",
    "ineligible_reason",
    "contract_form",
    "outcome_at_end",
)


# A description that only counts in a table for facts that took this step in the period.
FREE_DESCRIPTIONS = {
    "origin": "reports",
    "young_adult": "housed",
    "ineligible_reason": "not_eligible",
    "contract_form": "shared",
    "outcome_at_end": "trajectory",
}


def half_year(today):
    start = date(today.year, 1 if today.month <= 6 else 7, 1)
    end = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    return start, end


def _between(field_name, start, end):
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


def _flags(start, end):
    on = min(end, timezone.localdate())
    flags = {key: figure.in_period(start, end) for key, figure in FIGURES.items()}
    flags.update({f"waiting_{key}": waiting_on(first, second, on) for key, _label, first, second in WAITING_STEPS})
    flags["trajectory"] = trajectory_in_period(start, end)
    for number, (first, second, _label) in enumerate(STEPS):
        flags[f"lead_{number}"] = _lead(first, second, start, end)
    return flags


def _lead(first, second, start, end):
    """A lead time counts for a step reached in the period by a fact that took the step before it."""
    return _between(second, start, end) & Q(**{f"{first}__isnull": False})


def atoms(start, end):
    """The facts of the period in groups that no table tells apart: one query, a few hundred rows at most."""
    flags = _flags(start, end)
    annotations = {
        f"f_{key}": Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
        for key, condition in flags.items()
    }
    outcome_at_end = Case(
        When(Q(ended_on__lte=end, outcome=Outcome.ENDED_POSITIVE), then=Value(Outcome.ENDED_POSITIVE.value)),
        When(Q(ended_on__lte=end, outcome=Outcome.ENDED_NEGATIVE), then=Value(Outcome.ENDED_NEGATIVE.value)),
        default=Value(Outcome.RUNNING.value),
    )
    rows = (
        CaseFact.objects.filter(functools.reduce(operator.or_, flags.values()))
        .annotate(outcome_at_end=outcome_at_end, **annotations)
        .values(*DIMENSIONS, *annotations)
        .annotate(n=Count("id"))
        .order_by()
    )
    with _memory_to_hash_groups():
        return [{**row, **{key: row[f"f_{key}"] for key in flags}} for row in rows]


# PostgreSQL estimates the groups of ~30 keys as the product of their distinct values (96 686 at
# 100 000 facts, for 7 430 real ones), judges a hash table of that many too big for the default
# work_mem (4 MB) and sorts the period's facts on every key instead, spilling to disk: 0.95 s at
# 100 000 facts against 0.3-0.4 s for the hash (5 MB used). This read alone gets the memory.
GROUPING_WORK_MEM = "32MB"


@contextlib.contextmanager
def _memory_to_hash_groups():
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [GROUPING_WORK_MEM])
        before = cursor.fetchone()[0]
        yield
        # Back to what it was, also inside a caller's longer transaction.
        cursor.execute("SELECT set_config('work_mem', %s, true)", [before])


@dataclass
class Table:
    key: str
    title: str
    first: str
    columns: list  # [(key, label)]
    rows: dict = field(default_factory=dict)  # label -> {column: Cell}
    total: dict = field(default_factory=dict)  # column -> Cell (empty: no total row)
    note: str = ""

    @property
    def labels(self):
        return [label for _key, label in self.columns]

    @property
    def cells(self):
        for cells in self.rows.values():
            yield from cells.values()
        yield from self.total.values()

    def row_numbers(self, column):
        """(label, machine number or None) per row, for the chart beside the table."""
        return [(label, cells[column].number) for label, cells in self.rows.items()]


class _Columns:
    """The atoms as columns: a table picks its cells' atoms with masks over every atom at once, not a
    Python loop per atom per table (the space holds ~12 000 atoms at 100 000 facts, read 16 times)."""

    def __init__(self, rows, flags):
        self.n = np.fromiter(map(operator.itemgetter("n"), rows), dtype=np.int64, count=len(rows))
        self.flags = {flag: np.zeros(0, dtype=bool) for flag in flags}
        if rows and flags:
            matrix = np.array(list(map(operator.itemgetter(*flags), rows)), dtype=bool).reshape(len(rows), len(flags))
            self.flags = dict(zip(flags, matrix.T, strict=True))
        self._rows = rows

    def codes(self, dimension):
        """Each atom's value of dimension as a number, and the number of each value."""
        values = list(map(operator.itemgetter(dimension), self._rows))
        index = {value: code for code, value in enumerate(dict.fromkeys(values))}
        return np.fromiter(map(index.__getitem__, values), dtype=np.intp, count=len(values)), index

    def cell(self, mask):
        """The cell counting the atoms where mask holds."""
        members = np.flatnonzero(mask)
        return suppression.Cell(int(self.n[members].sum()), frozenset(members.tolist()))


def _table(atoms, key, title, first, columns, dimension, labels, *, total=True, note="", orphans=None):
    """A table whose rows are the values of the atoms' dimension, named by labels (a dict, in display order).

    A row is shown when a fact counts in it; an empty atom (possible.neighbours) that would count in
    a row that is not shown goes into orphans: the missing row tells the reader it is empty.
    """
    table = Table(key, str(title), str(first), [(column, str(label)) for column, label in columns], note=str(note))
    keys = [column for column, _label in columns]
    codes, index = atoms.codes(dimension)
    counted = np.logical_or.reduce([atoms.flags[column] for column in keys])
    present = np.zeros(len(index), dtype=bool)
    present[codes[counted & (atoms.n != 0)]] = True
    shown = present[codes]
    if orphans is not None:
        orphans.update(np.flatnonzero(counted & ~shown).tolist())
    for value, label in labels.items():
        if value in index and present[index[value]]:
            in_row = codes == index[value]
            table.rows[str(label)] = {column: atoms.cell(in_row & atoms.flags[column]) for column in keys}
    if total and table.rows:
        table.total = {column: atoms.cell(shown & atoms.flags[column]) for column in keys}
    return table


def names_of(rows):
    """The names of every region and organisation the atoms name: two queries for both builds (the
    empty atoms added for the audit name no other: monitoring.possible takes its values from the rows)."""
    organisations = {row[key] for row in rows for key in ("municipality_id", "corporation_id")} - {None}
    return {
        Region: dict(Region.objects.filter(pk__in={row["region_id"] for row in rows}).values_list("pk", "name")),
        Organisation: dict(Organisation.objects.filter(pk__in=organisations).values_list("pk", "name")),
    }


def _labels(names, ids):
    """The names of ids, in alphabetical order (the rows of a table)."""
    return dict(sorted(((pk, names[pk]) for pk in ids if pk in names), key=lambda item: item[1]))


def tables(rows, names=None):
    """Every table of the page, the PDF and the CSV, suppressed together."""
    return audited_tables(rows, names)[1]


def audited_tables(rows, names=None):
    """The atoms the audit reckons with (the real ones and the empty ones a reader cannot rule out,
    see monitoring.possible) and every table, suppressed together; cells count into those atoms."""
    space = [*rows, *possible.neighbours(rows, DIMENSIONS, _flag_keys(rows), FREE_DESCRIPTIONS)]
    orphans = set()
    names = names_of(rows) if names is None else names
    result = _build(space, names, orphans)
    # A combination inside a published 0 or a missing row is known to be empty: not an unknown.
    known_empty = orphans | {
        index for table in result.values() for cell in table.cells if not cell.value for index in cell.atoms
    }
    if known_empty:
        space = [row for index, row in enumerate(space) if index not in known_empty]
        result = _build(space, names)
    # The regions and every total are what the agreement reports on (SOK Art. 5.2b, 8.8): detail goes first.
    for table in result.values():
        for cell in table.total.values():
            cell.headline = True
    for cells in result["regions"].rows.values():
        for cell in cells.values():
            cell.headline = True
    cells = [cell for table in result.values() for cell in table.cells]
    suppression.protect(cells, len(space))
    return space, result


def _flag_keys(rows):
    """The steps the tables count (the other flags tell no table apart)."""
    names = set(DIMENSIONS) | {"n"}
    # The keys of each distinct shape of row (the grouped read gives one), not every key of every row.
    keys = {key for shape in set(map(tuple, rows)) for key in shape}
    return sorted({key for key in keys if key not in names and not key.startswith("f_")} - UNSHOWN)


# Every flag a table of _build counts in.
_COUNTED = [
    *dict.fromkeys([*MAIN_COLUMNS, "trajectory"]),
    *(f"waiting_{key}" for key, *_rest in WAITING_STEPS),
    *(f"lead_{number}" for number in range(len(STEPS))),
]


def _build(rows, names, orphans=None):
    atoms = _Columns(rows, _COUNTED)
    ids = lambda dimension: set(map(operator.itemgetter(dimension), rows))  # noqa: E731
    main = [(key, FIGURES[key].label) for key in MAIN_COLUMNS]
    count = _("Aantal")
    outcome_labels = {value: label for value, label in Outcome.choices if value != Outcome.OPEN}
    result = {
        "regions": _table(
            atoms,
            "regions",
            _("Per regio"),
            _("Regio"),
            main,
            "region_id",
            _labels(names[Region], ids("region_id")),
            orphans=orphans,
        ),
        "municipalities": _table(
            atoms,
            "municipalities",
            _("Per gemeente"),
            _("Gemeente"),
            main,
            "municipality_id",
            _labels(names[Organisation], ids("municipality_id")),
            orphans=orphans,
        ),
        "corporations": _table(
            atoms,
            "corporations",
            _("Per corporatie"),
            _("Corporatie"),
            [(key, FIGURES[key].label) for key in ("matched", "housed")],
            "corporation_id",
            _labels(names[Organisation], ids("corporation_id")),
            orphans=orphans,
        ),
        "not_eligible": _table(
            atoms,
            "not_eligible",
            _("Geen doelgroep, naar reden"),
            _("Reden"),
            [("not_eligible", count)],
            "ineligible_reason",
            {**INELIGIBLE_REASONS, "": _("Reden niet vastgelegd")},
            orphans=orphans,
        ),
        "age": _table(
            atoms,
            "age",
            _("Gehuisvest naar leeftijd"),
            _("Leeftijd"),
            [("housed", count)],
            "young_adult",
            {True: _("18–27 jaar"), False: _("28 jaar en ouder"), None: _("Onbekend")},
            orphans=orphans,
        ),
        "origins": _table(
            atoms,
            "origins",
            _("Waar inwoners vandaan komen (meldingen)"),
            _("Herkomst"),
            [("reports", count)],
            "origin",
            {**dict(Origin.choices), "": _("Onbekend")},
            orphans=orphans,
        ),
        "outcomes": _table(
            atoms,
            "outcomes",
            _("Uitkomsten van trajecten"),
            _("Uitkomst"),
            [("trajectory", count)],
            "outcome_at_end",
            outcome_labels,
            orphans=orphans,
        ),
        "contract_forms": _table(
            atoms,
            "contract_forms",
            _("Vraag naar contractvorm (profielen gedeeld)"),
            _("Contractvorm"),
            [("shared", count)],
            "contract_form",
            {**CONTRACT_FORMS, "": _("Niet vastgelegd")},
            orphans=orphans,
        ),
    }
    waiting = Table("waiting", str(_("Inwoners die nu wachten, per stap")), str(_("Stap")), [("n", str(count))])
    for key, label, _first, _second in WAITING_STEPS:
        waiting.rows[str(label)] = {"n": atoms.cell(atoms.flags[f"waiting_{key}"])}
    waiting.total = {
        "n": atoms.cell(np.logical_or.reduce([atoms.flags[f"waiting_{key}"] for key, *_rest in WAITING_STEPS]))
    }
    result["waiting"] = waiting
    leads = Table("lead_counts", "", "", [("n", str(count))])
    for number, (_first, _second, label) in enumerate(STEPS):
        leads.rows[str(label)] = {"n": atoms.cell(atoms.flags[f"lead_{number}"])}
    result["lead_counts"] = leads
    return result


def totals(start, end):
    """Every figure over all facts, unsuppressed: for checks (the retention purge keeps them unchanged)."""
    aggregates = {f"n_{key}": Count("id", filter=figure.in_period(start, end)) for key, figure in FIGURES.items()}
    return {key.removeprefix("n_"): value for key, value in CaseFact.objects.aggregate(**aggregates).items()}


def counts_by(dimension, start, end):
    """Every figure per value of dimension (region, municipality or corporation), unsuppressed: for tests and checks."""
    aggregates = {f"n_{key}": Count("id", filter=figure.in_period(start, end)) for key, figure in FIGURES.items()}
    rows = CaseFact.objects.values(dimension).annotate(**aggregates).order_by(dimension)
    return {
        row[dimension]: {key.removeprefix("n_"): value for key, value in row.items()}
        for row in rows
        if row[dimension] is not None
    }


def percentile(values_query, fraction):
    """A percentile computed by the database: percentile_cont on PostgreSQL, an ordered offset elsewhere."""
    if connection.vendor == "postgresql":
        sql, params = values_query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                # The inner SQL is the ORM's own query with its parameters kept separate.
                f"SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY d) FROM ({sql}) AS lead(d)",  # noqa: S608
                [fraction, *params],
            )
            value = cursor.fetchone()[0]
        return None if value is None else round(float(value), 1)
    count = values_query.count()
    if not count:
        return None
    ordered = values_query.order_by("d")
    return float(ordered.values_list("d", flat=True)[min(count - 1, int(fraction * (count - 1) + 0.5))])


def count_median_p90(values_query):
    """Count, median and 90th percentile of a one-column query: one query on PostgreSQL."""
    if connection.vendor != "postgresql":
        return values_query.count(), percentile(values_query, 0.5), percentile(values_query, 0.9)
    sql, params = values_query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # The inner SQL is the ORM's own query with its parameters kept separate.
            "SELECT count(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY d),"  # noqa: S608
            f" percentile_cont(0.9) WITHIN GROUP (ORDER BY d) FROM ({sql}) AS lead(d)",
            params,
        )
        count, median, p90 = cursor.fetchone()
    return count, *(None if value is None else round(float(value), 1) for value in (median, p90))


def lead_times(start, end):
    """Count, median and 90th percentile of the days between steps, for steps reached in the period.

    On PostgreSQL one read of the facts for the four steps (a fact is in a step's column only when
    it counts for that step; the aggregates skip the NULLs), not one scan of the table per step.
    """
    if connection.vendor != "postgresql":
        result = []
        for first, second, label in STEPS:
            count, median, p90 = count_median_p90(_durations(first, second, start, end))
            result.append({"label": label, "count": count, "median": median, "p90": p90})
        return result
    days = {
        f"d{number}": Case(When(_lead(first, second, start, end), then=_days(first, second)), default=None)
        for number, (first, second, _label) in enumerate(STEPS)
    }
    durations = (
        CaseFact.objects.filter(
            functools.reduce(operator.or_, (_lead(first, second, start, end) for first, second, _label in STEPS))
        )
        .annotate(**days)
        .values(*days)
    )
    sql, params = durations.query.sql_with_params()
    columns = ", ".join(
        f"count({name}), percentile_cont(0.5) WITHIN GROUP (ORDER BY {name}),"
        f" percentile_cont(0.9) WITHIN GROUP (ORDER BY {name})"
        for name in days
    )
    with connection.cursor() as cursor:
        # The inner SQL is the ORM's own query with its parameters kept separate; the names are d0..d3.
        cursor.execute(f"SELECT {columns} FROM ({sql}) AS lead", params)  # noqa: S608
        values = cursor.fetchone()
    result = []
    for number, (_first, _second, label) in enumerate(STEPS):
        count, median, p90 = values[3 * number : 3 * number + 3]
        median, p90 = (None if value is None else round(float(value), 1) for value in (median, p90))
        result.append({"label": label, "count": count, "median": median, "p90": p90})
    return result


def _durations(first, second, start, end):
    return CaseFact.objects.filter(_lead(first, second, start, end)).annotate(d=_days(first, second)).values("d")


def _days(first, second):
    if connection.vendor == "postgresql":
        # date - date is a whole number of days in PostgreSQL (Django would turn it into an interval).
        return Func(F(second), F(first), template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())
    day = lambda name: Func(F(name), function="julianday", output_field=FloatField())  # noqa: E731
    return Cast(day(second) - day(first), IntegerField())


def regions():
    """Every region with its annual target, by name (the rows of the target chart)."""
    return list(Region.objects.order_by("name"))


def housed_against_target(start, end, regions_table, all_regions=None):
    """Homes housed per region (the suppressed cell of the region table) against the pro-rata annual target."""
    days = (end - start).days + 1
    result = []
    for region in regions() if all_regions is None else all_regions:
        cells = regions_table.rows.get(region.name)
        housed = cells["housed"] if cells else suppression.Cell(0)
        result.append(
            {"region": region, "housed": housed, "target": round(region.annual_housing_target * days / 365, 1)}
        )
    return result
