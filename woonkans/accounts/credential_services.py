"""Changing how someone signs in: password, second factor, e-mail address, username.

Whoever can change these for another user can become that user and read what they read. So:
- within the acting administrator's own organisation it is the helpdesk's normal work and takes
  effect at once, written to the access log;
- for a user of another organisation (what the operator's administrators could otherwise do to any
  municipality's consultant), and for an administrator of the operator (who manages everyone), it
  is a CredentialResetRequest that only a second administrator can approve (four eyes).
A reset never hands a password to an administrator: the password becomes unusable, every second
factor is deleted, the user's sessions end, and the user gets a one-time link at their own e-mail
address to set a new password; the next login enrols a new second factor.
"""

from django.contrib.auth.tokens import default_token_generator
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.notifications import notify_users

from .admin_scope import sees_everything
from .models import CredentialResetRequest, RoleRequestStatus, User
from .reviews import end_sessions
from .user_services import (
    CREDENTIAL_REFUSAL,
    MOVED_ON,
    SELF_REFUSAL,
    check_second_administrator,
    manages_users,
    may_manage,
    record_decision,
)
from .user_services import credentials_need_second_approval as needs_second_approval


def check_direct_change(*, actor, user):
    """Refuse a direct credential change the actor may not make (PermissionDenied: not theirs at all)."""
    if user.pk == actor.pk:
        raise ValidationError(SELF_REFUSAL)
    if not may_manage(actor, user.organisation_id):
        raise PermissionDenied
    if needs_second_approval(actor, user):
        raise ValidationError(CREDENTIAL_REFUSAL)


def may_decide(actor, credential_request):
    return actor.pk not in (credential_request.requested_by_id, credential_request.user_id) and may_manage(
        actor, credential_request.organisation_id
    )


# --- doing it ---------------------------------------------------------------------------


def _reset_login(*, actor, user, purpose):
    """Unusable password, no second factor, no session; the user sets a new password by link."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    for device in list(devices_for_user(user, confirmed=None)):
        log_access(user=actor, action=AccessAction.DELETE, obj=device, subject=user.public_id, purpose=purpose)
        device.delete()
    end_sessions(user)
    # The token is made after the password changed, so it works once: setting a password voids it.
    path = reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    notify_users(
        users=[user],
        subject=_("Stel een nieuw wachtwoord in voor Woonkans"),
        intro=_(
            "Je inloggegevens voor het Woonkans-portaal zijn hersteld. Stel via deze link een nieuw wachtwoord in "
            "en koppel daarna bij het inloggen opnieuw je authenticator-app. Heb je hier niet om gevraagd, "
            "neem dan contact op met je beheerder."
        ),
        path=path,
    )


def _apply(*, actor, user, reset_login, new_email, new_username, purpose):
    fields = []
    if new_email:
        user.email = new_email
        fields.append("email")
    if new_username:
        user.username = new_username
        fields.append("username")
    if fields:
        user.save(update_fields=fields)
        log_access(user=actor, action=AccessAction.UPDATE, obj=user, purpose=purpose)
        end_sessions(user)
    if reset_login:
        _reset_login(actor=actor, user=user, purpose=purpose)


def _clean_request(*, user, reset_login, new_email, new_username):
    new_email = (new_email or "").strip()
    new_username = (new_username or "").strip()
    if new_email == user.email:
        new_email = ""
    if new_username == user.username:
        new_username = ""
    if not (reset_login or new_email or new_username):
        raise ValidationError(_("Kies wat er moet veranderen."))
    # The same checks as the form's, for any other caller: only valid names and addresses are stored.
    if new_email:
        validate_email(new_email)
    if new_username:
        UnicodeUsernameValidator()(new_username)
    if new_username and User.objects.filter(username=new_username).exclude(pk=user.pk).exists():
        raise ValidationError({"new_username": _("Deze gebruikersnaam is al in gebruik.")})
    if reset_login and not (new_email or user.email):
        raise ValidationError(
            {"new_email": _("De gebruiker heeft geen e-mailadres voor de link om een wachtwoord in te stellen.")}
        )
    return new_email, new_username


@transaction.atomic
def change_credentials(*, actor, user, reset_login=False, new_email="", new_username=""):
    """Change the user's credentials at once (own organisation) or ask a second administrator.

    Returns the CredentialResetRequest when it waits for approval, else None.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    if user.pk == actor.pk:
        raise ValidationError(SELF_REFUSAL)
    if not may_manage(actor, user.organisation_id):
        raise PermissionDenied
    new_email, new_username = _clean_request(
        user=user, reset_login=reset_login, new_email=new_email, new_username=new_username
    )
    if not needs_second_approval(actor, user):
        _apply(
            actor=actor,
            user=user,
            reset_login=reset_login,
            new_email=new_email,
            new_username=new_username,
            purpose="inloggegevens hersteld (eigen organisatie)",
        )
        return None
    pending = CredentialResetRequest.objects.filter(user=user, status=RoleRequestStatus.PENDING).first()
    if pending is not None and (pending.reset_login, pending.new_email, pending.new_username) == (
        reset_login,
        new_email,
        new_username,
    ):
        return pending  # asked twice (a double click, a second tab): one request
    if pending is not None:
        raise ValidationError(
            _("Voor deze gebruiker wacht al een aanvraag; laat een tweede beheerder daarover beslissen.")
        )
    credential_request = CredentialResetRequest.objects.create(
        user=user,
        organisation=user.organisation,
        reset_login=reset_login,
        new_email=new_email,
        new_username=new_username,
        requested_by=actor,
    )
    log_access(
        user=actor,
        action=AccessAction.CREATE,
        obj=credential_request,
        subject=user.public_id,
        purpose="aanvraag inloggegevens (vier ogen)",
    )
    return credential_request


