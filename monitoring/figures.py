"""The werkgroep's figures: aggregate queries over the anonymous facts, and small-number suppression.

Every number comes from COUNT/percentile queries in the database, never from a loop over cases.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db import connection
from django.db.models import Count, F, FloatField, Func, IntegerField, Q
from django.db.models.functions import Cast

from woonkans.parties.models import Region

from .models import CaseFact

SUPPRESS_BELOW = 5
STEPS = [
    ("reported_on", "submitted_on", "Melding → aanmelding"),
    ("submitted_on", "shared_on", "Aanmelding → profiel gedeeld"),
    ("shared_on", "matched_on", "Profiel gedeeld → match"),
    ("matched_on", "housed_on", "Match → gehuisvest"),
]


def half_year(today):
    start = date(today.year, 1 if today.month <= 6 else 7, 1)
    end = date(today.year, 6, 30) if today.month <= 6 else date(today.year, 12, 31)
    return start, end


def _between(field_name, start, end):
    return Q(**{f"{field_name}__gte": start, f"{field_name}__lte": end})


COUNTS = {
    "reports": ("reported_on", Q()),
    "referrals": ("submitted_on", Q()),
    "eligible": ("submitted_on", Q(eligible=True)),
    "not_eligible": ("submitted_on", Q(eligible=False)),
    "exceptions": ("reported_on", Q(exception_requested=True)),
    "exceptions_granted": ("reported_on", Q(exception_granted=True)),
    "shared": ("shared_on", Q()),
    "matched": ("matched_on", Q()),
    "housed": ("housed_on", Q()),
    "young_adults_housed": ("housed_on", Q(young_adult=True)),
}


def _count_aggregates(start, end):
    # Aliases are prefixed: a few names (eligible) are also fields of the facts table.
    return {
        f"n_{name}": Count("id", filter=_between(date_field, start, end) & condition)
        for name, (date_field, condition) in COUNTS.items()
    }


def _unprefix(row):
    return {key.removeprefix("n_"): value for key, value in row.items()}


def counts_by(dimension, start, end):
    """One query: every count per value of dimension (region, municipality or corporation)."""
    rows = CaseFact.objects.values(dimension).annotate(**_count_aggregates(start, end)).order_by(dimension)
    return {row[dimension]: _unprefix(row) for row in rows if row[dimension] is not None}


def counts_by_dimensions(start, end, dimensions=("region", "municipality", "corporation")):
    """counts_by for several dimensions from one scan: grouped by all of them in the database, the few
    hundred groups (not cases) summed per dimension here. Counts add up, so the result is the same."""
    result = {dimension: {} for dimension in dimensions}
    rows = CaseFact.objects.values(*dimensions).annotate(**_count_aggregates(start, end)).order_by()
    for row in rows:
        for dimension in dimensions:
            key = row[dimension]
            if key is None:
                continue
            summed = result[dimension].setdefault(key, {dimension: key, **dict.fromkeys(COUNTS, 0)})
            for name in COUNTS:
                summed[name] += row[f"n_{name}"]
    return result


def totals(start, end, *, region_counts=None):
    """Every count over all facts; from counts_by("region") without another scan when given (region is required)."""
    if region_counts is not None:
        return {name: sum(row[name] for row in region_counts.values()) for name in COUNTS}
    return _unprefix(CaseFact.objects.aggregate(**_count_aggregates(start, end)))


def distribution(dimension, date_field, start, end):
    rows = (
        CaseFact.objects.filter(_between(date_field, start, end))
        .values(dimension)
        .annotate(n=Count("id"))
        .order_by(dimension)
    )
    return {row[dimension]: row["n"] for row in rows}


def outcomes(start, end):
    """Trajectories housed up to the end of the period, by how they stand."""
    rows = (
        CaseFact.objects.filter(housed_on__lte=end)
        .exclude(ended_on__lt=start)
        .values("outcome")
        .annotate(n=Count("id"))
    )
    return {row["outcome"]: row["n"] for row in rows}


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
    """Median and 90th percentile of the days between steps, for steps reached in the period."""
    result = []
    for first, second, label in STEPS:
        durations = (
            CaseFact.objects.filter(_between(second, start, end), **{f"{first}__isnull": False})
            .annotate(d=_days(first, second))
            .values("d")
        )
        count, median, p90 = count_median_p90(durations)
        result.append({"label": label, "count": count, "median": median, "p90": p90})
    return result


def _days(first, second):
    if connection.vendor == "postgresql":
        # date - date is a whole number of days in PostgreSQL (Django would turn it into an interval).
        return Func(F(second), F(first), template="(%(expressions)s)", arg_joiner=" - ", output_field=IntegerField())
    day = lambda name: Func(F(name), function="julianday", output_field=FloatField())  # noqa: E731
    return Cast(day(second) - day(first), IntegerField())


@dataclass
class Cell:
    value: int
    suppressed: bool = False

    def __str__(self):
        return "<5" if self.suppressed else str(self.value)


@dataclass
class SuppressedTable:
    rows: dict = field(default_factory=dict)  # key -> {column: Cell}
    total: dict = field(default_factory=dict)  # column -> Cell


def suppress(rows, columns):
    """Hide cells under 5, and one more per column where needed so the total cannot give a hidden cell away."""
    table = SuppressedTable(
        rows={key: {column: Cell(values.get(column, 0)) for column in columns} for key, values in rows.items()},
    )
    for column in columns:
        cells = [row[column] for row in table.rows.values()]
        for cell in cells:
            cell.suppressed = 0 < cell.value < SUPPRESS_BELOW
        hidden = [cell for cell in cells if cell.suppressed]
        if len(hidden) == 1:
            # A single hidden cell can be computed back from the total: hide the next smallest as well.
            candidates = sorted(
                (cell for cell in cells if not cell.suppressed and cell.value > 0), key=lambda cell: cell.value
            )
            if candidates:
                candidates[0].suppressed = True
        total = sum(cell.value for cell in cells)
        table.total[column] = Cell(total, suppressed=0 < total < SUPPRESS_BELOW)
    return table


def housed_against_target(start, end, *, region_counts=None):
    """Homes housed per region against the pro-rata target; region_counts saves a second scan when known."""
    days = (end - start).days + 1
    if region_counts is None:
        region_counts = counts_by("region", start, end)
    housed = {row["region"]: row["housed"] for row in region_counts.values()}
    return [
        {
            "region": region,
            "housed": housed.get(region.pk, 0),
            "target": round(region.annual_housing_target * days / 365, 1),
        }
        for region in Region.objects.order_by("name")
    ]
