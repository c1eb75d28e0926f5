"""How a case comes in: a report by a care provider, or research started at the desk."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.audit.models import AccessAction
from woonkans.audit.services import log_access
from woonkans.notifications import notify
from woonkans.parties.models import OrganisationKind
from woonkans.privacy.disclosure import sync_case_grants

from .. import permissions
from ..models import EventKind, Identity, Referral
from ..workflow import Status, Transition
from .common import _event, _lock, _move, _require_consultant, referral_path

OBJECT_TYPE = "referrals.referral"


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


EMPTY_DRAFT_DAYS = 14


def empty_drafts(*, now=None):
    """Cases a consultant started and left without entering anything, older than EMPTY_DRAFT_DAYS.

    Nothing typed means: no identity, no research, no consent, no document, no unsaved step, and
    not a care provider's report (that one holds the reporter's data).
    """
    before = (now or timezone.now()) - timezone.timedelta(days=EMPTY_DRAFT_DAYS)
    return Referral.objects.filter(
        status=Status.IN_RESEARCH,
        reported_by__isnull=True,
        created_at__lt=before,
        identity__isnull=True,
        research__isnull=True,
        consent__isnull=True,
        documents__isnull=True,
        drafts__isnull=True,
        exception_requests__isnull=True,
        subject_requests__isnull=True,
        profile__isnull=True,
    )


def remove_empty_drafts(*, now=None):
    """The daily clean-up ("Nog geen naam" rows): each removal is written to the access log."""
    removed = 0
    for referral_id in list(empty_drafts(now=now).values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            referral = empty_drafts(now=now).select_for_update(of=("self",)).filter(pk=referral_id).first()
            if referral is None:  # filled in meanwhile
                continue
            number = referral.number
            fact = referral.fact
            referral.delete()
            if fact is not None:
                fact.delete()
            log_access(
                user=None,
                action=AccessAction.DELETE,
                object_type=OBJECT_TYPE,
                object_id=str(referral_id),
                subject=number or "",
                purpose="lege aanmelding opgeruimd",
            )
            removed += 1
    return removed
