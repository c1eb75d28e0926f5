"""Reads of the after-care that changes hands (signals, another provider, the warm handover): filtered, logged.

Kept apart from selectors.py so that module stays within its size; the same _deny/_read helpers.
"""

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import permissions
from .models import CaseMeeting, Handover, HandshakeStatus, Match, ProfileStatus, ProviderChange
from .selectors import _deny, _read

RUNNING = (ProfileStatus.MATCHED, ProfileStatus.HOUSED)


def chair_region(user):
    """The region the user chairs (art. 6.2), or None."""
    organisation = user.organisation if user.is_authenticated and user.organisation_id else None
    if organisation is None or organisation.region_id is None:
        return None
    return organisation.region if permissions.is_chair_of(user, organisation.region) else None


def open_case_meetings(region):
    """Open signals: the chair decides whether a casusoverleg is needed (art. 8.4).

    By the meeting's own region (kept with the case's, index matching_cm_region_open): the capped count
    reads the region's open meetings from that index alone, not each one's profile."""
    return CaseMeeting.objects.filter(
        region=region, status__in=[CaseMeeting.Status.REQUESTED, CaseMeeting.Status.PLANNED]
    )


def incoming_handovers(region):
    """Art. 6.1: proposals the region's chair must answer."""
    return Handover.objects.filter(to_region=region, status=HandshakeStatus.PROPOSED)


def chair_overview(*, user):
    """The chair's after-care page, scoped to the chair's region: querysets the view pages and sorts."""
    region = chair_region(user)
    if region is None:
        return None
    log_access(user=user, action=AccessAction.SEARCH, object_type="matching.profile", purpose="nazorg regio")
    return {
        "region": region,
        # Open signals: the chair decides whether a casusoverleg is needed (art. 8.4).
        "open_meetings": open_case_meetings(region).select_related("profile", "signal__organisation", "signal__about"),
        # Art. 6.1: proposals this chair must answer; by code only (no grant before acceptance).
        "incoming": incoming_handovers(region)
        .select_related("profile", "from_region")
        .only("pk", "proposed_at", "profile__code", "from_region__name"),
        "outgoing": Handover.objects.filter(from_region=region, status=HandshakeStatus.PROPOSED)
        .select_related("profile", "to_region")
        .order_by("proposed_at")[:200],
        "provider_changes": ProviderChange.objects.filter(profile__region=region, status=HandshakeStatus.PROPOSED)
        .select_related("profile", "from_provider", "to_provider")
        .order_by("proposed_at")[:200],
        # Art. 10.3–10.4: a provider that gave notice leaves its running trajectories to be moved on.
        "leaving": Match.objects.filter(
            profile__region=region, profile__status__in=RUNNING, care_provider__notice_given_on__isnull=False
        )
        .select_related("profile", "care_provider")
        .only(
            "pk",
            "profile__id",
            "profile__code",
            "profile__status",
            "care_provider__name",
            "care_provider__notice_given_on",
            "care_provider__left_on",
        ),
    }


def get_handover_for_receiver(*, user, handover_id):
    """The receiving chair reads the proposal (code, regions, note), not the case: no grant before acceptance."""
    handover = (
        Handover.objects.select_related("profile", "from_region", "to_region", "proposed_by")
        .filter(pk=handover_id)
        .first()
    )
    if handover is None or not permissions.is_chair_of(user, handover.to_region):
        _deny(user, handover_id, "warme overdracht", object_type="matching.handover")
    _read(user, handover.profile, "warme overdracht")
    return handover


def provider_changes_to_answer(*, user):
    """Proposals to take a trajectory over, for the provider asked (code only until it accepts)."""
    if not user.is_authenticated or not user.has_role(*permissions.PROVIDER_ROLES) or not user.organisation_id:
        return ProviderChange.objects.none()
    return (
        ProviderChange.objects.filter(to_provider_id=user.organisation_id, status=HandshakeStatus.PROPOSED)
        .select_related("profile__region")
        .order_by("proposed_at")
    )


def get_provider_change_to_answer(*, user, change_id):
    change = (
        ProviderChange.objects.select_related("profile__region", "from_provider", "to_provider")
        .filter(pk=change_id)
        .first()
    )
    if (
        change is None
        or change.to_provider_id != user.organisation_id
        or not user.has_role(*permissions.PROVIDER_ROLES)
    ):
        _deny(user, change_id, "overname traject", object_type="matching.providerchange")
    _read(user, change.profile, "overname traject")
    return change
