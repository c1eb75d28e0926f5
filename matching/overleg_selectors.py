"""Reads of the Woonkans-overleg: the meetings a user sits at, one meeting with its agenda and minutes, and
what the chair can put on the agenda. Filtered per user and logged, as matching.selectors."""

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from woonkans import cases
from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access

from . import permissions
from .models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Decision,
    Meeting,
    Profile,
    Vote,
    VoteRecord,
)
from .selectors import _deny
from .services import overleg as services_overleg
from .services.overleg import PROFILE_STATUSES


def _participant_meetings(user):
    organisation = user.organisation
    regions = permissions.party_regions(organisation).values("pk")
    return Meeting.objects.filter(
        Q(region__in=regions) | Q(pk__in=Attendance.objects.filter(organisation=organisation).values("meeting_id"))
    )


def _region_meetings(user, held=None):
    if user.organisation is None:
        return Meeting.objects.none()
    if user.has_role(*permissions.REGISSEUR_ROLES):
        meetings = Meeting.objects.filter(region_id=user.organisation.region_id)
    elif user.has_role(*permissions.PARTICIPANT_ROLES):
        meetings = _participant_meetings(user)
    else:
        return Meeting.objects.none()
    return meetings if held is None else meetings.filter(held=held)


def region_meetings(*, user, held=None):
    """The meetings a user sits at: the region's for its regisseurs; for a corporation or provider those of
    the regions it is a party in (SOK art. 1j) and those it attended. ``held``: only those (not) held."""
    meetings = _region_meetings(user, held)
    if not meetings.query.is_empty():
        log_access(user=user, action=AccessAction.SEARCH, object_type="matching.meeting", purpose="woonkans-overleg")
    # Counted per meeting shown (a subquery after the page's LIMIT), not by joining every agenda item of
    # every meeting before the page is cut: the items grow with the cases, the page does not.
    items = AgendaItem.objects.filter(meeting=OuterRef("pk")).order_by().values("meeting").annotate(n=Count("pk"))
    item_count = Coalesce(Subquery(items.values("n")), 0)
    return meetings.select_related("chair", "region").annotate(item_count=item_count).order_by("-date")


def may_see_meeting(user, meeting):
    if user.organisation is None:
        return False
    if user.has_role(*permissions.REGISSEUR_ROLES):
        return meeting.region_id == user.organisation.region_id
    return permissions.is_participant(user, meeting)


def get_meeting(*, user, meeting_id):
    """One meeting with its agenda, votes (current and as they were cast), decisions and attendance.

    Corporations and providers at the table read the same page by codes only: nothing here loads a
    resident's identity, and the exception request is read without its case (referral) for them.
    """
    meeting = Meeting.objects.select_related("region", "chair").filter(pk=meeting_id).first()
    if meeting is None or not may_see_meeting(user, meeting):
        _deny(user, meeting_id, "woonkans-overleg", object_type="matching.meeting")
    log_access(user=user, action=AccessAction.READ, obj=meeting, purpose="woonkans-overleg")
    regisseur = user.has_role(*permissions.REGISSEUR_ROLES)
    related = ["profile", "offer__share__corporation", "signal", "exception_request"]
    if regisseur:
        related.append("exception_request__referral__municipality")
    # The votes, their records and the decisions are read by read_agenda (the page, the PDF); an action
    # picks one item from this queryset and reads only what it needs.
    items = AgendaItem.objects.filter(meeting=meeting).select_related(*related)
    attendances = Attendance.objects.filter(meeting=meeting).select_related("organisation")
    return meeting, items, attendances


# What read_agenda attaches to each item, read as the items' `votes`, `vote_records` and `decisions`.
_AGENDA_DETAILS = (
    ("votes", lambda: Vote.objects.select_related("organisation").order_by("organisation__name", "id")),
    ("vote_records", lambda: VoteRecord.objects.select_related("organisation", "recorded_by")),
    ("decisions", lambda: Decision.objects.select_related("recorded_by", "corrects")),
)


