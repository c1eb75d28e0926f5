"""The portal's side of an organisation sign-in: which account, which second factor, what is logged.

No account or role is ever created here (accounts are provisioned in the portal first). The
provider's subject is bound to the account matched by the configured claim at the first complete
sign-in; afterwards only that subject signs in to it.
"""

from django.contrib.auth import login
from django.contrib.auth.signals import user_login_failed
from django.db import IntegrityError, transaction
from django.utils import timezone

from woonkans.audit.models import LoginMethod, LoginOutcome
from woonkans.audit.services import record_login_event

from ..models import User
from .client import CONFIGURATION_REASONS, SignInRefused
from .models import MatchOn, OidcIdentity, OidcProvider

# The session after a sign-in whose multi-factor the provider asserted: the id of that user.
MFA_SESSION_KEY = "woonkans_oidc_mfa"
# Between the provider's answer and the portal's own TOTP step (nothing signed in yet).
PENDING_SESSION_KEY = "woonkans_oidc_pending"
# What logout needs to end the provider's session too.
LOGOUT_SESSION_KEY = "woonkans_oidc_logout"
# The session the portal's login uses; the user is loaded by the ordinary backend.
SESSION_BACKEND = "woonkans.accounts.backends.PortalModelBackend"


def enabled_providers():
    return OidcProvider.objects.in_use().select_related("organisation").order_by("organisation__name")


def find_account(*, provider, claims):
    """(user, already bound) for the verified claims; refused when no single active account fits."""
    subject = claims["sub"]
    identity = OidcIdentity.objects.select_related("user").filter(provider=provider, subject=subject).first()
    if identity is not None:
        user = identity.user
    else:
        value = claims.get(provider.match_claim)
        if not isinstance(value, str) or not value.strip():
            raise SignInRefused("oidc_unknown_account", "claim missing")
        if provider.match_on == MatchOn.EMAIL:
            if provider.require_email_verified and claims.get("email_verified") is not True:
                raise SignInRefused("oidc_unknown_account", "e-mail not verified")
            lookup = {"email__iexact": value.strip()}
        else:
            lookup = {"username": value.strip()}
        users = list(User.objects.filter(organisation_id=provider.organisation_id, **lookup)[:2])
        if len(users) != 1:
            raise SignInRefused("oidc_unknown_account", "no single account")
        user = users[0]
        if OidcIdentity.objects.filter(user=user).exists():
            # The account is bound to another subject: someone else's organisation account.
            raise SignInRefused("oidc_subject_mismatch", username=user.get_username())
    if user.organisation_id != provider.organisation_id or not user.is_active:
        raise SignInRefused("oidc_inactive", username=user.get_username())
    return user, identity is not None


def provider_asserts_mfa(*, provider, claims):
    """True when the ID token's amr or acr holds a value the organisation counts as multi-factor."""
    amr = claims.get("amr")
    amr = set(amr) if isinstance(amr, list) else set()
    acr = claims.get("acr")
    return bool(amr & provider.amr_values()) or (isinstance(acr, str) and acr in provider.acr_values())


def refuse(*, request, provider, refused):
    """Log a refused sign-in; when the account is known axes counts it against that account."""
    if refused.username:
        credentials = {
            "username": refused.username,
            "woonkans_reason": refused.reason,
            "woonkans_method": LoginMethod.OIDC_ATTEMPT,
        }
        user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    else:
        # No account to count against (axes locks per account, never per office address).
        record_login_event(
            request=request,
            username="",
            outcome=LoginOutcome.FAILURE,
            reason=refused.reason,
            method=LoginMethod.OIDC_ATTEMPT,
        )
    if provider is not None and refused.reason in CONFIGURATION_REASONS:
        note_status(provider=provider, ok=False, message=str(CONFIGURATION_REASONS[refused.reason]))


def note_status(*, provider, ok, message):
    OidcProvider.objects.filter(pk=provider.pk).update(
        status_ok=ok, status_message=message[:300], status_at=timezone.now()
    )


def bind_subject(*, user, provider, subject):
    """Bind the subject to the account; the same binding again changes nothing, another is refused."""
    if OidcIdentity.objects.filter(provider=provider, subject=subject, user=user).exists():
        return
    try:
        with transaction.atomic():
            OidcIdentity.objects.create(user=user, provider=provider, subject=subject)
    except IntegrityError as error:
        # Bound meanwhile (a second tab) to another subject or account: refuse, change nothing.
        raise SignInRefused("oidc_subject_mismatch", username=user.get_username()) from error


@transaction.atomic
def complete_sign_in(*, request, user, provider, subject, method, logout_hint=None):
    """Bind the subject on the first sign-in and start the portal session, logged with its method."""
    bind_subject(user=user, provider=provider, subject=subject)
    request.woonkans_login_method = method
    login(request, user, backend=SESSION_BACKEND)
    if method == LoginMethod.OIDC:
        request.session[MFA_SESSION_KEY] = user.pk
    if logout_hint:
        request.session[LOGOUT_SESSION_KEY] = logout_hint
