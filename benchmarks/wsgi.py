"""The portal's WSGI application wrapped for measurements: only `make bench` serves this module.

Each response carries two extra headers, added here and nowhere else:
- X-Bench-Queries: the database queries the request ran (counted with connection.execute_wrapper);
- X-Bench-Time-Ms: the server time from the moment the request reached Django until the response
  headers were ready (middleware, view, template rendering and the session save included).
Normal runs serve woonkans.wsgi, which knows nothing about this.
"""

import time

from django.db import connections

from woonkans.wsgi import application as portal_application


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def application(environ, start_response):
    counter = QueryCounter()
    started = time.perf_counter()

    def measured_start_response(status, headers, exc_info=None):
        elapsed_ms = (time.perf_counter() - started) * 1000
        headers = [*headers, ("X-Bench-Queries", str(counter.count)), ("X-Bench-Time-Ms", f"{elapsed_ms:.2f}")]
        return start_response(status, headers, exc_info)

    with connections["default"].execute_wrapper(counter):
        return portal_application(environ, measured_start_response)
