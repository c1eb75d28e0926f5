"""The small-number audit as it was before it worked on columns (monitoring.figures, monitoring.possible
and monitoring.suppression at 1513402, a Python loop per atom per table): the oracle the faster code
must agree with, cell for cell. Test code only: the portal computes every figure one way."""

from unittest import mock

import numpy as np
from django.utils.translation import gettext_lazy as _

from monitoring import figures, suppression
from monitoring.definitions import CONTRACT_FORMS, FIGURES, INELIGIBLE_REASONS, WAITING_STEPS
from monitoring.models import Outcome
from woonkans.choices import Origin
from woonkans.parties.models import Organisation, Region


def _key(row, dimensions, flags):
    return tuple(row[name] for name in dimensions) + tuple(row[name] for name in flags)


def neighbours(rows, dimensions, flags, free):
    """Empty atoms one description away from a real one, each once, none equal to a real atom.

    free maps a description that may change to the step that makes it count: an origin only counts
    for a report in the period, so changing it on any other atom changes nothing a reader sees.
    figures.audited_tables drops a neighbour that lands in a missing row or a published 0.
    """
    real = [row for row in rows if row["n"]]
    seen = {_key(row, dimensions, flags) for row in real}
    values = {name: sorted({row[name] for row in real}, key=repr) for name in dimensions}
    region_of = {row["municipality_id"]: row["region_id"] for row in real}
    pairs = {(row["municipality_id"], row["corporation_id"]) for row in real}
    result = []
    position = {name: index for index, name in enumerate(dimensions)}
    base = []  # the key of the row add() is called for: a candidate's key is it with the changes put in

    def add(row, **changes):
        # Most candidates are seen already: their key is checked before the row is copied.
        key = base.copy()
        for name, value in changes.items():
            key[position[name]] = value
        key = tuple(key)
        if key not in seen:
            seen.add(key)
            result.append({**row, **changes, "n": 0})

    for row in real:
        base[:] = _key(row, dimensions, flags)
        for name, step in free.items():
            for value in values[name] if row[step] else ():
                if value != row[name]:
                    add(row, **{name: value})
        for municipality in values["municipality_id"]:
            if municipality != row["municipality_id"] and (
                row["corporation_id"] is None or (municipality, row["corporation_id"]) in pairs
            ):
                add(row, municipality_id=municipality, region_id=region_of[municipality])
        if row["corporation_id"] is not None and (row["matched"] or row["housed"]):
            for corporation in values["corporation_id"]:
                if corporation not in (None, row["corporation_id"]) and (row["municipality_id"], corporation) in pairs:
                    add(row, corporation_id=corporation)
    return result


def _incidence(cells, size):
    """Cells x atoms, with atoms that every cell treats alike merged into one column (they are one
    unknown to any reader) and atoms in no cell left out: a smaller matrix, the same span."""
    signatures = [[] for _atom in range(size)]
    for row, cell in enumerate(cells):
        for atom in cell.atoms:
            signatures[atom].append(row)
    columns = list({tuple(signature) for signature in signatures if signature})
    matrix = np.zeros((len(cells), len(columns)))
    for column, signature in enumerate(columns):
        matrix[list(signature), column] = 1.0
    return matrix


def _cell(rows, members):
    return suppression.Cell(sum(rows[index]["n"] for index in members), frozenset(members))


def _table(rows, key, title, first, columns, row_of, labels, *, total=True, note="", orphans=None):
    """A table whose rows are the values of row_of(atom), named by labels (a dict, in display order).

    A row is shown when a fact counts in it; an empty atom (possible.neighbours) that would count in
    a row that is not shown goes into orphans: the missing row tells the reader it is empty.
    """
    table = figures.Table(
        key, str(title), str(first), [(column, str(label)) for column, label in columns], note=str(note)
    )
    keys = [column for column, _label in columns]
    present = {row_of(row) for row in rows if row["n"] and any(row[column] for column in keys)}
    members = {(value, column): [] for value in labels if value in present for column in keys}
    in_total = {column: [] for column in keys}
    for index, row in enumerate(rows):
        value = row_of(row)
        for column in keys:
            if not row[column]:
                continue
            if value not in present:
                if orphans is not None:
                    orphans.add(index)
                continue
            in_total[column].append(index)
            if (value, column) in members:
                members[value, column].append(index)
    for value, label in labels.items():
        if value in present:
            table.rows[str(label)] = {column: _cell(rows, members[value, column]) for column in keys}
    if total and table.rows:
        table.total = {column: _cell(rows, in_total[column]) for column in keys}
    return table


