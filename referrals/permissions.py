"""Who may do what with a referral: a role of the right kind AND a guardian grant on the case.

The grants themselves follow the case's stage: woonkans.privacy.disclosure derives and writes them.

Grants go to organisation groups; the role check keeps e.g. a municipality's
werkgroep member or administrator (same group) away from case content.
"""

from guardian.core import ObjectPermissionChecker
from guardian.shortcuts import get_objects_for_user

from woonkans.accounts.roles import Role
from woonkans.parties.chain import region_directors  # noqa: F401 - re-exported; it lives in core

VIEW = "view_referral"
CHANGE = "change_referral"
VIEW_STATUS = "view_report_status"

CONSULTANT_ROLES = (Role.WMO_CONSULTANT,)
REGISSEUR_ROLES = (Role.KETENREGISSEUR, Role.PROCESREGISSEUR)
CASE_ROLES = CONSULTANT_ROLES + REGISSEUR_ROLES
REPORTER_ROLES = (Role.CARE_PROVIDER,)


def _share_paused_for(roles):
    # Corporations and care providers lose their view while the case is restricted (AVG art. 18);
    # the municipality and the regisseurs keep reading (storage is allowed), but cannot write.
    return set(roles) <= {Role.CORPORATION, Role.CARE_PROVIDER}


def has(user, perm, referral, roles):
    if not user.is_authenticated or not user.has_role(*roles):
        return False
    if _share_paused_for(roles) and referral.restricted_at is not None:
        return False
    return ObjectPermissionChecker(user).has_perm(perm, referral)


def visible_referrals(user, queryset, roles, perm=VIEW):
    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    # The bare codename: the queryset names the model. "referrals.view_identity" would be ambiguous,
    # as the Identity model has a default permission with the same codename.
    visible = get_objects_for_user(user, perm, klass=queryset, accept_global_perms=False, with_superuser=False)
    return visible.filter(restricted_at__isnull=True) if _share_paused_for(roles) else visible


VIEW_IDENTITY = "view_identity"
VIEW_CONTACT = "view_contact"
CORPORATION_ROLES = (Role.CORPORATION,)
PROVIDER_ROLES = (Role.CARE_PROVIDER,)
