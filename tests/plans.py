"""A captured query explained as PostgreSQL plans it for a large table.

On the tests' small tables a full scan or a sort is always the cheapest plan, so a test that wants to
know whether a page *can* walk an index prices those out first (SET LOCAL, inside the test's
transaction, reset afterwards) and then looks at the plan's nodes.
"""

import json

from django.db import connection

LARGE_TABLE = ("enable_seqscan", "enable_sort")


def explain(sql, *, priced_out=LARGE_TABLE, analyze=False):
    """The plan's top node (EXPLAIN FORMAT JSON) with the given planner methods priced out."""
    with connection.cursor() as cursor:
        for setting in priced_out:
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(("EXPLAIN (ANALYZE, FORMAT JSON) " if analyze else "EXPLAIN (FORMAT JSON) ") + sql)
        plan = cursor.fetchone()[0]
        for setting in priced_out:
            cursor.execute(f"RESET {setting}")
    return (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]


def nodes(node):
    """Every node of the plan tree, the top one first."""
    yield node
    for child in node.get("Plans", ()):
        yield from nodes(child)


def index_names(node):
    return {each["Index Name"] for each in nodes(node) if "Index Name" in each}


def sorts(node):
    return [each for each in nodes(node) if each["Node Type"] in ("Sort", "Incremental Sort")]
