"""Profile grants: the region's regisseurs edit, chosen corporations view; always role AND grant.

The grants follow the case's stage: woonkans.privacy.disclosure derives and writes them.
"""

from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from referrals.permissions import CONSULTANT_ROLES, CORPORATION_ROLES, PROVIDER_ROLES, REGISSEUR_ROLES
from woonkans.parties.chain import CHAIR_ROLES, is_chair_of
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
    if not ObjectPermissionChecker(user).has_perm(perm, profile):
        return False
    return not (_share_paused_for(roles) and is_restricted(profile.referral_id))


def visible_profiles(user, queryset, roles, perm=VIEW):
    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    visible = get_objects_for_user(
        user, f"matching.{perm}", klass=queryset, accept_global_perms=False, with_superuser=False
    )
    return visible.filter(referral__restricted_at__isnull=True) if _share_paused_for(roles) else visible
