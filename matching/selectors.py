"""Reads of profiles, the matching table, trajectories and meetings: filtered per user and logged.

Corporation-facing reads load profiles (code and content) only; identity is read
only through referrals.selectors after a match, by the matched corporation.
"""

import datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.http import Http404

from referrals import permissions as referral_permissions
from referrals import selectors as referral_selectors
from referrals.models import ExceptionRequest
from referrals.workflow import Status
from woonkans.audit.models import AccessAction, AccessOutcome
from woonkans.audit.services import log_access
from woonkans.privacy.disclosure.grants import member_of_own_organisation
from woonkans.privacy.personal_data import corporation_fields
from woonkans.privacy.restriction import is_restricted

from . import permissions
from .models import (
    CaseMeeting,
    Match,
    Profile,
    ProfileMessage,
    ProfileShare,
    ProfileStatus,
    ShareResponse,
)
from .models.trajectory import NEGATIVE_ENDINGS

OBJECT_TYPE = "matching.profile"


def _deny(user, object_id, purpose, object_type=OBJECT_TYPE):
    log_access(
        user=user,
        action=AccessAction.READ,
        object_type=object_type,
        object_id=str(object_id),
        outcome=AccessOutcome.DENIED,
        purpose=purpose,
    )
    raise Http404


def _read(user, profile, purpose):
    log_access(user=user, action=AccessAction.READ, obj=profile, subject=profile.code, purpose=purpose)


def _offers(response=ShareResponse.OFFER):
    """A corporation's open answer on the profile (a dwelling offered): what the overleg must decide on."""
    return ProfileShare.objects.filter(profile=OuterRef("pk"), response=response, revoked_at__isnull=True)


def _region_profiles(user, status=None, queryset=None, share_response=None, probe=False):
    """``probe``: the home's capped counts, which walk a status index (disclosure.grants.granted)."""
    queryset = queryset if queryset is not None else Profile.objects.all()
    profiles = permissions.visible_profiles(
        user, queryset, permissions.REGISSEUR_ROLES, perm=permissions.CHANGE, probe=probe
    )
    if share_response:
        profiles = profiles.filter(Exists(_offers(share_response)))
    return profiles.filter(status=status) if status else profiles


def region_profiles(*, user, status=None, share_response=None):
    """The region's profiles; ``share_response`` keeps those a corporation answered so (e.g. an offer).

    Share counts are added per page (add_share_counts), never counted over the whole region.
    """
    # The grants follow the case's region (disclosure.policy: the region's chain direction), so naming
    # the region changes no row; it lets the list sorted by code walk (region, code): the codes start
    # with the region's letter, and without it the other region's profiles came first.
    queryset = Profile.objects.select_related("region").filter(region_id=getattr(user.organisation, "region_id", None))
    profiles = _region_profiles(user, status, share_response=share_response, queryset=queryset, probe=True)
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="profielen regio")
    return profiles.order_by("-created_at")


def add_share_counts(profiles):
    """Shares and offers of one page of profiles (one query for the page, not a count over the region)."""
    counts = {
        row["profile_id"]: row
        for row in ProfileShare.objects.filter(profile__in=[p.pk for p in profiles])
        .values("profile_id")
        .annotate(share_count=Count("id"), offer_count=Count("id", filter=Q(response="offer")))
        .order_by()
    }
    for profile in profiles:
        row = counts.get(profile.pk, {})
        profile.share_count = row.get("share_count", 0)
        profile.offer_count = row.get("offer_count", 0)


# The match and its four parties are a query of their own: joined to the profile's six, PostgreSQL spent
# 4-18 ms planning the eleven outer joins (0.5 ms executing), on every profile page (benchmarks/NOTES.md).
def _match_with_parties():
    return Prefetch(
        "match",
        queryset=Match.objects.select_related(
            "corporation", "care_provider", "corporation_contact", "provider_contact"
        ),
    )


