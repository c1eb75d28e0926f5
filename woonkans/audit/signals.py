"""Fill the login log from Django's and axes' signals."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .models import LoginMethod, LoginOutcome
from .services import record_login_event


def _login_method(request, user):
    # The organisation sign-in says how it went (accounts/oidc/services.py); otherwise it is the
    # password login, whose second factor two-factor-auth put on the user just before.
    method = getattr(request, "woonkans_login_method", None)
    if method:
        return method
    return LoginMethod.PASSWORD_TOTP if getattr(user, "otp_device", None) else LoginMethod.PASSWORD


@receiver(user_logged_in)
def logged_in(sender, request, user, **kwargs):
    record_login_event(
        request=request,
        username=user.get_username(),
        user=user,
        outcome=LoginOutcome.SUCCESS,
        method=_login_method(request, user),
    )


@receiver(user_logged_out)
def logged_out(sender, request, user, **kwargs):
    if user is None:
        return
    reason = getattr(request, "woonkans_logout_reason", "user_logout")
    record_login_event(
        request=request, username=user.get_username(), user=user, outcome=LoginOutcome.LOGOUT, reason=reason
    )


@receiver(user_login_failed)
def login_failed(sender, credentials, request=None, **kwargs):
    record_login_event(
        request=request,
        username=credentials.get("username", ""),
        outcome=LoginOutcome.FAILURE,
        reason=credentials.get("woonkans_reason", "invalid_credentials"),
        method=credentials.get("woonkans_method", ""),
    )


@receiver(user_locked_out)
def locked_out(sender, request, username, **kwargs):
    record_login_event(request=request, username=username, outcome=LoginOutcome.LOCKED_OUT, reason="locked_out")
