"""The figures of a period, computed once per version of the facts and kept in the database.

Computing them (the grouped scan, the small-number audit over every atom, the lead times, the
charts) grows with the variety of the facts: seconds at 10 000 cases. What it reads changes only when
a fact (or a name or target shown with it) is written, and a database trigger counts every such
write in ``FactsVersion`` (migration 0005). So the figures are stored with the version they were
computed from: a view reads one row, and recomputes (and stores) only when the version moved on or a
new day changed what "now" means. After a case changes, ``monitoring.tasks.refresh_figures``
recomputes the current half year once, so the next view finds it ready. A reader can never see a
figure of an older version of the facts: a stored row of another version is never shown.

The page, the half-yearly PDF and the CSV all read their figures here (monitoring.report.build_context).
"""

import hashlib
import operator
import pickle

from django.db import connection
from django.db.models import Count, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import charts, definitions, figures, suppression
from .models import CaseFactSearchArea, FactsVersion, FigureSnapshot

# Raised when the stored shape changes, so a row written by older code is recomputed, not unpickled.
SCHEMA = 2


def _as_of(end):
    return min(end, timezone.localdate())


def compute(start, end, *, previous=None):
    """Everything the page shows that follows from the facts: suppressed tables, targets, lead times, charts.

    The audit (suppressed tables, targets, charts) is a function of the period's atoms and of the
    names and targets shown with them, and costs seconds at 100 000 cases; the atoms cost one grouped
    read. So the result carries a digest of what the audit read, and a recomputation whose inputs
    digest the same (``previous``: this period's stored result, of an older version of the facts)
    takes the audit over instead of redoing it. A change elsewhere (today's cases, for a past half
    year) then costs the reads alone; a change the period's atoms show is audited again. The lead
    times and the search areas are read each time.
    """
    rows = figures.atoms(start, end)
    names = figures.names_of(rows)
    regions = figures.regions()
    digest = _digest(rows, names, regions)
    if previous is not None and previous.get("digest") == digest:
        audited = {key: previous[key] for key in ("tables", "target", "charts")}
    else:
        audited = _audit(start, end, rows, names, regions)
    lead_times = figures.lead_times(start, end)
    for row, cells in zip(lead_times, audited["tables"]["lead_counts"].rows.values(), strict=True):
        row["cell"] = cells["n"]
    for row in lead_times:
        row["label"] = str(row["label"])
    return {**audited, "lead_times": lead_times, "search_areas": search_area_demand(start, end), "digest": digest}


def _digest(rows, names, regions):
    """The atoms (in any order: the grouped read has none), the names and the targets the audit reads."""
    columns = list(rows[0]) if rows else []
    values = operator.itemgetter(*columns) if columns else None
    content = [
        columns,
        "\n".join(sorted(map(repr, map(values, rows)))) if rows else "",
        sorted((model.__name__, sorted(named.items())) for model, named in names.items()),
        [(region.pk, region.name, region.annual_housing_target) for region in regions],
    ]
    return hashlib.sha256(repr(content).encode()).hexdigest()


def _audit(start, end, rows, names, regions):
    shown = figures.tables(rows, names)
    for table in shown.values():
        for cell in table.cells:
            # The audit is done: which atoms a cell counts is no longer needed (and would be most of the row).
            cell.atoms = frozenset()
    target = figures.housed_against_target(start, end, shown["regions"], regions)
    chart = {
        "target": charts.housed_against_target(
            target,
            title=str(_("Gehuisvest tegenover de doelstelling, per regio")),
            housed_label=str(_("Gehuisvest")),
            target_label=str(_("Doelstelling naar rato")),
        ),
        "outcomes": charts.bars(
            shown["outcomes"].row_numbers("trajectory"),
            title=str(_("Uitkomsten van trajecten")),
            axis_label=str(_("Aantal trajecten")),
        ),
        "waiting": charts.bars(
            shown["waiting"].row_numbers("n"),
            title=str(_("Inwoners die nu wachten, per stap")),
            axis_label=str(_("Aantal inwoners")),
        ),
    }
    return {"tables": shown, "target": target, "charts": {key: str(svg) for key, svg in chart.items()}}


