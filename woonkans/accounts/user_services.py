"""Managing users and their roles: the one place that decides who may change whom.

Every path that edits a user's organisation, active state or roles goes through here (the
management screens, the access review, later screens):
- nobody changes their own organisation, roles, password or active state;
- an organisation's own administrator manages only that organisation's users, the operator's
  administrators (and superusers) manage all;
- a role in an organisation other than the acting administrator's own takes effect only when a
  second administrator approves it (four eyes). So does the administrator role in the operator's
  organisation, whose administrators manage everyone: otherwise one could make a second account
  that approves their own requests. Until approved there is no RoleAssignment, so no role check
  anywhere sees it.
- the same holds for how someone signs in (password, second factor, e-mail, username): see
  credential_services.
Requests, approvals and refusals are written to the access log.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.parties.models import OrganisationKind

from .admin_scope import sees_everything
from .models import RoleAssignment, RoleGrantRequest, RoleRequestStatus, User
from .reviews import end_sessions
from .roles import Role, role_allowed_in

# Fields of one's own account that only another administrator may change.
SELF_PROTECTED_FIELDS = ("organisation", "is_active", "is_staff", "is_superuser", "password")

SELF_REFUSAL = _(
    "Je eigen organisatie, rollen, wachtwoord en actief-status kun je niet zelf wijzigen. Vraag een andere beheerder."
)
SCOPE_REFUSAL = _("Je beheert alleen gebruikers van je eigen organisatie.")
CREDENTIAL_FIELDS = ("username", "email", "password")
CREDENTIAL_REFUSAL = _(
    "De inloggegevens (wachtwoord, tweede factor, e-mailadres, gebruikersnaam) van een gebruiker van een "
    "andere organisatie wijzig je niet zelf: vraag het aan, een tweede beheerder keurt het goed."
)
# For every four-eyes request (roles, credentials, the sign-in provider).
FOUR_EYES_REFUSAL = _("Een aanvraag moet door een tweede beheerder worden goedgekeurd, niet door de aanvrager.")


# --- who may do what ---------------------------------------------------------------


def manages_users(actor):
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and (actor.is_superuser or actor.has_role(Role.ADMINISTRATOR))
    )


def may_manage(actor, organisation_id):
    """May the actor manage the users of this organisation (None: a user without organisation)?"""
    if not manages_users(actor):
        return False
    if sees_everything(actor):
        return True
    return organisation_id is not None and organisation_id == actor.organisation_id


def needs_second_approval(actor, organisation, role):
    if organisation.pk != actor.organisation_id:
        return True
    return Role(role) == Role.ADMINISTRATOR and organisation.kind == OrganisationKind.OPERATOR


def credentials_need_second_approval(actor, user):
    """Does changing how this user signs in need a second administrator (see credential_services)?"""
    if actor.organisation_id is None or user.organisation_id != actor.organisation_id or user.is_superuser:
        return True
    return user.organisation.kind == OrganisationKind.OPERATOR and user.has_role(Role.ADMINISTRATOR)


def may_decide(actor, grant_request):
    """A second administrator who manages the user's organisation; never the requester or the user."""
    return actor.pk not in (grant_request.requested_by_id, grant_request.user_id) and may_manage(
        actor, grant_request.organisation_id
    )


def check_user_change(*, actor, user, changed, organisation_id):
    """Refuse, with a Dutch message, a change the actor may not make to this user.

    `changed` names the fields that change; `organisation_id` is the organisation after the change.
    """
    if user.pk is not None and user.pk == actor.pk and set(changed) & {*SELF_PROTECTED_FIELDS, "roles"}:
        raise ValidationError(SELF_REFUSAL)
    if user.pk is not None:
        current = User.objects.select_related("organisation").get(pk=user.pk)
        if not may_manage(actor, current.organisation_id):
            raise PermissionDenied
        if set(changed) & set(CREDENTIAL_FIELDS) and credentials_need_second_approval(actor, current):
            raise ValidationError(CREDENTIAL_REFUSAL)
    if not may_manage(actor, organisation_id):
        raise ValidationError({"organisation": SCOPE_REFUSAL})


