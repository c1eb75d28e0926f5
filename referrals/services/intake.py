"""How a case comes in: a report by a care provider, or research started at the desk."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.parties.models import OrganisationKind
from woonkans.privacy.disclosure import sync_case_grants

from .. import permissions
from ..models import EventKind, Identity, Referral
from ..workflow import Status, Transition
from .common import _event, _lock, _move, _require_consultant, referral_path


@transaction.atomic
def report_resident(
    *,
    actor,
    municipality,
    given_name,
    family_name,
    street_address="",
    postcode="",
    city="",
    phone="",
    email="",
    mandate,
):
    """A care provider reports a resident to the municipality's Wmo desk (contact data only)."""
    if not actor.has_role(*permissions.REPORTER_ROLES) or municipality.kind != OrganisationKind.MUNICIPALITY:
        raise PermissionDenied
    if not mandate:
        raise ValidationError(_("Melden namens de inwoner kan alleen met zijn of haar mandaat."))
    referral = Referral.objects.create(
        municipality=municipality,
        region=municipality.region,
        created_by=actor,
        reported_by=actor.organisation,
        reported_with_mandate=True,
        status=Status.REPORTED,
    )
    Identity.objects.create(
        referral=referral,
        given_name=given_name,
        family_name=family_name,
        street_address=street_address,
        postcode=postcode,
        city=city,
        phone=phone,
        email=email,
    )
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.REPORTED, actor)
    notify(
        organisations=[municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Nieuwe melding voor Woonkans"),
        intro=_("Er is een nieuwe melding voor het Wmo-loket."),
        path=referral_path(referral),
    )
    return referral


@transaction.atomic
def start_referral(*, actor):
    """A consultant starts research for a resident who came to the desk directly."""
    if not actor.has_role(*permissions.CONSULTANT_ROLES) or actor.organisation.kind != OrganisationKind.MUNICIPALITY:
        raise PermissionDenied
    municipality = actor.organisation
    referral = Referral.objects.create(
        municipality=municipality,
        region=municipality.region,
        created_by=actor,
        status=Status.IN_RESEARCH,
        research_started_at=timezone.now(),
    )
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.STARTED, actor)
    return referral


@transaction.atomic
def start_research(*, actor, referral):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _move(referral, Transition.START_RESEARCH)
    referral.research_started_at = timezone.now()
    referral.save(update_fields=["status", "research_started_at", "updated_at"])
    _event(referral, EventKind.STARTED, actor)
    return referral
