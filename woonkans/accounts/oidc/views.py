"""The organisation sign-in: start at the provider, come back, and (when needed) the portal's TOTP step.

A refusal always ends on the login page with a Dutch message; the password login there is never
touched by a provider's configuration.
"""

import time
from urllib.parse import parse_qs, urlencode, urlsplit

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import LogoutView
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_otp import user_has_device
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from two_factor.forms import AuthenticationTokenForm
from two_factor.utils import default_device

from woonkans.audit.models import LoginMethod

from ..views import TOKEN_ERRORS, TOKEN_LABELS, _safe_next
from . import selectors
from .client import CONFIGURATION_REASONS, ProviderBackend, ProviderSettings, SignInRefused, discover
from .forms import OrganisationSignInForm
from .services import (
    LOGOUT_SESSION_KEY,
    PENDING_SESSION_KEY,
    complete_sign_in,
    find_account,
    provider_asserts_mfa,
    refuse,
)

PROVIDER_UNAVAILABLE = _(
    "Inloggen met je organisatie-account lukt nu niet: de koppeling met de inlogdienst van je organisatie "
    "werkt niet. Log in met je gebruikersnaam, wachtwoord en verificatiecode, en meld het aan de "
    "functioneel beheerder van je organisatie."
)
START_AGAIN = _("Begin opnieuw met inloggen.")
REFUSALS = {
    "oidc_state": _("Dit inlogverzoek is ongeldig of verlopen."),
    "oidc_nonce": _("Het antwoord van de inlogdienst hoort niet bij dit inlogverzoek."),
    "oidc_token_expired": _("Het antwoord van de inlogdienst is verlopen."),
    "oidc_token_invalid": _("Het antwoord van de inlogdienst kon niet worden gecontroleerd."),
    "oidc_denied": _("Inloggen bij je organisatie is afgebroken of geweigerd."),
    "oidc_unknown_account": _(
        "Er is in het portaal geen account voor dit organisatie-account. Inloggen maakt geen account aan: "
        "vraag de functioneel beheerder van je organisatie om een account."
    ),
    "oidc_subject_mismatch": _(
        "Je portaalaccount is gekoppeld aan een ander organisatie-account. Log in met dat account, of vraag "
        "de functioneel beheerder van je organisatie om de koppeling te herstellen."
    ),
    "oidc_inactive": _("Dit account is niet actief. Neem contact op met de functioneel beheerder van je organisatie."),
}
# The provider's own error codes that mean the person stopped or was stopped, not a broken configuration.
PERSONAL_ERRORS = {"access_denied", "login_required", "interaction_required", "consent_required"}


def refusal_message(reason):
    if reason in CONFIGURATION_REASONS:
        return PROVIDER_UNAVAILABLE
    message = REFUSALS.get(reason, REFUSALS["oidc_token_invalid"])
    if reason in ("oidc_state", "oidc_nonce", "oidc_token_expired", "oidc_token_invalid", "oidc_denied"):
        return f"{message} {START_AGAIN}"
    return message


def _back_to_login(request, reason):
    messages.error(request, refusal_message(reason))
    return redirect(settings.LOGIN_URL)


class StartView(ProviderSettings, OIDCAuthenticationRequestView):
    """POST the organisation; mozilla-django-oidc builds the request (state, nonce, PKCE in the session)."""

    http_method_names = ["post"]

    def __init__(self, **kwargs):
        # The library reads one provider from settings here; the provider is only known from the form.
        View.__init__(self, **kwargs)

    def post(self, request):
        form = OrganisationSignInForm(request.POST)
        if not form.is_valid():
            messages.error(request, form.errors["provider"][0])
            return redirect(settings.LOGIN_URL)
        self.provider = form.cleaned_data["provider"]
        try:
            document = discover(self.provider)
        except SignInRefused as refused:
            refuse(request=request, provider=self.provider, refused=refused)
            return _back_to_login(request, refused.reason)
        self.OIDC_OP_AUTH_ENDPOINT = document["authorization_endpoint"]
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = self.get(request)
        # Remember, with the state, which organisation's provider this answer must come from.
        state = parse_qs(urlsplit(response.url).query)["state"][0]
        request.session["oidc_states"][state]["provider"] = self.provider.pk
        request.session["oidc_login_next"] = _safe_next(request, "") or None
        request.session.modified = True
        return response