def _check_roles_editable(actor, user):
    if user.pk == actor.pk:
        raise ValidationError(SELF_REFUSAL)
    if not may_manage(actor, user.organisation_id):
        raise PermissionDenied


# --- users --------------------------------------------------------------------------


def _value(user, field):
    return user.organisation_id if field == "organisation" else getattr(user, field)


@transaction.atomic
def save_user(*, actor, user):
    """Create or change a user as `actor`; returns the role requests made by a change of organisation."""
    before = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk is not None else None
    changed = []
    if before is not None:
        fields = dict.fromkeys((*SELF_PROTECTED_FIELDS, *CREDENTIAL_FIELDS))
        changed = [field for field in fields if _value(before, field) != _value(user, field)]
    check_user_change(actor=actor, user=user, changed=changed, organisation_id=user.organisation_id)
    user.save()
    log_access(
        user=actor,
        action=AccessAction.CREATE if before is None else AccessAction.UPDATE,
        obj=user,
        purpose="gebruikersbeheer",
    )
    if before is not None and {"username", "email"} & set(changed):
        log_access(
            user=actor, action=AccessAction.UPDATE, obj=user, purpose="inloggegevens gewijzigd (eigen organisatie)"
        )
    requests = []
    if before is not None and "organisation" in changed:
        requests = _move_roles(actor=actor, user=user)
    if before is not None and before.is_active and not user.is_active:
        # Deactivated: logged out everywhere, at once and for good (a session would otherwise come
        # back to life on reactivation).
        end_sessions(user)
    return requests


def _move_roles(*, actor, user):
    """Roles were held in the old organisation: in the new one they are granted (or asked for) anew."""
    RoleGrantRequest.objects.filter(user=user, status=RoleRequestStatus.PENDING).update(
        status=RoleRequestStatus.WITHDRAWN, decided_at=timezone.now()
    )
    roles = []
    for assignment in list(user.role_assignments.all()):
        roles.append(assignment.role)
        log_access(
            user=actor,
            action=AccessAction.DELETE,
            obj=assignment,
            subject=user.public_id,
            purpose="rol vervallen: andere organisatie",
        )
        assignment.delete()  # one by one: signals sync the groups, auditlog records each
    if user.organisation_id is None:
        return []
    results = [
        _grant(actor=actor, user=user, role=role) for role in roles if role_allowed_in(role, user.organisation.kind)
    ]
    return [result for result in results if isinstance(result, RoleGrantRequest)]


# --- roles --------------------------------------------------------------------------


def _grant(*, actor, user, role):
    existing = RoleAssignment.objects.filter(user=user, role=role).first()
    if existing is not None:
        return existing
    if needs_second_approval(actor, user.organisation, role):
        grant_request = RoleGrantRequest.objects.filter(
            user=user, role=role, status=RoleRequestStatus.PENDING
        ).first() or RoleGrantRequest.objects.create(
            user=user, organisation=user.organisation, role=role, requested_by=actor
        )
        log_access(
            user=actor,
            action=AccessAction.CREATE,
            obj=grant_request,
            subject=user.public_id,
            purpose="rolaanvraag (vier ogen)",
        )
        return grant_request
    assignment = RoleAssignment.objects.create(user=user, role=role)
    log_access(user=actor, action=AccessAction.CREATE, obj=assignment, subject=user.public_id, purpose="rol toegekend")
    return assignment