def audited_tables(rows, names=None):
    """monitoring.figures.audited_tables as it was: the atoms the audit reckons with and every table,
    suppressed together (suppression.protect with the incidence matrix built as it was)."""
    space = [*rows, *neighbours(rows, figures.DIMENSIONS, _flag_keys(rows), figures.FREE_DESCRIPTIONS)]
    orphans = set()
    names = figures.names_of(rows) if names is None else names
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
    with mock.patch.object(suppression, "_incidence", _incidence):
        suppression.protect(cells, len(space))
    return space, result


def _flag_keys(rows):
    """The steps the tables count (the other flags tell no table apart)."""
    names = set(figures.DIMENSIONS) | {"n"}
    return sorted(
        {key for row in rows for key in row if key not in names and not key.startswith("f_")} - figures.UNSHOWN
    )


def _build(rows, names, orphans=None):
    main = [(key, FIGURES[key].label) for key in figures.MAIN_COLUMNS]
    count = _("Aantal")
    outcome_labels = {value: label for value, label in Outcome.choices if value != Outcome.OPEN}
    result = {
        "regions": _table(
            rows,
            "regions",
            _("Per regio"),
            _("Regio"),
            main,
            lambda r: r["region_id"],
            figures._labels(names[Region], {r["region_id"] for r in rows}),
            orphans=orphans,
        ),
        "municipalities": _table(
            rows,
            "municipalities",
            _("Per gemeente"),
            _("Gemeente"),
            main,
            lambda r: r["municipality_id"],
            figures._labels(names[Organisation], {r["municipality_id"] for r in rows}),
            orphans=orphans,
        ),
        "corporations": _table(
            rows,
            "corporations",
            _("Per corporatie"),
            _("Corporatie"),
            [(key, FIGURES[key].label) for key in ("matched", "housed")],
            lambda r: r["corporation_id"],
            figures._labels(names[Organisation], {r["corporation_id"] for r in rows}),
            orphans=orphans,
        ),
        "not_eligible": _table(
            rows,
            "not_eligible",
            _("Geen doelgroep, naar reden"),
            _("Reden"),
            [("not_eligible", count)],
            lambda r: r["ineligible_reason"],
            {**INELIGIBLE_REASONS, "": _("Reden niet vastgelegd")},
            orphans=orphans,
        ),
        "age": _table(
            rows,
            "age",
            _("Gehuisvest naar leeftijd"),
            _("Leeftijd"),
            [("housed", count)],
            lambda r: r["young_adult"],
            {True: _("18–27 jaar"), False: _("28 jaar en ouder"), None: _("Onbekend")},
            orphans=orphans,
        ),
        "origins": _table(
            rows,
            "origins",
            _("Waar inwoners vandaan komen (meldingen)"),
            _("Herkomst"),
            [("reports", count)],
            lambda r: r["origin"],
            {**dict(Origin.choices), "": _("Onbekend")},
            orphans=orphans,
        ),
        "outcomes": _table(
            rows,
            "outcomes",
            _("Uitkomsten van trajecten"),
            _("Uitkomst"),
            [("trajectory", count)],
            lambda r: r["outcome_at_end"],
            outcome_labels,
            orphans=orphans,
        ),
        "contract_forms": _table(
            rows,
            "contract_forms",
            _("Vraag naar contractvorm (profielen gedeeld)"),
            _("Contractvorm"),
            [("shared", count)],
            lambda r: r["contract_form"],
            {**CONTRACT_FORMS, "": _("Niet vastgelegd")},
            orphans=orphans,
        ),
    }
    waiting = figures.Table("waiting", str(_("Inwoners die nu wachten, per stap")), str(_("Stap")), [("n", str(count))])
    for key, label, _first, _second in WAITING_STEPS:
        waiting.rows[str(label)] = {"n": _cell(rows, _where(rows, lambda row, key=key: row[f"waiting_{key}"]))}
    waiting.total = {
        "n": _cell(rows, _where(rows, lambda row: any(row[f"waiting_{key}"] for key, *_rest in WAITING_STEPS)))
    }
    result["waiting"] = waiting
    leads = figures.Table("lead_counts", "", "", [("n", str(count))])
    for number, (_first, _second, label) in enumerate(figures.STEPS):
        leads.rows[str(label)] = {"n": _cell(rows, _where(rows, lambda row, number=number: row[f"lead_{number}"]))}
    result["lead_counts"] = leads
    return result


def _where(rows, predicate):
    return [index for index, row in enumerate(rows) if predicate(row)]
