"""Reading the logs. Reading them is itself logged."""

from .models import AccessAction, AccessLog, LoginEvent
from .services import log_access


def search_access_log(*, user):
    """The access log for the log check (the filters: woonkans.audit.filters)."""
    log_access(user=user, action=AccessAction.SEARCH, object_type="audit.accesslog", purpose="logcontrole")
    return AccessLog.objects.all()


def search_login_log(*, user):
    log_access(user=user, action=AccessAction.SEARCH, object_type="audit.loginevent", purpose="logcontrole")
    return LoginEvent.objects.all()
