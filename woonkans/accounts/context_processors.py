from django.conf import settings


def portal(request):
    user = getattr(request, "user", None)
    signed_in = bool(user is not None and user.is_authenticated and user.is_verified())
    return {
        "portal_signed_in": signed_in,
        "session_idle_timeout": settings.SESSION_IDLE_TIMEOUT,
        "session_idle_warning": settings.SESSION_IDLE_WARNING,
    }
