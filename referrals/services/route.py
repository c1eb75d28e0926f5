"""The later route written on the referral: feedback, match, housing, end, regional handover."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import EventKind, Feedback, FeedbackKind
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


@transaction.atomic
def mark_matched(*, actor, referral, corporation, care_provider):
    """Step 6: the matched corporation may see identity and lease documents; the provider name and contact."""
    referral = _lock(referral)
    _move(referral, Transition.MATCH)
    referral.save(update_fields=["status", "updated_at"])
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