def get_profile_for_regisseur(*, user, profile_id, purpose="bemiddeling"):
    profile = (
        Profile.objects.select_related(
            "region",
            "regisseur",
            "care_provider",
            "safety_plan_provider",
            "registered_by",
            "pgb_exception_by",
        )
        .prefetch_related(
            _match_with_parties(),
            "search_area",
            Prefetch("shares", queryset=ProfileShare.objects.select_related("corporation").prefetch_related("offers")),
            Prefetch("messages", queryset=ProfileMessage.objects.select_related("author", "corporation")),
            "evaluations__organisation",
            Prefetch(
                "case_meetings", queryset=CaseMeeting.objects.select_related("signal__organisation", "casusregisseur")
            ),
        )
        .filter(pk=profile_id)
        .first()
    )
    if profile is None or not permissions.has(user, permissions.CHANGE, profile, permissions.REGISSEUR_ROLES):
        _deny(user, profile_id, purpose)
    _read(user, profile, purpose)
    return profile


# The columns of the corporation's matching table (each must be corporation-visible on Profile).
TABLE_COLUMNS = ("id", "code", "age_band", "status", "contract_form", "dwelling_needs", "region_id")


def get_profile_for_consultant(*, user, profile_id):
    """The casusregisseur's read-only view: the profile as shared (feedback 2), the match and the trajectory.

    The own municipality's consultant holds view_profile from the share on (the disclosure policy).
    """
    profile = (
        Profile.objects.select_related(
            "region",
            "referral",
            "match__corporation",
            "match__care_provider",
            "regisseur",
            "care_provider",
            "safety_plan_provider",
            "registered_by",
            "pgb_exception_by",
        )
        .prefetch_related(
            "search_area",
            "evaluations__organisation",
            Prefetch("case_meetings", queryset=CaseMeeting.objects.select_related("signal__organisation")),
        )
        .filter(pk=profile_id)
        .first()
    )
    if profile is None or not permissions.has(user, permissions.VIEW, profile, permissions.CONSULTANT_ROLES):
        _deny(user, profile_id, "casusregie")
    _read(user, profile, "casusregie")
    return profile


def _corporation_shares(user, *, status=None, age_band=None, municipality=None, awaiting=False):
    """The matching table's rows and filters, unlogged (the list and its count on the home share it).

    ``awaiting``: the shares still waiting for this corporation's answer (the home's count): open, not
    revoked or placed elsewhere, and the profile still available to it.
    """
    if not user.has_role(*permissions.CORPORATION_ROLES) or user.organisation_id is None:
        return ProfileShare.objects.none()
    # The grant is probed per share (probe=True): as an EXISTS PostgreSQL hashed every profile grant of the
    # corporation first (they grow with the cases) for a page of 25 or a home count that stops at the cap.
    visible = permissions.visible_profiles(user, Profile.objects.all(), permissions.CORPORATION_ROLES, probe=True)
    shares = ProfileShare.objects.filter(corporation_id=user.organisation_id).annotate(
        available=Exists(visible.filter(pk=OuterRef("profile_id")))
    )
    if status:
        shares = shares.filter(response=status)
    if age_band:
        shares = shares.filter(available=True, profile__age_band=age_band)
    if municipality:
        shares = shares.filter(available=True, profile__search_area=municipality)
    return awaiting_answer(shares) if awaiting else shares


def awaiting_answer(shares):
    """Of the corporation's annotated shares, those still waiting for its answer (the home counts these)."""
    return shares.filter(
        available=True,
        responded_at__isnull=True,
        revoked_at__isnull=True,
        placed_elsewhere=False,
        profile__status=ProfileStatus.SHARED,
    )


def corporation_table(*, user, status=None, age_band=None, municipality=None, awaiting=False):
    """The corporation's matching table: every share it had, with the profile only while it may see it.

    A share of a case that stopped, ended or is paused keeps its row, marked not available, without
    any content (the template shows the code only); filters on content match available rows only.
    """
    if not user.has_role(*permissions.CORPORATION_ROLES) or user.organisation_id is None:
        return ProfileShare.objects.none()
    shares = (
        _corporation_shares(user, status=status, age_band=age_band, municipality=municipality, awaiting=awaiting)
        .select_related("profile")
        .prefetch_related("profile__search_area")
        .only(
            "id",
            "response",
            "shared_at",
            "placed_elsewhere",
            "corporation_id",
            # The table's columns; the declaration on Profile decides whether a corporation may read them.
            *corporation_fields(Profile, prefix="profile__", columns=TABLE_COLUMNS),
        )
    )
    log_access(user=user, action=AccessAction.SEARCH, object_type=OBJECT_TYPE, purpose="matchingstabel")
    # No DISTINCT: one share per profile and corporation (a unique constraint), and the area filter
    # joins one municipality; DISTINCT made PostgreSQL sort every share before the page of 25.
    return shares.order_by("-shared_at")


