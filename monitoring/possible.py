"""The combinations a reader cannot rule out: what the suppression audit assumes an attacker knows.

The facts of a period come in atoms (figures.atoms: groups no table tells apart). An attacker who
holds the page knows a combination is empty only where the page says so: a published 0, or a row
that is missing from a table. Any other combination that could occur may hold facts as far as the
reader can tell, so the audit must count it as an unknown too; otherwise it protects against an
attacker who knows every empty combination is empty, which over a long period hides nearly all.

We add the neighbours of the real atoms: the same steps in the period, with one description changed
(another municipality, corporation, origin, age group, reason, contract form or outcome). Adding a
subset of the possible combinations keeps the audit safe (it assumes the reader knows more than
they do); figures.audited_tables drops every neighbour that would fall into a published 0 or a
missing row. What is possible is taken from the period's own facts, so no structural rule is
invented: a corporation is only moved to a municipality where it housed or matched in the period,
a case without a corporation keeps none, an outcome changes only for a trajectory.
"""


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
