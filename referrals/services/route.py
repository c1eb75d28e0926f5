"""The later route written on the referral: feedback, match, housing, end, regional handover."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import FEEDBACK_DUE_SINCE, EventKind, Feedback, FeedbackKind
from ..workflow import Transition
from .common import _event, _lock, _move, referral_path


@transaction.atomic
def give_feedback(*, actor, referral, kind, text, corporation=None, intended_date=None):
    referral = _lock(referral)
    if not permissions.has(actor, permissions.VIEW, referral, permissions.REGISSEUR_ROLES):
        raise PermissionDenied
    feedback = Feedback.objects.create(
        referral=referral, kind=kind, text=text, corporation=corporation, intended_date=intended_date, author=actor
    )
    if kind == FeedbackKind.PRECONDITIONS and referral.preconditions_feedback_at is None:
        # The lead-time step "feedback_1" ends here (AWAITING_PRECONDITIONS_FEEDBACK, its partial index).
        referral.preconditions_feedback_at = feedback.created_at
        referral.save(update_fields=["preconditions_feedback_at", "updated_at"])
    due = FEEDBACK_DUE_SINCE.get(kind)
    if due and getattr(referral, due) is not None:
        # The lead-time step "feedback_2" or "feedback_3" ends here (AWAITING_..._FEEDBACK, its partial index).
        setattr(referral, due, None)
        referral.save(update_fields=[due, "updated_at"])
    _event(referral, EventKind.FEEDBACK, actor, note=feedback.get_kind_display())
    notify(
        organisations=[referral.municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Terugkoppeling van de regisseur"),
        intro=_("De regisseur heeft een terugkoppeling gegeven op een aanmelding van je gemeente."),
        path=referral_path(referral),
    )
    return feedback


def record_route_event(*, actor, referral, kind, note=""):
    """Later stages (matching) write their steps on the referral's timeline through this."""
    ensure_processing_allowed(referral_id=referral.pk)
    _event(referral, kind, actor, note=note)


@transaction.atomic
def mark_profile_started(*, referral, at):
    """The regisseur started the profile (Bijlage 2 step 4): the case leaves the inbox (WAITING_IN_INBOX).

    Called by the service that creates the profile, in its transaction; the referral's status stays
    "submitted" until the match."""
    referral = _lock(referral)
    referral.profile_started_at = at
    referral.save(update_fields=["profile_started_at", "updated_at"])
    return referral


def _feedback_due(referral, kind, since):
    """The lead-time step of feedback ``kind`` starts at ``since``, unless it already runs or that feedback was
    given (before the step, or in an earlier round)."""
    due = FEEDBACK_DUE_SINCE[kind]
    if getattr(referral, due) is None and not referral.feedbacks.filter(kind=kind).exists():
        setattr(referral, due, since)
        return [due]
    return []


@transaction.atomic
def mark_profile_shared(*, referral, at):
    """The profile was shared (Bijlage 2 step 5) at ``at``, its first share's moment (the profile's shared_at):
    the feedback on the profile is due from then (AWAITING_PROFILE_FEEDBACK). Called by the service that
    shares, in its transaction."""
    referral = _lock(referral)
    changed = _feedback_due(referral, FeedbackKind.PROFILE, at)
    if changed:
        referral.save(update_fields=[*changed, "updated_at"])
    return referral


@transaction.atomic
def mark_matched(*, actor, referral, corporation, care_provider, at=None):
    """Step 6: the matched corporation may see identity and lease documents; the provider name and contact.

    ``at`` is the match's moment: the feedback on the placement is due from then (AWAITING_PLACEMENT_FEEDBACK)."""
    referral = _lock(referral)
    _move(referral, Transition.MATCH)
    changed = _feedback_due(referral, FeedbackKind.PLACEMENT, at or timezone.now())
    referral.save(update_fields=["status", *changed, "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.MATCHED, actor, note=corporation.name)
    return referral


@transaction.atomic
def mark_housed(*, actor, referral, lease_signed_on):
    """After the match: the lease is signed. The consultant's page says the resident is housed."""
    referral = _lock(referral)
    _move(referral, Transition.HOUSE)
    referral.save(update_fields=["status", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.HOUSED, actor, note=lease_signed_on.strftime("%d-%m-%Y"))
    return referral


@transaction.atomic
def mark_ended(*, actor, referral, positive, note=""):
    """The trajectory ended, well or negatively: the referral says which."""
    referral = _lock(referral)
    _move(referral, Transition.END_WELL if positive else Transition.END_NEGATIVELY)
    referral.save(update_fields=["status", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.ENDED, actor, note=note)
    return referral


@transaction.atomic
def hand_over_region(*, actor, referral, to_region):
    """Warm handover: the case's region changes; access moves to the new region's regisseurs."""
    referral = _lock(referral)
    old = referral.region
    referral.region = to_region
    referral.save(update_fields=["region", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.HANDED_OVER, actor, note=f"{old.name} → {to_region.name}")
    return referral