def search_area_demand(start, end):
    """Profiles shared in the period per municipality of their search area (one profile may name several).

    No total: the rows overlap, so they add up to nothing published, and each cell under 5 is hidden.
    """
    rows = (
        CaseFactSearchArea.objects.filter(**{f"fact__{definitions.FIGURES['shared'].date_field}__range": (start, end)})
        .values("municipality__name")
        .annotate(n=Count("fact_id"))
        .order_by("municipality__name")
    )
    result = []
    for row in rows:
        cell = suppression.Cell(row["n"])
        cell.state = suppression.PRIMARY if 0 < cell.value < suppression.SUPPRESS_BELOW else ""
        result.append((row["municipality__name"], cell))
    return result


def _store(start, end, language, version, as_of, result):
    if version is None:
        return
    payload = pickle.dumps((SCHEMA, result), protocol=pickle.HIGHEST_PROTOCOL)
    ops = connection.ops
    with connection.cursor() as cursor:
        # One statement: insert, or replace figures of an older version (never those of a newer one,
        # written by a run that started later and finished first).
        cursor.execute(
            "INSERT INTO monitoring_figuresnapshot"
            " (period_start, period_end, language, version, as_of, payload, computed_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (period_start, period_end, language) DO UPDATE SET version = excluded.version,"
            " as_of = excluded.as_of, payload = excluded.payload, computed_at = excluded.computed_at"
            " WHERE monitoring_figuresnapshot.version <= excluded.version",
            [
                ops.adapt_datefield_value(start),
                ops.adapt_datefield_value(end),
                language,
                version,
                ops.adapt_datefield_value(as_of),
                payload,
                ops.adapt_datetimefield_value(timezone.now()),
            ],
        )


def _read(start, end):
    """The current version with the stored row's version, day and payload (also when behind: its
    audit may still hold, see compute): one query. None before the first write to the facts (no version row)."""
    stored = FigureSnapshot.objects.filter(period_start=start, period_end=end, language=get_language())
    fields = {"stored": "version", "as_of": "as_of", "payload": "payload"}
    return (
        FactsVersion.objects.filter(pk=1)
        .annotate(**{name: Subquery(stored.values(field)[:1]) for name, field in fields.items()})
        .values("version", *fields)
        .first()
    )


def _current(read, end):
    return read["stored"] == read["version"] and read["as_of"] == _as_of(end)


def _load(payload):
    try:
        schema, result = pickle.loads(bytes(payload))  # noqa: S301 - written by compute() above, never by a user
    except Exception:  # noqa: BLE001 - a row from older code: recompute
        return None
    return result if schema == SCHEMA else None


def refresh(start, end, *, version, previous=None):
    """Compute and store the period's figures for the current language; returns them.

    version is the facts' version read before the facts: a write during the computation leaves
    the stored row behind, so the next read recomputes rather than show a figure older than its version.
    previous is the period's stored result (see compute: its audit is taken over when still valid).
    """
    result = compute(start, end, previous=previous)
    _store(start, end, get_language(), version, _as_of(end), result)
    return result


def figures_for(start, end):
    """The period's figures: the stored ones when they are of the current facts and day, else computed now."""
    read = _read(start, end)
    if read is None:
        return compute(start, end)
    stored = None if read["payload"] is None else _load(read["payload"])
    if _current(read, end) and stored is not None:
        return stored
    return refresh(start, end, version=read["version"], previous=stored)


def refresh_if_read(start, end):
    """After a fact changed: recompute the period when someone has read it and it is behind (else nothing)."""
    read = _read(start, end)
    if read is None or read["stored"] is None or _current(read, end):
        return False
    refresh(start, end, version=read["version"], previous=_load(read["payload"]))
    return True
