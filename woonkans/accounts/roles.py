"""The roles of the portal and the kinds of organisation each may be held in."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import OrganisationKind


class Role(models.TextChoices):
    WMO_CONSULTANT = "wmo_consultant", _("Wmo-consulent")
    KETENREGISSEUR = "ketenregisseur", _("Ketenregisseur")
    PROCESREGISSEUR = "procesregisseur", _("Procesregisseur")
    CORPORATION = "corporation", _("Verhuurconsulent")
    CARE_PROVIDER = "care_provider", _("Contactpersoon zorgaanbieder")
    TREASURER = "treasurer", _("Penningmeester MGR")
    WERKGROEP = "werkgroep", _("Lid werkgroep")
    ADMINISTRATOR = "administrator", _("Functioneel beheerder")
    # Handles the residents' GDPR requests for the municipality's cases (DPIA §15).
    PRIVACY_OFFICER = "privacy_officer", _("Privacyfunctionaris")


ALL_KINDS = frozenset(OrganisationKind.values)

ROLE_ORGANISATION_KINDS = {
    Role.WMO_CONSULTANT: frozenset({OrganisationKind.MUNICIPALITY}),
    Role.KETENREGISSEUR: frozenset({OrganisationKind.CHAIN_DIRECTION}),
    Role.PROCESREGISSEUR: frozenset({OrganisationKind.CHAIN_DIRECTION}),
    Role.CORPORATION: frozenset({OrganisationKind.CORPORATION}),
    Role.CARE_PROVIDER: frozenset({OrganisationKind.CARE_PROVIDER}),
    Role.TREASURER: frozenset({OrganisationKind.MGR}),
    # The werkgroep has members from every party (SOK Art. 3).
    Role.WERKGROEP: ALL_KINDS,
    # Each organisation may have its own administrator (access reviews, DPIA §16).
    Role.ADMINISTRATOR: ALL_KINDS,
    # The municipality is the controller for the Wmo file and answers the resident's requests.
    Role.PRIVACY_OFFICER: frozenset({OrganisationKind.MUNICIPALITY}),
}


def role_allowed_in(role, organisation_kind):
    return organisation_kind in ROLE_ORGANISATION_KINDS[Role(role)]


def role_group_name(role):
    return f"role:{role}"
