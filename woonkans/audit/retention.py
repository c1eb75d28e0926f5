"""Log retention (DPIA: 12 months) across every log the portal keeps."""

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog
from axes.models import AccessLog as AxesAccessLog

from .models import AccessLog, LoginEvent


def prune_logs(*, cutoff):
    """Delete log entries older than cutoff; return the counts per log (no content)."""
    return {
        "access_log": AccessLog.objects.prune_before(cutoff),
        "login_log": LoginEvent.objects.prune_before(cutoff),
        "change_log": LogEntry.objects.filter(timestamp__lt=cutoff).delete()[0],
        "axes_attempts": AccessAttempt.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "axes_failures": AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
        "axes_access": AxesAccessLog.objects.filter(attempt_time__lt=cutoff).delete()[0],
    }