@transaction.atomic
def grant_role(*, actor, user, role):
    """Give the user a role in their organisation.

    Within the actor's own organisation it takes effect at once (a RoleAssignment); elsewhere it
    becomes a RoleGrantRequest that a second administrator approves.
    """
    user = User.objects.select_for_update(of=("self",)).select_related("organisation").get(pk=user.pk)
    _check_roles_editable(actor, user)
    if user.organisation_id is None:
        raise ValidationError(_("Geef de gebruiker eerst een organisatie."))
    if not role_allowed_in(role, user.organisation.kind):
        raise ValidationError(
            _("De rol %(role)s kan niet worden gegeven binnen %(kind)s.")
            % {"role": Role(role).label, "kind": user.organisation.get_kind_display().lower()}
        )
    return _grant(actor=actor, user=user, role=role)


@transaction.atomic
def revoke_role(*, actor, assignment):
    user = User.objects.select_for_update().get(pk=assignment.user_id)
    _check_roles_editable(actor, user)
    log_access(
        user=actor, action=AccessAction.DELETE, obj=assignment, subject=user.public_id, purpose="rol ingetrokken"
    )
    assignment.delete()


MOVED_ON = _("De gebruiker hoort inmiddels bij een andere organisatie; deze aanvraag is vervallen.")


def check_second_administrator(*, actor, four_eyes_request, already):
    """Who may decide a four-eyes request: an administrator managing its organisation, neither the
    one who asked nor the user it is about; and only once."""
    if four_eyes_request.status != RoleRequestStatus.PENDING:
        raise ValidationError(already)
    if actor.pk == four_eyes_request.requested_by_id:
        raise ValidationError(FOUR_EYES_REFUSAL)
    if actor.pk == four_eyes_request.user_id:
        raise ValidationError(SELF_REFUSAL)
    if not may_manage(actor, four_eyes_request.organisation_id):
        raise PermissionDenied


def record_decision(*, actor, four_eyes_request, approve, purposes, subject=None):
    """Store the second administrator's decision, and log it: ``purposes`` is (approved, refused)."""
    four_eyes_request.status = RoleRequestStatus.APPROVED if approve else RoleRequestStatus.REFUSED
    four_eyes_request.decided_by = actor
    four_eyes_request.decided_at = timezone.now()
    four_eyes_request.save(update_fields=["status", "decided_by", "decided_at"])
    log_access(
        user=actor,
        action=AccessAction.UPDATE,
        obj=four_eyes_request,
        subject=subject,
        purpose=purposes[0] if approve else purposes[1],
    )


def _decide(*, actor, grant_request, approve):
    grant_request = (
        RoleGrantRequest.objects.select_for_update(of=("self",))
        .select_related("user", "organisation")
        .get(pk=grant_request.pk)
    )
    check_second_administrator(
        actor=actor, four_eyes_request=grant_request, already=_("Over deze rolaanvraag is al besloten.")
    )
    user = grant_request.user
    if approve and user.organisation_id != grant_request.organisation_id:
        raise ValidationError(MOVED_ON)
    record_decision(
        actor=actor,
        four_eyes_request=grant_request,
        approve=approve,
        subject=user.public_id,
        purposes=("rolaanvraag goedgekeurd (vier ogen)", "rolaanvraag afgewezen"),
    )
    if approve:
        RoleAssignment.objects.get_or_create(user=user, role=grant_request.role)
    return grant_request


@transaction.atomic
def approve_role_request(*, actor, grant_request):
    """The second administrator's yes: the role takes effect now."""
    return _decide(actor=actor, grant_request=grant_request, approve=True)


@transaction.atomic
def refuse_role_request(*, actor, grant_request):
    return _decide(actor=actor, grant_request=grant_request, approve=False)


# --- reads --------------------------------------------------------------------------


def role_requests_visible_to(actor):
    """Role requests for users the actor manages (all of them for the operator's administrators)."""
    requests = RoleGrantRequest.objects.select_related("user", "organisation", "requested_by", "decided_by")
    if not manages_users(actor):
        return requests.none()
    if sees_everything(actor):
        return requests
    return requests.filter(organisation_id=actor.organisation_id)
