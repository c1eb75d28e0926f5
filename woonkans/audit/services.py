"""The one way to write the access log and the login log."""

from woonkans.client_ip import client_ip

from .context import current_ip
from .models import AccessAction, AccessLog, AccessOutcome, LoginEvent


def _describe_actor(user):
    if user is None or not user.is_authenticated:
        return None, "", "", ""
    organisation = user.organisation.name if user.organisation_id else ""
    return user, user.get_username(), organisation, ",".join(user.role_codes)


def log_access(
    *,
    user,
    action,
    obj=None,
    object_type="",
    object_id="",
    subject="",
    outcome=AccessOutcome.GRANTED,
    purpose="",
):
    """Record that `user` did `action` on `obj` (or on object_type/object_id).

    `subject` identifies whose data it is by pseudonym or id, never by name or BSN.
    The client IP comes from the request context set by the middleware.
    """
    actor, username, organisation, roles = _describe_actor(user)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    return AccessLog.objects.create(
        action=AccessAction(action),
        outcome=AccessOutcome(outcome),
        user=actor,
        username=username,
        organisation=organisation,
        roles=roles,
        purpose=purpose,
        subject=str(subject or ""),
        object_type=object_type,
        object_id=str(object_id or ""),
        ip_address=current_ip.get(),
    )


def record_login_event(*, request, username, outcome, reason="", user=None, method=""):
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:300] if request is not None else ""
    ip_address = client_ip(request) if request is not None else None
    return LoginEvent.objects.create(
        username=(username or "")[:150],
        user=user,
        outcome=outcome,
        reason=reason,
        method=method,
        ip_address=ip_address,
        user_agent=user_agent,
    )