def get_profile_for_corporation(*, user, profile_id):
    # Only what Profile.personal_data lets a corporation read is loaded (a field added later stays
    # out until it is declared corporation-visible).
    profile = (
        Profile.objects.prefetch_related("search_area").only(*corporation_fields(Profile)).filter(pk=profile_id).first()
    )
    if profile is None or not permissions.has(user, permissions.VIEW, profile, permissions.CORPORATION_ROLES):
        _deny(user, profile_id, "matchingstabel")
    share = (
        ProfileShare.objects.filter(profile=profile, corporation_id=user.organisation_id)
        .prefetch_related("offers")
        .first()
    )
    if share is None:
        _deny(user, profile_id, "matchingstabel")
    _read(user, profile, "matchingstabel")
    messages = ProfileMessage.objects.filter(profile=profile, corporation_id=user.organisation_id).select_related(
        "author"
    )
    return profile, share, messages


def get_tenant(*, user, profile_id):
    """Step 6 for the matched corporation: the profile, the match and (through referrals) the identity."""
    match = Match.objects.select_related("profile").filter(profile_id=profile_id).first()
    if match is None or match.corporation_id != user.organisation_id:
        _deny(user, profile_id, "huurovereenkomst")
    referral = referral_selectors.get_identity_for_tenant(user=user, referral_id=match.profile.referral_id)
    return match, referral


def _trajectories(user):
    """The trajectories list's rows, unlogged (the list and its counts on the home share it)."""
    if not user.has_role(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES) or not user.organisation_id:
        return Match.objects.none()
    # The identity shown here is read only where the match granted it: view_identity for the
    # matched corporation, view_contact for the linked provider (the same grants as the detail pages;
    # disclosure.policy gives each only to its side, so each side is read with its own column). One column
    # per side lets PostgreSQL walk (organisation, matched_at, id) and stop after the page; the grant is
    # probed per row (probe=True) on the match's own referral_id (kept by record_match), and "not
    # restricted" is checked against the few restricted cases: the capped count (up to 1 001 matches)
    # reads neither the profile nor the referral of a match (benchmarks/NOTES.md).
    as_tenant = referral_permissions.with_visible_referral(
        user,
        Match.objects.filter(corporation_id=user.organisation_id),
        referral_permissions.CORPORATION_ROLES,
        perm=referral_permissions.VIEW_IDENTITY,
        probe=True,
    )
    as_provider = referral_permissions.with_visible_referral(
        user,
        Match.objects.filter(care_provider_id=user.organisation_id),
        referral_permissions.PROVIDER_ROLES,
        perm=referral_permissions.VIEW_CONTACT,
        probe=True,
    )
    return as_tenant | as_provider


def granted_trajectories(*, user):
    """What the trajectories list counts (``list_page(count_queryset=...)``): the organisation's matches whose
    side's grant the disclosure sync copied onto the match (Match.identity_granted / contact_granted, kept by
    case_facts.follow_grants with the grants), walked index-only in the side's partial index. The grant is
    then not probed per match (1 001 probes before: the count grew with the organisation's cases); the
    list's rows still probe it (``trajectories``). A user counts only as a member of the organisation's group
    (the grants are the group's): one uncorrelated check, run once."""
    if not user.has_role(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES) or not user.organisation_id:
        return Match.objects.none()
    member = member_of_own_organisation(user)
    sides = Match.objects.none()
    if user.has_role(*permissions.CORPORATION_ROLES):
        sides = sides | Match.objects.filter(corporation_id=user.organisation_id, identity_granted=True)
    if user.has_role(*permissions.PROVIDER_ROLES):
        sides = sides | Match.objects.filter(care_provider_id=user.organisation_id, contact_granted=True)
    return sides.filter(member)


