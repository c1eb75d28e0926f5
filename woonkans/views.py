"""Project-level views: the health check (database, broker, notification backlog, WAL archiving)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def _database_state():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "not ok"; details stay in the server log
        return "error"


def _broker_state():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from woonkans.celery import app

    try:
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return "ok"
    except Exception:  # noqa: BLE001
        return "error"


def _notification_state():
    """The outbox backlog: undelivered e-mails and the age of the oldest (None when the database fails)."""
    from woonkans.notifications.services import backlog

    try:
        state = backlog()
    except Exception:  # noqa: BLE001 - the database state already says what is wrong
        return None
    state["status"] = "ok" if state["oldest_age_seconds"] <= settings.NOTIFICATION_BACKLOG_MAX_AGE else "behind"
    return state


def _archiver_row():
    """(archive_mode, last archived, last failed) from pg_stat_archiver; SQLite does not archive."""
    if connection.vendor != "postgresql":
        return "off", None, None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('archive_mode'), last_archived_time, last_failed_time FROM pg_stat_archiver"
        )
        return cursor.fetchone()


def _wal_archive_state():
    """Point-in-time recovery (docs/backups.md): "off" (not archiving: development, tests), "ok", or
    "failing" when PostgreSQL's last attempt to archive a WAL segment failed (none reach the backups)."""
    try:
        mode, archived, failed = _archiver_row()
    except Exception:  # noqa: BLE001 - the database state already says what is wrong
        return None
    if mode == "off":
        return "off"
    return "failing" if failed is not None and (archived is None or failed > archived) else "ok"


@never_cache
def healthz(request):
    state = {
        "database": _database_state(),
        "broker": _broker_state(),
        "notifications": _notification_state(),
        "wal_archive": _wal_archive_state(),
    }
    healthy = (
        state["database"] == "ok"
        and state["broker"] in ("ok", "eager")
        and state["notifications"] is not None
        and state["notifications"]["status"] == "ok"
        and state["wal_archive"] in ("ok", "off")
    )
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)


def accessibility(request):
    """The accessibility statement: public, so it can be read before signing in."""
    return render(request, "accessibility.html")
