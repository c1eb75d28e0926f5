"""The portal's WSGI application wrapped for measurements: only `make bench` serves this module.

Each response carries two extra headers, added here and nowhere else:
- X-Bench-Queries: the database queries the request ran (counted with connection.execute_wrapper);
- X-Bench-Time-Ms: the server time from the moment the request reached Django until the response
  headers were ready (middleware, view, template rendering and the session save included).
The same wrapper times every query. With BENCH_SLOW_DIR set, each worker keeps the slowest
executions of each distinct SELECT (the SQL with its parameters bound, and the page that ran it)
in <dir>/<pid>.json, from which `make bench` EXPLAINs the three slowest. Normal runs serve
woonkans.wsgi, which knows nothing about this.
"""

import json
import os
import re
import statistics
import time
from pathlib import Path

from django.db import connections

from woonkans.wsgi import application as portal_application

SLOW_DIR = os.environ.get("BENCH_SLOW_DIR")
KEEP = 40  # distinct statements a worker keeps, by their slowest execution
SAMPLES = 50  # durations kept per statement (for its median)
NUMBERS = re.compile(r"\b\d+\b|'[^']*'")


class QueryCounter:
    def __init__(self, slow, path):
        self.count = 0
        self.slow = slow
        self.path = path

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        if self.slow is None:
            return execute(sql, params, many, context)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.slow.record(sql, params, many, (time.perf_counter() - started) * 1000, self.path, context)


class SlowQueries:
    """Per worker: {statement shape: durations, the slowest execution's bound SQL and page}."""

    def __init__(self, directory):
        self.path = Path(directory) / f"{os.getpid()}.json"
        self.statements = {}
        self.changed = False
        self.flushed = 0.0

    def record(self, sql, params, many, millis, page, context):
        if many or not sql.lstrip().upper().startswith(("SELECT", "WITH")):
            return
        shape = NUMBERS.sub("?", sql)
        entry = self.statements.get(shape)
        if entry is None:
            if len(self.statements) >= KEEP and millis <= min(e["max_ms"] for e in self.statements.values()):
                return
            entry = self.statements[shape] = {"durations": [], "max_ms": 0.0}
        entry["durations"] = (entry["durations"] + [round(millis, 2)])[-SAMPLES:]
        if millis > entry["max_ms"]:
            entry.update(max_ms=round(millis, 2), page=page, sql=self.bound(sql, params, context))
        self.changed = True
        if len(self.statements) > KEEP:
            del self.statements[min(self.statements, key=lambda key: self.statements[key]["max_ms"])]

    @staticmethod
    def bound(sql, params, context):
        try:
            return context["connection"].ops.compose_sql(sql, params)
        except Exception:  # noqa: BLE001 -- a statement that cannot be bound is simply not explained
            return None

    def flush(self):
        if not self.changed or time.monotonic() - self.flushed < 2:
            return  # at most every 2 s: the file is read once, after the measurements
        self.changed, self.flushed = False, time.monotonic()
        rows = [
            {
                "shape": shape,
                "median_ms": statistics.median(entry["durations"]),
                "runs": len(entry["durations"]),
                **entry,
            }
            for shape, entry in self.statements.items()
            if entry.get("sql")
        ]
        for row in rows:
            del row["durations"]
        self.path.write_text(json.dumps(rows))


SLOW = SlowQueries(SLOW_DIR) if SLOW_DIR else None


def application(environ, start_response):
    counter = QueryCounter(SLOW, environ.get("PATH_INFO", ""))
    started = time.perf_counter()

    def measured_start_response(status, headers, exc_info=None):
        elapsed_ms = (time.perf_counter() - started) * 1000
        headers = [*headers, ("X-Bench-Queries", str(counter.count)), ("X-Bench-Time-Ms", f"{elapsed_ms:.2f}")]
        return start_response(status, headers, exc_info)

    with connections["default"].execute_wrapper(counter):
        response = portal_application(environ, measured_start_response)
    if SLOW is not None:
        SLOW.flush()
    return response
