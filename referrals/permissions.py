"""Who may do what with a referral: a role of the right kind AND a guardian grant on the case.

The grants themselves follow the case's stage: woonkans.privacy.disclosure derives and writes them.

Grants go to organisation groups; the role check keeps e.g. a municipality's
werkgroep member or administrator (same group) away from case content.
"""

from django.db.models import Exists, OuterRef

from woonkans.accounts.roles import Role
from woonkans.parties.chain import region_directors  # noqa: F401 - re-exported; it lives in core
from woonkans.privacy.disclosure.grants import granted, holds

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
    return holds(user, perm, referral)


def visible_referrals(user, queryset, roles, perm=VIEW, probe=False):
    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    # The bare codename with the referral's content type: "view_identity" is also the Identity model's
    # default permission. An EXISTS per row, not guardian's IN over every grant (disclosure.grants).
    visible = queryset.filter(granted(user, queryset.model, perm, probe=probe))
    return visible.filter(restricted_at__isnull=True) if _share_paused_for(roles) else visible


def with_visible_referral(user, queryset, roles, perm=VIEW, probe=False, outer="referral_id"):
    """The rows of ``queryset`` whose referral (the key in ``outer``) the user may see, as ``visible_referrals``:
    the grant is probed on that key and "not restricted" is checked against the restricted cases only
    (index ``referrals_restricted``), so the referral itself is not read."""
    from .models import Referral

    if not user.is_authenticated or not user.has_role(*roles):
        return queryset.none()
    visible = queryset.filter(granted(user, Referral, perm, probe=probe, outer=outer))
    if not _share_paused_for(roles):
        return visible
    restricted = Referral.objects.filter(pk=OuterRef(outer), restricted_at__isnull=False)
    return visible.filter(~Exists(restricted))


VIEW_IDENTITY = "view_identity"
VIEW_CONTACT = "view_contact"
CORPORATION_ROLES = (Role.CORPORATION,)
PROVIDER_ROLES = (Role.CARE_PROVIDER,)