def _decide(*, actor, credential_request, approve):
    credential_request = (
        CredentialResetRequest.objects.select_for_update(of=("self",))
        .select_related("user")
        .get(pk=credential_request.pk)
    )
    check_second_administrator(
        actor=actor, four_eyes_request=credential_request, already=_("Over deze aanvraag is al besloten.")
    )
    user = User.objects.select_for_update(of=("self",)).get(pk=credential_request.user_id)
    if approve and user.organisation_id != credential_request.organisation_id:
        raise ValidationError(MOVED_ON)
    if approve:
        # Checked again: the address or name may have been taken since the request.
        _clean_request(
            user=user,
            reset_login=credential_request.reset_login,
            new_email=credential_request.new_email,
            new_username=credential_request.new_username,
        )
    record_decision(
        actor=actor,
        four_eyes_request=credential_request,
        approve=approve,
        subject=user.public_id,
        purposes=("aanvraag inloggegevens goedgekeurd (vier ogen)", "aanvraag inloggegevens afgewezen"),
    )
    if approve:
        _apply(
            actor=actor,
            user=user,
            reset_login=credential_request.reset_login,
            new_email=credential_request.new_email,
            new_username=credential_request.new_username,
            purpose="inloggegevens hersteld (vier ogen)",
        )
    return credential_request


@transaction.atomic
def approve_credential_request(*, actor, credential_request):
    """The second administrator's yes: the change takes effect now."""
    return _decide(actor=actor, credential_request=credential_request, approve=True)


@transaction.atomic
def refuse_credential_request(*, actor, credential_request):
    return _decide(actor=actor, credential_request=credential_request, approve=False)


# --- direct changes in the management screens (own organisation) -----------------------


@transaction.atomic
def record_password_set(*, actor, user):
    """An administrator set the password of a user of their own organisation: logged, sessions end."""
    log_access(
        user=actor,
        action=AccessAction.UPDATE,
        obj=user,
        purpose="wachtwoord ingesteld door beheerder (eigen organisatie)",
    )
    end_sessions(user)


@transaction.atomic
def delete_device(*, actor, device):
    """Delete a second factor (a lost phone) of a user of the actor's own organisation."""
    user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=device.user_id)
    check_direct_change(actor=actor, user=user)
    log_access(
        user=actor,
        action=AccessAction.DELETE,
        obj=device,
        subject=user.public_id,
        purpose="tweede factor verwijderd (eigen organisatie)",
    )
    device.delete()
    end_sessions(user)


@transaction.atomic
def record_device_saved(*, actor, device, created):
    user = User.objects.select_related("organisation").get(pk=device.user_id)
    log_access(
        user=actor,
        action=AccessAction.CREATE if created else AccessAction.UPDATE,
        obj=device,
        subject=user.public_id,
        purpose="tweede factor gewijzigd (eigen organisatie)",
    )
    end_sessions(user)


# --- reads ------------------------------------------------------------------------------


def credential_requests_visible_to(actor):
    requests = CredentialResetRequest.objects.select_related("user", "organisation", "requested_by", "decided_by")
    if not manages_users(actor):
        return requests.none()
    if sees_everything(actor):
        return requests
    return requests.filter(organisation_id=actor.organisation_id)
