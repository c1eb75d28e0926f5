"""Reading the logs. Reading them is itself logged."""

from .models import AccessAction, AccessLog, LoginEvent
from .services import log_access


def search_access_log(*, user, username="", subject="", date_from=None, date_to=None):
    log_access(user=user, action=AccessAction.SEARCH, object_type="audit.accesslog", purpose="logcontrole")
    entries = AccessLog.objects.all()
    if username:
        entries = entries.filter(username__iexact=username)
    if subject:
        entries = entries.filter(subject=subject)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def search_login_log(*, user, username="", date_from=None, date_to=None):
    log_access(user=user, action=AccessAction.SEARCH, object_type="audit.loginevent", purpose="logcontrole")
    events = LoginEvent.objects.all()
    if username:
        events = events.filter(username__iexact=username)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return events
