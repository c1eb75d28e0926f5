"""A case stops before it is housed: withdrawn, consent withdrawn, or erased (art. 17)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.privacy.disclosure import sync_case_grants

from .. import permissions
from ..models import Consent, EventKind
from ..workflow import Status, Transition, allowed
from .common import _event, _lock, _move, _require_consultant, referral_path


def _close(actor, referral, transition, kind, reason):
    was_with_region = referral.status in (Status.SUBMITTED, Status.EXCEPTION_REQUESTED)
    _move(referral, transition)
    referral.closed_at = timezone.now()
    referral.closed_reason = reason
    referral.save(update_fields=["status", "closed_at", "closed_reason", "updated_at"])
    # Art. 4.3: the policy takes the case away from the region, every corporation and provider at once.
    sync_case_grants(referral, actor=actor)
    _event(referral, kind, actor, note=reason)
    if was_with_region:
        notify(
            organisations=permissions.region_directors(referral.region),
            roles=permissions.REGISSEUR_ROLES,
            subject=_("Aanmelding bij Woonkans gestopt"),
            intro=_("Een aanmelding in je regio is gestopt. Je hebt er geen toegang meer toe."),
            path=referral_path(referral),
        )


@transaction.atomic
def withdraw_referral(*, actor, referral, reason):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _close(actor, referral, Transition.WITHDRAW, EventKind.WITHDRAWN, reason)
    return referral


@transaction.atomic
def withdraw_consent(*, actor, referral, reason):
    """The resident withdraws consent: the case stops and every grant made for it is revoked."""
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _close(actor, referral, Transition.WITHDRAW_CONSENT, EventKind.CONSENT_WITHDRAWN, reason)
    Consent.objects.filter(referral=referral).update(withdrawn_at=timezone.now(), withdrawal_reason=reason)
    return referral


def close_for_erasure(*, referral):
    """Art. 17 granted while the research runs: the case closes as withdrawn before its data is purged.

    The caller (subject_rights.erase) holds the case's row lock and writes its own audit entry;
    a restriction does not stop an erasure, so this does not go through _lock.
    """
    if not allowed(Transition.ERASE, referral.status):
        return referral  # submitted or later: it closes when its own route says so
    _move(referral, Transition.ERASE)
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "closed_at", "updated_at"])
    return referral