def read_agenda(meeting, items):
    """The agenda as a list, each item with its votes, vote records and decisions: four queries always.

    prefetch_related skips its queries when the agenda is empty, so a meeting page cost 8 queries without
    items and 11 with (the benchmark's first linked meeting differs per size). The three are read here by
    meeting, whatever the agenda holds, and put where prefetch_related would put them (the related
    managers' `.all()` then reads no more), so the page, its template and tally() read them as before.
    """
    items = list(items)
    by_item = {item.pk: item for item in items}
    for name, queryset in _AGENDA_DETAILS:
        rows = {pk: [] for pk in by_item}
        for row in queryset().filter(item__meeting=meeting):
            rows.setdefault(row.item_id, []).append(row)
        for pk, item in by_item.items():
            cached = getattr(item, name).get_queryset()
            cached._result_cache, cached._prefetch_done = rows[pk], True
            item._prefetched_objects_cache = {**getattr(item, "_prefetched_objects_cache", {}), name: cached}
    return items


def deny_action(*, user, meeting_id):
    """An action on a meeting that is not this user's: 404, logged as a denial."""
    _deny(user, meeting_id, "woonkans-overleg", object_type="matching.meeting")


def agenda_profile(*, meeting, code):
    """The region's open profile with this code (the chair types it), or None.

    A lookup instead of a list: the region's open profiles grow with the cases (12 000 at 100 000
    cases), and rendering them as options made the agenda page O(cases) (benchmarks/NOTES.md).
    """
    code = code.strip().upper()
    if not code:
        return None
    return Profile.objects.filter(region_id=meeting.region_id, status__in=PROFILE_STATUSES, code=code).first()


def _code(code):
    return code.strip().upper()


def agenda_offers(*, meeting, code):
    """The open offers on the region's profile with this code (the chair types the profile's code): one
    per corporation at most (one share per corporation, one answer per share), bounded by the region's
    corporations, not by the cases. Found through the profile's unique code index."""
    return list(
        services_overleg.open_offers(meeting.region_id)
        .filter(share__profile__code=_code(code))
        .select_related("share__profile", "share__corporation")
        .order_by("share__corporation__name")
    )


def agenda_signal(*, meeting, code):
    """The oldest open signal on the region's profile with this code that is not on this agenda yet, or None."""
    on_agenda = AgendaItem.objects.filter(meeting=meeting, signal__isnull=False).values("signal_id")
    return (
        services_overleg.open_signals(meeting.region_id)
        .filter(profile__code=_code(code))
        .exclude(pk__in=on_agenda)
        .select_related("profile")
        .order_by("created_at")
        .first()
    )


def agenda_exception_request(*, meeting, number):
    """The region's open exception request with this number (UV-2026-0042, read aloud, anonymous), or None.
    Found through the number's unique index."""
    return (
        services_overleg.open_exception_requests(meeting.region_id)
        .filter(number=_code(number))
        .select_related("referral")
        .first()
    )


def agenda_candidates(*, meeting):
    """The claims awaiting this overleg, for the chair's picker: (kind, [(value, label)]).

    Profiles, offers, signals and exception requests are not listed: they grow with the cases (2,752 open
    offers at 100,000 cases), so the chair types the code read aloud at the table (agenda_profile,
    agenda_offers, agenda_signal, agenda_exception_request). The fund's claims that wait for the overleg
    (discussion before the corporation files, or a deviation vote) are few at any size: they stay a list.
    """
    claims = cases.claims_for_agenda(meeting.region_id)
    return [
        (
            AgendaItemKind.CLAIM,
            [(f"claim:{c.claim_id}", c.code) for c in claims if c.purpose == "discussion"],
        ),
        (
            AgendaItemKind.CLAIM_DEVIATION,
            [
                (f"deviation:{c.claim_id}:{c.deviation_id}", f"{c.code} – {c.summary}" if c.summary else c.code)
                for c in claims
                if c.purpose == "deviation"
            ],
        ),
    ]
