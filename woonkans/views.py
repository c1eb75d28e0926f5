"""Project-level views: the health check (database, broker, notification backlog)."""

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
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


@never_cache
def healthz(request):
    state = {"database": _database_state(), "broker": _broker_state(), "notifications": _notification_state()}
    healthy = (
        state["database"] == "ok"
        and state["broker"] in ("ok", "eager")
        and state["notifications"] is not None
        and state["notifications"]["status"] == "ok"
    )
    return JsonResponse({"status": "ok" if healthy else "error", **state}, status=200 if healthy else 503)
