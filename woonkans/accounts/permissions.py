"""Role checks for whole pages. A refused page answers 404, like a refused object."""

from functools import wraps

from django.http import Http404


def _log_refusal(request, kwargs):
    # A refused attempt on a specific object is logged as denied access (NEN 7513).
    object_ids = {key: value for key, value in kwargs.items() if key.endswith("_id")}
    if not object_ids or not request.user.is_authenticated:
        return
    from woonkans.audit.models import AccessAction, AccessOutcome
    from woonkans.audit.services import log_access

    name, value = next(iter(object_ids.items()))
    log_access(
        user=request.user,
        action=AccessAction.READ,
        object_type=name.removesuffix("_id"),
        object_id=str(value),
        outcome=AccessOutcome.DENIED,
        purpose=request.resolver_match.view_name if request.resolver_match else "",
    )


def role_required(*roles):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated or not request.user.has_role(*roles):
                _log_refusal(request, kwargs)
                raise Http404
            return view(request, *args, **kwargs)

        wrapper.required_roles = roles
        return wrapper

    return decorator
