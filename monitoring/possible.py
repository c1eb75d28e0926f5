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

import operator


def neighbours(rows, dimensions, flags, free):
    """Empty atoms one description away from a real one, each once, none equal to a real atom.

    free maps a description that may change to the step that makes it count: an origin only counts
    for a report in the period, so changing it on any other atom changes nothing a reader sees.
    figures.audited_tables drops a neighbour that lands in a missing row or a published 0.
    """
    real = [row for row in rows if row["n"]]
    key_of = operator.itemgetter(*dimensions, *flags)
    seen = set(map(key_of, real))
    values = {name: sorted({row[name] for row in real}, key=repr) for name in dimensions}
    region_of = {row["municipality_id"]: row["region_id"] for row in real}
    pairs = {(row["municipality_id"], row["corporation_id"]) for row in real}
    result = []
    position = {name: index for index, name in enumerate(dimensions)}
    # A candidate's key is its row's key with one value put in (two for a municipality, whose region
    # follows): most candidates are seen already, so the key is checked before the row is copied.
    municipality, region = position["municipality_id"], position["region_id"]
    first, second = sorted((municipality, region))

    for row in real:
        key = key_of(row)
        for name, step in free.items():
            if not row[step]:
                continue
            at, current = position[name], row[name]
            head, tail = key[:at], key[at + 1 :]
            for value in values[name]:
                if value != current:
                    candidate = (*head, value, *tail)
                    if candidate not in seen:
                        seen.add(candidate)
                        result.append({**row, name: value, "n": 0})
        corporation = row["corporation_id"]
        for other in values["municipality_id"]:
            if other != row["municipality_id"] and (corporation is None or (other, corporation) in pairs):
                put = {municipality: other, region: region_of[other]}
                candidate = (*key[:first], put[first], *key[first + 1 : second], put[second], *key[second + 1 :])
                if candidate not in seen:
                    seen.add(candidate)
                    result.append({**row, "municipality_id": other, "region_id": region_of[other], "n": 0})
        if corporation is not None and (row["matched"] or row["housed"]):
            at = position["corporation_id"]
            head, tail = key[:at], key[at + 1 :]
            for other in values["corporation_id"]:
                if other not in (None, corporation) and (row["municipality_id"], other) in pairs:
                    candidate = (*head, other, *tail)
                    if candidate not in seen:
                        seen.add(candidate)
                        result.append({**row, "corporation_id": other, "n": 0})
    return result
