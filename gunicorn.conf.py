"""Gunicorn's settings for the portal's web process (the image's CMD and `make bench`'s load run).

Gunicorn reads this file from its working directory; the image names it explicitly. Every value can be
set per deployment through the environment, so the container and the load run serve the same way.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Sync workers: a page is CPU in Python plus short database round trips. WEB_CONCURRENCY is gunicorn's own
# variable; the default is what the load run in docs/benchmarks.md measured on two cores.
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
# Off unless asked for ("-" is stdout). Its format names the path only: a query string could carry a
# search term, and no personal data goes into a log.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(L)ss'