def trajectories(*, user):
    """Running cases where the user's organisation is the matched corporation or the linked provider."""
    matches = (
        _trajectories(user)
        .select_related(
            "profile",
            "corporation",
            "care_provider",
            "corporation_contact",
            "provider_contact",
            "profile__referral__identity",
        )
        .only(
            "id",
            "dwelling_address",
            "intended_date",
            "matched_at",
            "lease_signed_on",
            "end_kind",
            "profile__id",
            "profile__code",
            "profile__status",
            "corporation__name",
            "care_provider__name",
            "corporation_contact__first_name",
            "corporation_contact__last_name",
            "provider_contact__first_name",
            "provider_contact__last_name",
            "profile__referral__id",
            "profile__referral__identity__given_name",
            "profile__referral__identity__family_name",
            "profile__referral__identity__phone",
            "profile__referral__identity__email",
            "corporation_id",
            "care_provider_id",
        )
    )
    log_access(user=user, action=AccessAction.SEARCH, object_type="matching.match", purpose="trajecten")
    # The code read per match: sorted after the organisation's matches are found (filters.TRAJECTORY_SORTS).
    code_key = Subquery(Profile.objects.filter(pk=OuterRef("profile_id")).values("code"))
    return matches.alias(code_key=code_key).order_by("-matched_at")


def consultant_trajectories(*, user):
    """The casusregisseur's list: the matches of the cases of the consultant's municipality, running or ended."""
    # The grant follows the municipality (disclosure.policy: the consultant's relation is the referral's
    # municipality, kept on the match as Match.municipality): the list walks (municipality, matched_at, id)
    # and probes each match's grant (probe=True), so a page reads its 26 matches and the capped count at
    # most 1 001. As an IN over the visible profiles, PostgreSQL hashed every profile grant of the
    # municipality and scanned every match (630 and 3 934 at 10,000 cases). The grant still decides.
    matches = (
        permissions.with_visible_profile(
            user,
            Match.objects.filter(municipality_id=user.organisation_id),
            permissions.CONSULTANT_ROLES,
            probe=True,
        )
        .select_related("profile", "corporation", "care_provider")
        .only(
            "id",
            "intended_date",
            "lease_signed_on",
            "end_kind",
            "ended_on",
            "matched_at",
            "profile__id",
            "profile__code",
            "profile__status",
            "corporation__name",
            "care_provider__name",
        )
    )
    log_access(user=user, action=AccessAction.SEARCH, object_type="matching.match", purpose="casusregie")
    return matches.order_by("-matched_at")


def ended_for_claim(*, user):
    """The matched corporation's trajectories that ended negatively: the code only, no identity.

    The policy takes identity and profile away when a trajectory ends; the corporation keeps the case's
    code and its match to file a claim on the guarantee fund (Bijlage 3).
    """
    if not user.has_role(*permissions.CORPORATION_ROLES) or not user.organisation_id:
        return Match.objects.none()
    return (
        # end_kind names the same trajectories (NEGATIVE_ENDINGS, written with the status by end_trajectory):
        # it lets the list walk the partial index matching_match_corp_ended instead of every match of the
        # corporation hashed with every negatively ended profile (8 000 buffers at 100,000 cases).
        Match.objects.filter(
            corporation=user.organisation,
            end_kind__in=NEGATIVE_ENDINGS,
            profile__status=ProfileStatus.ENDED_NEGATIVE,
            profile__referral__restricted_at__isnull=True,
        )
        .select_related("profile", "corporation", "care_provider")
        .only(
            "id",
            "ended_on",
            "profile__id",
            "profile__code",
            "profile__status",
            "corporation__name",
            "care_provider__name",
        )
        .order_by("-ended_on")
    )