class CallbackView(ProviderSettings, OIDCAuthenticationCallbackView):
    """The provider's answer: every check refuses with its own reason in the login log."""

    provider = None

    def get(self, request):
        state = request.GET.get("state")
        entry = (request.session.get("oidc_states") or {}).pop(state, None) if state else None
        # Used or not, the state is gone: an answer cannot be replayed.
        request.session.modified = True
        try:
            response = self._sign_in(request, entry)
        except SignInRefused as refused:
            refuse(request=request, provider=self.provider, refused=refused)
            if getattr(request, "axes_locked_out", False):
                return get_lockout_response(request, credentials={"username": refused.username})
            return _back_to_login(request, refused.reason)
        return response

    def _sign_in(self, request, entry):
        if not entry or time.time() - entry.get("added_on", 0) > settings.TWO_FACTOR_LOGIN_TIMEOUT:
            raise SignInRefused("oidc_state")
        self.provider = selectors.provider_in_use(entry.get("provider"))
        if self.provider is None:
            raise SignInRefused("oidc_state")
        error = request.GET.get("error")
        if error:
            raise SignInRefused("oidc_denied" if error in PERSONAL_ERRORS else "oidc_provider_error", error[:40])
        # RFC 9207: an answer naming another issuer is a mix-up; refuse it before using the code.
        if "iss" in request.GET and request.GET["iss"] != self.provider.issuer:
            raise SignInRefused("oidc_wrong_issuer", "authorization response")
        code = request.GET.get("code")
        if not code:
            raise SignInRefused("oidc_state", "no code")
        document = discover(self.provider)
        backend = ProviderBackend(self.provider, document)
        tokens = backend.exchange_code(request=request, code=code, code_verifier=entry.get("code_verifier"))
        id_claims = backend.verify_id_token(tokens.get("id_token"), nonce=entry.get("nonce"))
        claims = backend.claims_with_userinfo(access_token=tokens.get("access_token"), id_claims=id_claims)
        user, _bound = find_account(provider=self.provider, claims=claims)
        credentials = {"username": user.get_username()}
        if AxesProxyHandler.is_locked(request, credentials):
            return get_lockout_response(request, credentials=credentials)
        logout_hint = {"provider": self.provider.pk, "id_token": tokens["id_token"]}
        if provider_asserts_mfa(provider=self.provider, claims=id_claims):
            method = LoginMethod.OIDC
        elif user_has_device(user, confirmed=True):
            request.session[PENDING_SESSION_KEY] = {
                "user": user.pk,
                "provider": self.provider.pk,
                "subject": claims["sub"],
                "logout": logout_hint,
                "at": time.time(),
            }
            return redirect("oidc_token")
        else:
            # No second factor yet: signed in, and the gate sends the user to set up the app first.
            method = LoginMethod.OIDC_ENROL
        complete_sign_in(
            request=request,
            user=user,
            provider=self.provider,
            subject=claims["sub"],
            method=method,
            logout_hint=logout_hint,
        )
        return HttpResponseRedirect(self.success_url)


def token_step(request):
    """The portal's own TOTP after an organisation sign-in without multi-factor; counted by axes."""
    pending = request.session.get(PENDING_SESSION_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_LOGIN_TIMEOUT:
        request.session.pop(PENDING_SESSION_KEY, None)
        return _back_to_login(request, "oidc_state")
    user, provider = selectors.pending_sign_in(pending)
    if user is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        return _back_to_login(request, "oidc_state")
    credentials = {"username": user.get_username()}
    if AxesProxyHandler.is_locked(request, credentials):
        request.session.pop(PENDING_SESSION_KEY, None)
        return get_lockout_response(request, credentials=credentials)
    form = AuthenticationTokenForm(user, default_device(user), data=request.POST if request.method == "POST" else None)
    form.otp_error_messages = {**form.otp_error_messages, **TOKEN_ERRORS}
    form.fields["otp_token"].label = TOKEN_LABELS["token"]
    if request.method == "POST":
        if form.is_valid():
            del request.session[PENDING_SESSION_KEY]
            try:
                complete_sign_in(
                    request=request,
                    user=user,
                    provider=provider,
                    subject=pending["subject"],
                    method=LoginMethod.OIDC_TOTP,
                    logout_hint=pending["logout"],
                )
            except SignInRefused as refused:
                refuse(request=request, provider=provider, refused=refused)
                return _back_to_login(request, refused.reason)
            next_url = request.session.pop("oidc_login_next", None)
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
        failed = {**credentials, "woonkans_reason": "invalid_token", "woonkans_method": LoginMethod.OIDC_TOTP}
        user_login_failed.send(sender=__name__, credentials=failed, request=request)
        if getattr(request, "axes_locked_out", False):
            request.session.pop(PENDING_SESSION_KEY, None)
            return get_lockout_response(request, credentials=credentials)
        refused = form.errors.pop("__all__", None)
        if refused:
            form.errors.setdefault("otp_token", form.error_class(renderer=form.renderer)).extend(refused)
    return render(request, "accounts/oidc_token.html", {"form": form, "organisation": provider.organisation})


def end_session_url(request, hint):
    """The provider's end-session address for this sign-in, or None when it offers none."""
    provider = selectors.sign_out_provider(hint)
    if provider is None:
        return None
    try:
        endpoint = discover(provider).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not endpoint:
        return None
    params = {
        "id_token_hint": hint.get("id_token", ""),
        "client_id": provider.client_id,
        "post_logout_redirect_uri": request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL)),
    }
    return f"{endpoint}?{urlencode(params)}"


class PortalLogoutView(LogoutView):
    """Ends the portal session, then the provider's where it offers end-session (RP-initiated logout)."""

    def post(self, request, *args, **kwargs):
        hint = request.session.get(LOGOUT_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        url = end_session_url(request, hint) if hint else None
        if not url:
            return response
        # A page that moves on by itself, not a redirect: the logout form's CSP form-action is 'self'
        # on every page, and a browser applies it to the redirects after a form, too.
        page = render(request, "accounts/oidc_logged_out.html", {"end_session_url": url})
        page["Refresh"] = f"0;url={url}"
        return page


start = StartView.as_view()
callback = CallbackView.as_view()
logout = PortalLogoutView.as_view()
