"""Profile grants: the region's regisseurs edit, chosen corporations view; always role AND grant.

The grants follow the case's stage: woonkans.privacy.disclosure derives and writes them.
"""

from django.db.models import Exists, OuterRef, Q

from referrals.permissions import CONSULTANT_ROLES, CORPORATION_ROLES, PROVIDER_ROLES, REGISSEUR_ROLES
from woonkans.parties.chain import CHAIR_ROLES, is_chair_of
from woonkans.parties.models import HousingStock, Organisation, OrganisationKind, Region
from woonkans.privacy.disclosure.grants import granted, holds
from woonkans.privacy.restriction import is_restricted

VIEW = "view_profile"
CHANGE = "change_profile"

__all__ = ["CHAIR_ROLES", "CONSULTANT_ROLES", "CORPORATION_ROLES", "PROVIDER_ROLES", "REGISSEUR_ROLES", "is_chair_of"]


# Organisations a profile is shared with; their view pauses while the case is restricted (AVG art. 18).
SHARED_WITH_ROLES = frozenset({*CORPORATION_ROLES, *PROVIDER_ROLES})


def _share_paused_for(roles):
    return set(roles) <= SHARED_WITH_ROLES


def has(user, perm, profile, roles):
    if not user.is_authenticated or not user.has_role(*roles):
        return False
    if not holds(user, perm, profile):
        return False
    return not (_share_paused_for(roles) and is_restricted(profile.referral_id))


def visible_profiles(user, queryset, roles, perm=VIEW, probe=False):
    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    # An EXISTS per row on the direct-FK grant table, not guardian's IN over every grant of the
    # organisation: a page costs the same at any number of cases (woonkans.privacy.disclosure.grants).
    visible = queryset.filter(granted(user, queryset.model, perm, probe=probe))
    return visible.filter(referral__restricted_at__isnull=True) if _share_paused_for(roles) else visible


def with_visible_profile(user, queryset, roles, perm=VIEW, probe=False):
    """The rows of ``queryset`` (a model with a ``profile``) whose profile the user may see, as
    ``visible_profiles``: the grant is probed on the row's ``profile_id``, the profile itself is not read."""
    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    profile_model = queryset.model._meta.get_field("profile").related_model
    visible = queryset.filter(granted(user, profile_model, perm, probe=probe, outer="profile_id"))
    return visible.filter(profile__referral__restricted_at__isnull=True) if _share_paused_for(roles) else visible


# ---- the Woonkans-overleg: who sits at the table (SOK art. 1j) ----

# Corporations and providers sit in the overleg (art. 1j): they read its agenda and minutes (codes
# only) and record their own attendance and votes.
PARTICIPANT_ROLES = (*CORPORATION_ROLES, *PROVIDER_ROLES)


def region_parties(region):
    """The parties of a region's overleg: its municipalities and chain direction, the corporations with
    housing stock there (Bijlage 2 step 5) or based there, and the care providers: the region's own,
    those without a region (the reference data gives them none) and those with a case here. Parties
    that left are not at the table."""
    from .models import Match

    stock = HousingStock.objects.filter(municipality__region=region).values("corporation_id")
    working_here = Match.objects.filter(profile__region=region).values("care_provider_id")
    return Organisation.objects.active().filter(
        Q(kind__in=[OrganisationKind.MUNICIPALITY, OrganisationKind.CHAIN_DIRECTION], region=region)
        | (Q(kind=OrganisationKind.CORPORATION) & (Q(region=region) | Q(pk__in=stock)))
        | (
            Q(kind=OrganisationKind.CARE_PROVIDER)
            & (Q(region=region) | Q(region__isnull=True) | Q(pk__in=working_here))
        )
    )


def party_regions(organisation):
    """The regions whose overleg an organisation sits in without being invited: a corporation where it
    has housing stock or is based; a care provider where it is based (region set by the administrator)
    or has a case (a match). A provider without either sees the meetings it was checked in at."""
    from .models import Match

    if organisation is None or not organisation.is_active:
        return Region.objects.none()
    if organisation.kind == OrganisationKind.CARE_PROVIDER:
        # Per region "has it a case here" (stops at the first match): the list of its cases' regions
        # hashed every profile (a sequential scan of matching_profile on each overleg page).
        case_here = Match.objects.filter(care_provider=organisation, profile__region=OuterRef("pk"))
        return Region.objects.filter(Q(pk=organisation.region_id) | Exists(case_here))
    if organisation.kind == OrganisationKind.CORPORATION:
        stock = HousingStock.objects.filter(corporation=organisation).values("municipality__region")
        return Region.objects.filter(Q(pk=organisation.region_id) | Q(pk__in=stock))
    return Region.objects.filter(pk=organisation.region_id)


def is_participant(user, meeting):
    """A corporation or provider user whose organisation sits at this meeting's table (or sat there)."""
    if not user.is_authenticated or not user.has_role(*PARTICIPANT_ROLES) or user.organisation_id is None:
        return False
    if party_regions(user.organisation).filter(pk=meeting.region_id).exists():
        return True
    return meeting.attendances.filter(organisation_id=user.organisation_id).exists()
