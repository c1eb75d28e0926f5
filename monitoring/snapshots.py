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

import pickle

from django.db import IntegrityError, transaction
from django.db.models import Count, Subquery
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from . import charts, definitions, figures, suppression
from .models import CaseFactSearchArea, FactsVersion, FigureSnapshot

# Raised when the stored shape changes, so a row written by older code is recomputed, not unpickled.
SCHEMA = 1


def _as_of(end):
    return min(end, timezone.localdate())


def current_version():
    """The facts' version; None before the first write (then nothing is stored or reused)."""
    return FactsVersion.objects.values_list("version", flat=True).first()


def compute(start, end):
    """Everything the page shows that follows from the facts: suppressed tables, targets, lead times, charts."""
    shown = figures.tables(figures.atoms(start, end))
    for table in shown.values():
        for cell in table.cells:
            # The audit is done: which atoms a cell counts is no longer needed (and would be most of the row).
            cell.atoms = frozenset()
    target = figures.housed_against_target(start, end, shown["regions"])
    lead_times = figures.lead_times(start, end)
    for row, cells in zip(lead_times, shown["lead_counts"].rows.values(), strict=True):
        row["cell"] = cells["n"]
    for row in lead_times:
        row["label"] = str(row["label"])
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
    return {
        "tables": shown,
        "target": target,
        "lead_times": lead_times,
        "search_areas": search_area_demand(start, end),
        "charts": {key: str(svg) for key, svg in chart.items()},
    }


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
    values = {"version": version, "as_of": as_of, "payload": payload}
    key = {"period_start": start, "period_end": end, "language": language}
    # Never overwrite figures of a newer version (a slower run that started earlier).
    if FigureSnapshot.objects.filter(**key, version__lte=version).update(**values):
        return
    try:
        with transaction.atomic():
            FigureSnapshot.objects.create(**key, **values)
    except IntegrityError:
        pass  # another run stored this period first; the version check decides on the next read


def _load(payload):
    try:
        schema, result = pickle.loads(bytes(payload))  # noqa: S301 - written by compute() above, never by a user
    except Exception:  # noqa: BLE001 - a row from older code: recompute
        return None
    return result if schema == SCHEMA else None


def refresh(start, end, *, version=None):
    """Compute and store the period's figures for the current language; returns them."""
    version = current_version() if version is None else version
    # The version is read before the facts: a write during the computation leaves this row behind,
    # so the next read recomputes rather than show a figure older than its version says.
    result = compute(start, end)
    _store(start, end, get_language(), version, _as_of(end), result)
    return result


def figures_for(start, end):
    """The period's figures: the stored ones when they are of the current facts and day, else computed now."""
    stored = (
        FigureSnapshot.objects.filter(period_start=start, period_end=end, language=get_language())
        # The current version in the same query: one query on a view after no change.
        .annotate(current=Subquery(FactsVersion.objects.values("version")[:1]))
        .values("version", "current", "as_of", "payload")
        .first()
    )
    if stored is None:
        return refresh(start, end)
    if stored["current"] is not None and stored["version"] == stored["current"] and stored["as_of"] == _as_of(end):
        result = _load(stored["payload"])
        if result is not None:
            return result
    return refresh(start, end, version=stored["current"])


def refresh_if_read(start, end):
    """After a fact changed: recompute the period when someone has read it and it is behind (else nothing)."""
    stored = (
        FigureSnapshot.objects.filter(period_start=start, period_end=end, language=get_language())
        .values("version", "as_of")
        .first()
    )
    if stored is None:
        return False
    current = current_version()
    if current is not None and stored["version"] == current and stored["as_of"] == _as_of(end):
        return False
    refresh(start, end, version=current)
    return True
