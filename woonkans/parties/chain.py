"""The region's chain direction (ketenregie): its organisations and its chair.

Used by referrals, matching and the guarantee fund alike, so it lives in core: the fund may not
import referrals or matching (import-linter contracts in pyproject.toml).
"""

from woonkans.accounts.roles import Role

from .models import Organisation, OrganisationKind

CHAIR_ROLES = (Role.KETENREGISSEUR,)


def region_directors(region):
    return Organisation.objects.filter(kind=OrganisationKind.CHAIN_DIRECTION, region=region).select_related("group")


def is_chair_of(user, region):
    return (
        user.is_authenticated
        and user.has_role(*CHAIR_ROLES)
        and user.organisation_id is not None
        and user.organisation.region_id == region.pk
        and user.organisation.kind == OrganisationKind.CHAIN_DIRECTION
    )