def get_trajectory(*, user, profile_id):
    match = (
        Match.objects.select_related("profile", "corporation", "care_provider").filter(profile_id=profile_id).first()
    )
    allowed = (
        match is not None
        and user.organisation_id in (match.corporation_id, match.care_provider_id)
        and (user.has_role(*permissions.CORPORATION_ROLES, *permissions.PROVIDER_ROLES))
        # Paused while the resident has the processing restricted (AVG art. 18).
        and not is_restricted(match.profile.referral_id)
    )
    if not allowed:
        _deny(user, profile_id, "traject")
    _read(user, match.profile, "traject")
    return match


def get_trajectory_for_consultant(*, user, profile_id):
    """The casusregisseur follows the trajectory to its end, read only (the profile's grant decides)."""
    match = (
        Match.objects.select_related("profile__referral", "corporation", "care_provider")
        .filter(profile_id=profile_id)
        .first()
    )
    if match is None or not permissions.has(user, permissions.VIEW, match.profile, permissions.CONSULTANT_ROLES):
        _deny(user, profile_id, "casusregie")
    _read(user, match.profile, "casusregie")
    return match


def open_exception_requests(*, user):
    if not user.has_role(*permissions.REGISSEUR_ROLES) or user.organisation is None:
        return ExceptionRequest.objects.none()
    # A case that stopped (consent or referral withdrawn) leaves the overleg's list with its request.
    return ExceptionRequest.objects.filter(
        region_id=user.organisation.region_id,
        decision=ExceptionRequest.Decision.OPEN,
        referral__status=Status.EXCEPTION_REQUESTED,
    ).select_related("referral__municipality")


def housed_this_year(*, region, year):
    """The monitoring figure "Gehuisvest" for the calendar year: one definition, on every page that shows it."""
    from monitoring.definitions import housed_count

    return housed_count(region_id=region.pk, start=datetime.date(year, 1, 1), end=datetime.date(year, 12, 31))


OPEN_CASE_MEETING = (CaseMeeting.Status.REQUESTED, CaseMeeting.Status.PLANNED)


def _case_meetings_to_run(user, statuses=None):
    if not user.is_authenticated or not user.has_role(
        *permissions.REGISSEUR_ROLES, *referral_permissions.CONSULTANT_ROLES
    ):
        return CaseMeeting.objects.none()
    meetings = CaseMeeting.objects.filter(casusregisseur=user)
    return meetings.filter(status__in=statuses) if statuses else meetings


def case_meetings_to_run(*, user, statuses=None):
    """The case meetings this user was appointed to run as casusregisseur (chair or not), optionally by status."""
    meetings = _case_meetings_to_run(user, statuses)
    if meetings.query.is_empty():
        return meetings
    log_access(user=user, action=AccessAction.SEARCH, object_type="matching.casemeeting", purpose="casusoverleg")
    return (
        meetings.select_related("profile", "signal__organisation")
        .only(*CASE_MEETING_LIST_COLUMNS)
        .order_by("status", "planned_on")
    )


# The columns the list shows and sorts by: not the profile's twenty-odd fields and free texts, nor the
# signal's text, which each row of a full page carried into models for nothing (the page grew with its
# rows: benchmarks/NOTES.md). A column the list starts to show goes here, or each row reads it with a query
# of its own (tests/security/test_query_counts.py counts them at 5 and 50 rows).
CASE_MEETING_LIST_COLUMNS = (
    "id",
    "status",
    "planned_on",
    "profile__code",
    "signal__kind",
    "signal__organisation__name",
)


def get_case_meeting_to_run(*, user, case_meeting_id):
    """The appointed casusregisseur's view of one case meeting: the signal and the profile's code, no identity."""
    meeting = (
        CaseMeeting.objects.select_related(
            "profile__region", "profile__referral", "signal__organisation", "casusregisseur"
        )
        .filter(pk=case_meeting_id)
        .first()
    )
    allowed = (
        meeting is not None
        and meeting.casusregisseur_id == user.pk
        and user.has_role(*permissions.REGISSEUR_ROLES, *referral_permissions.CONSULTANT_ROLES)
    )
    if not allowed:
        _deny(user, case_meeting_id, "casusoverleg", object_type="matching.casemeeting")
    _read(user, meeting.profile, "casusoverleg")
    return meeting
