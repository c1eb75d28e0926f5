from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_response
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from two_factor import views as two_factor_views

from .forms import LoggingAcceptanceForm
from .services import accept_logging_notice
from .workbench import panels_for, worklist_for

TOKEN_ERRORS = {
    "token_required": _("Vul de verificatiecode in."),
    "invalid_token": _("De verificatiecode klopt niet. Probeer het opnieuw."),
    "verification_not_allowed": _("Te veel pogingen. Wacht even en probeer het opnieuw."),
    "n_failed_attempts": _("Te veel pogingen. Wacht even en probeer het opnieuw."),
}

TOKEN_LABELS = {"token": _("Verificatiecode"), "backup": _("Reservecode")}


class LoginView(two_factor_views.LoginView):
    """two-factor-auth's login, with the second step counted by axes like the first."""

    template_name = "accounts/login.html"
    TOKEN_STEPS = ("token", "backup")

    def post(self, *args, **kwargs):
        if self.steps.current in self.TOKEN_STEPS:
            user = self.get_user()
            credentials = {"username": user.get_username()} if user else {}
            if user and AxesProxyHandler.is_locked(self.request, credentials):
                self.storage.reset()
                return get_lockout_response(self.request, credentials=credentials)
        return super().post(*args, **kwargs)

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form, **kwargs)
        if self.steps.current == "auth":
            from .oidc.forms import OrganisationSignInForm

            oidc_form = OrganisationSignInForm()
            # Only when some organisation registered a provider; the password form is there regardless.
            if oidc_form.fields["provider"].queryset.exists():
                context["oidc_form"] = oidc_form
        return context

    def get_form(self, step=None, **kwargs):
        form = super().get_form(step=step, **kwargs)
        current = step or self.steps.current
        if current in self.TOKEN_STEPS:
            form.otp_error_messages = {**form.otp_error_messages, **TOKEN_ERRORS}
            # two-factor-auth labels the field "Token"; the page asks for a code, in Dutch.
            form.fields["otp_token"].label = TOKEN_LABELS[current]
        return form

    def render(self, form=None, **kwargs):
        failed_token = (
            self.request.method == "POST"
            and form is not None
            and form.is_bound
            and self.steps.current in self.TOKEN_STEPS
            and form.errors
        )
        if failed_token:
            # The code is what is wrong: show the message next to the code field (and, linked, in the summary).
            refused = form.errors.pop(NON_FIELD_ERRORS, None)
            if refused:
                form.errors.setdefault("otp_token", form.error_class(renderer=form.renderer)).extend(refused)
            user = self.get_user()
            credentials = {"username": user.get_username(), "woonkans_reason": "invalid_token"}
            user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            if getattr(self.request, "axes_locked_out", False):
                self.storage.reset()
                return get_lockout_response(self.request, credentials=credentials)
        response = super().render(form, **kwargs)
        if self.steps.current == "auth":
            from .oidc.client import sign_in_origins
            from .oidc.services import enabled_providers

            # The organisation form is sent on to the provider: the browser's form-action must allow it.
            origins = sign_in_origins(enabled_providers())
            if origins:
                response._csp_update = {"form-action": origins}
        return response


class SetupView(two_factor_views.SetupView):
    """Enrolment of the authenticator app; the session id changes once the factor is proven."""

    template_name = "accounts/setup.html"

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        self.request.session.cycle_key()
        return response


class SetupCompleteView(two_factor_views.SetupCompleteView):
    template_name = "accounts/setup_complete.html"


class BackupTokensView(two_factor_views.BackupTokensView):
    template_name = "accounts/backup_tokens.html"


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


def accept_logging(request):
    form = LoggingAcceptanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        accept_logging_notice(user=request.user)
        return redirect(_safe_next(request))
    context = {"form": form, "next": _safe_next(request, ""), "notice_version": settings.LOGGING_NOTICE_VERSION}
    return render(request, "accounts/accept_logging.html", context)


@require_POST
def session_keepalive(request):
    # The session middleware already reset the idle clock for this request.
    return HttpResponse(status=204)


def home(request):
    context = {"panels": panels_for(request.user), "waiting": worklist_for(request.user)}
    return render(request, "accounts/home.html", context)


def lockout_response(request, original_response=None, credentials=None):
    """axes' lockout page, in Dutch, with the wait in minutes (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "accounts/locked_out.html", context, status=429)
