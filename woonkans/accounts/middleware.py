"""Session security and the gates every request passes: 2FA, then acceptance of logging.

The gates allow a short list of URL names; everything else, the Django admin
included, needs a verified second factor and the accepted logging notice.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django_otp import user_has_device

from woonkans.client_ip import client_ip

LAST_ACTIVITY_KEY = "woonkans_last_activity"
CLIENT_IP_KEY = "woonkans_client_ip"
LOGGING_ACCEPTED_KEY = "woonkans_logging_accepted"

# Reachable without any login.
PUBLIC_URL_NAMES = frozenset(
    {
        "two_factor:login",
        "healthz",
        "accessibility",
        "password_set",
        "password_set_done",
        "oidc_start",
        "oidc_callback",
        "oidc_token",
    }
)
# Reachable after the password, before the second factor is set up.
ENROLMENT_URL_NAMES = frozenset({"two_factor:setup", "two_factor:qr", "logout"})
# Reachable after the second factor, before the logging notice is accepted.
PRE_ACCEPTANCE_URL_NAMES = frozenset(
    {"accept_logging", "logout", "session_keepalive", "two_factor:setup_complete", "two_factor:backup_tokens"}
)


def _is_static(request):
    return request.path.startswith(settings.STATIC_URL)


def _return_path(request):
    # A POST cannot be replayed after login: return to the page it came from.
    return request.path if request.method != "GET" else request.get_full_path()


def bind_session(request):
    """Start the idle clock and bind the session to the client's address."""
    request.session[LAST_ACTIVITY_KEY] = int(time.time())
    request.session[CLIENT_IP_KEY] = client_ip(request)


class SessionSecurityMiddleware:
    """Log out after SESSION_IDLE_TIMEOUT seconds idle, or when the client IP changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not _is_static(request):
            now = int(time.time())
            last_activity = request.session.get(LAST_ACTIVITY_KEY)
            bound_ip = request.session.get(CLIENT_IP_KEY)
            reason = None
            if last_activity is not None and now - last_activity > settings.SESSION_IDLE_TIMEOUT:
                reason = "idle_timeout"
            elif bound_ip is not None and bound_ip != client_ip(request):
                reason = "ip_changed"
            if reason:
                request.woonkans_logout_reason = reason
                logout(request)
                if reason == "idle_timeout":
                    text = _(
                        "Je bent automatisch uitgelogd omdat je een tijd niets hebt gedaan. "
                        "Log opnieuw in om verder te gaan waar je was."
                    )
                else:
                    text = _("Je bent uitgelogd omdat je netwerkadres veranderde. Log opnieuw in om verder te gaan.")
                messages.warning(request, text)
                return redirect_to_login(_return_path(request), settings.LOGIN_URL)
            if bound_ip is None:
                bind_session(request)
            else:
                # Written on every request, also when the second is the same: skipping the write made a
                # page's number of queries depend on the clock (issue 17 asks the same count each time).
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


class ProviderMultiFactorMiddleware:
    """A session whose organisation sign-in the provider asserted as multi-factor counts as verified.

    The organisation sign-in stores the user's id in the session only when the ID token's amr/acr
    held a value the organisation's provider configuration counts (accounts/oidc/services.py);
    every other session still needs the portal's own verified TOTP device.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from .oidc.services import MFA_SESSION_KEY

        lazy_user = request.user

        def verified_by_provider():
            user = lazy_user
            if user.is_authenticated and request.session.get(MFA_SESSION_KEY) == user.pk:
                user.is_verified = lambda: True
            return user

        request.user = SimpleLazyObject(verified_by_provider)
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Nothing but login, enrolment and static files before the second factor is verified."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _is_static(request):
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        if name in PUBLIC_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(_return_path(request), settings.LOGIN_URL)
        if user.is_verified():
            return None
        if name in ENROLMENT_URL_NAMES:
            return None
        if user_has_device(user, confirmed=True):
            # A device exists but this session never proved it: start again.
            logout(request)
            return redirect_to_login(_return_path(request), settings.LOGIN_URL)
        setup = reverse("two_factor:setup")
        return redirect(f"{setup}?{urlencode({'next': _return_path(request)})}")


class RequireLoggingAcceptanceMiddleware:
    """Every user accepts that all actions are logged before anything else opens."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if _is_static(request) or not user.is_authenticated or not user.is_verified():
            return None
        if request.session.get(LOGGING_ACCEPTED_KEY) == settings.LOGGING_NOTICE_VERSION:
            return None
        from .services import has_accepted_logging_notice

        if has_accepted_logging_notice(user):
            request.session[LOGGING_ACCEPTED_KEY] = settings.LOGGING_NOTICE_VERSION
            return None
        name = request.resolver_match.view_name if request.resolver_match else None
        if name in PRE_ACCEPTANCE_URL_NAMES:
            return None
        accept = reverse("accept_logging")
        return redirect(f"{accept}?{urlencode({'next': _return_path(request)})}")


class NoStoreForUsersMiddleware:
    """Pages seen by a logged-in user may hold personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not _is_static(request) and getattr(request, "user", None) is not None and request.user.is_authenticated:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response
