"""What every referral service shares: the case row lock, the timeline event, the checks."""

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _

from woonkans.events import CaseChanged, publish
from woonkans.privacy.restriction import ProcessingRestricted

from .. import permissions
from ..models import Referral, ReferralEvent
from ..workflow import EDITABLE, TransitionNotAllowed, move

PRIVACY_STATEMENT_VERSION = "2026-11"
BSN_INDEX_PURPOSE = "bsn"


def _lock(referral):
    """Lock the case row for this action; a restricted case (AVG art. 18) takes no action at all."""
    locked = (
        Referral.objects.select_for_update(of=("self",)).select_related("municipality", "region").get(pk=referral.pk)
    )
    if locked.restricted_at is not None:
        raise ProcessingRestricted
    return locked


def _event(referral, kind, actor, note=""):
    # Every business action on a case ends here; its subscribers (e.g. the anonymous monitoring
    # fact) hear of it after the commit (woonkans.events).
    publish(CaseChanged(referral_id=referral.pk, kind=str(kind)))
    ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        actor=actor,
        actor_organisation=actor.organisation.name if actor.organisation_id else "",
        note=note,
    )


def _require_consultant(actor, referral):
    if not permissions.has(actor, permissions.CHANGE, referral, permissions.CONSULTANT_ROLES):
        raise PermissionDenied


def _require_editable(referral):
    if referral.status not in EDITABLE:
        raise TransitionNotAllowed(_("Deze aanmelding kan niet meer worden gewijzigd."))


def _move(referral, transition):
    move(referral, transition)


def referral_path(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})
