"""Submitting the case to the region, or putting it to the overleg as an exception."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.notifications import notify
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.pii_scan import scan_text

from .. import eligibility, permissions
from ..models import Consent, DocumentKind, EventKind, ExceptionRequest, FormDraft, Identity, Research
from ..workflow import Transition
from .common import _event, _lock, _move, _require_consultant, referral_path


class SubmissionIncomplete(ValidationError):
    pass


def missing_documents(referral, research):
    present = {document.kind for document in referral.documents.all()}
    required = [DocumentKind.LANDLORD_STATEMENT, DocumentKind.GBA_EXTRACT, DocumentKind.INCOME_STATEMENT]
    if research is not None and research.guardianship:
        required.append(DocumentKind.GUARDIANSHIP_DECISION)
    return [kind for kind in required if kind not in present]


def submission_problems(referral, *, identity, research, consent, on_date):
    """Everything that still stands in the way of submitting, in Dutch, in the order of the steps."""
    problems = []
    if identity is None or not (identity.bsn and identity.birth_date and identity.street_address):
        problems.append(_("Vul de persoonsgegevens aan: naam, BSN, geboortedatum en adres zijn nodig."))
    for kind in missing_documents(referral, research):
        problems.append(_("Het document ‘%(kind)s’ ontbreekt.") % {"kind": DocumentKind(kind).label})
    if consent is None or not consent.is_valid:
        problems.append(_("De toestemming van de inwoner is nog niet vastgelegd."))
    if not referral.exception_granted:
        for condition in eligibility.failed(
            eligibility.evaluate(referral=referral, identity=identity, research=research, on_date=on_date)
        ):
            problems.append(f"{condition.label}: {condition.explanation}")
    return problems


def _related(referral):
    identity = Identity.objects.filter(referral=referral).first()
    research = Research.objects.filter(referral=referral).first()
    consent = Consent.objects.filter(referral=referral).first()
    return identity, research, consent


@transaction.atomic
def submit_referral(*, actor, referral):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    identity, research, consent = _related(referral)
    today = timezone.localdate()
    problems = submission_problems(referral, identity=identity, research=research, consent=consent, on_date=today)
    if problems:
        raise SubmissionIncomplete(problems)
    _move(referral, Transition.SUBMIT)
    conditions = eligibility.evaluate(referral=referral, identity=identity, research=research, on_date=today)
    referral.eligible = not eligibility.failed(conditions) or referral.exception_granted
    referral.eligibility_checked_at = referral.submitted_at = timezone.now()
    referral.save(update_fields=["status", "eligible", "eligibility_checked_at", "submitted_at", "updated_at"])
    # The steps cannot be edited any more: what was typed but not saved has no use left.
    FormDraft.objects.filter(referral=referral).delete()
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.SUBMITTED, actor)
    notify(
        organisations=permissions.region_directors(referral.region),
        roles=permissions.REGISSEUR_ROLES,
        subject=_("Nieuwe aanmelding voor Woonkans"),
        intro=_("Er staat een nieuwe aanmelding in je inbox ‘Nieuwe aanmeldingen’."),
        path=referral_path(referral),
    )
    return referral


def _identifying_findings(text, identity):
    """The resident's identifying data in a text the overleg will read (names, BSN, dates, addresses...)."""
    names = [identity.given_name, identity.family_name, identity.full_name] if identity else []
    return scan_text(text, names=[name for name in names if name])


@transaction.atomic
def request_exception(*, actor, referral, motivation):
    """Put the case, anonymously, to the region's overleg (preamble of the SOK).

    A case that fails the target-group check asks for a widening; a case that meets every criterion
    but should nevertheless be excluded asks for an incidental exclusion, with its reason. Either way
    the overleg reads the text without the resident's identity: a text naming the resident is refused.
    """
    referral = _lock(referral)
    _require_consultant(actor, referral)
    identity, research, _consent = _related(referral)
    if not motivation.strip():
        raise ValidationError(_("Geef de motivering voor het Woonkans-overleg."))
    findings = _identifying_findings(motivation, identity)
    if findings:
        raise ValidationError(
            _("Het overleg bespreekt het verzoek anoniem. Haal deze gegevens uit de motivering: %(found)s.")
            % {"found": ", ".join(sorted({finding.label for finding in findings}))}
        )
    today = timezone.localdate()
    failures = eligibility.failed(
        eligibility.evaluate(referral=referral, identity=identity, research=research, on_date=today)
    )
    kind = ExceptionRequest.Kind.WIDENING if failures else ExceptionRequest.Kind.EXCLUSION
    _move(referral, Transition.REQUEST_EXCEPTION)
    referral.eligible = False
    referral.eligibility_checked_at = timezone.now()
    referral.save(update_fields=["status", "eligible", "eligibility_checked_at", "updated_at"])
    sync_case_grants(referral, actor=actor)
    request = ExceptionRequest.objects.create(
        referral=referral,
        region=referral.region,
        kind=kind,
        failed_conditions=[failure.code for failure in failures],
        motivation=motivation,
        scanned=True,
        requested_by=actor,
    )
    widening = kind == ExceptionRequest.Kind.WIDENING
    _event(referral, EventKind.EXCEPTION_REQUESTED if widening else EventKind.EXCLUSION_REQUESTED, actor)
    notify(
        organisations=permissions.region_directors(referral.region),
        roles=permissions.REGISSEUR_ROLES,
        subject=_("Uitzonderingsverzoek voor het Woonkans-overleg"),
        intro=_("Er is een uitzonderingsverzoek binnengekomen voor het Woonkans-overleg."),
        path=reverse("matching:meetings"),
    )
    return request


@transaction.atomic
def decide_exception(*, actor, request, granted, decision_text):
    """The overleg decided an exception request by majority; the case continues or closes."""
    chair_of_region = actor.has_role(*permissions.REGISSEUR_ROLES) and actor.organisation.region_id == request.region_id
    if not chair_of_region:
        raise PermissionDenied
    referral = _lock(request.referral)
    widening = request.kind == ExceptionRequest.Kind.WIDENING
    # A granted widening lets the research go on; a granted incidental exclusion closes the case.
    if widening:
        transition = Transition.GRANT_EXCEPTION if granted else Transition.REFUSE_EXCEPTION
        event = EventKind.EXCEPTION_GRANTED if granted else EventKind.EXCEPTION_REFUSED
    else:
        transition = Transition.EXCLUDE if granted else Transition.KEEP_IN_TARGET_GROUP
        event = EventKind.EXCLUDED if granted else EventKind.NOT_EXCLUDED
    _move(referral, transition)
    closes = granted != widening
    referral.exception_granted = granted and widening
    if closes:
        referral.closed_at = timezone.now()
        referral.closed_reason = decision_text
    referral.save(update_fields=["status", "exception_granted", "closed_at", "closed_reason", "updated_at"])
    # The overleg's own agenda item carries this decision; nothing else of the case is open yet.
    sync_case_grants(referral, actor=actor, settle=False)
    ExceptionRequest.objects.filter(pk=request.pk).update(
        decision=ExceptionRequest.Decision.GRANTED if granted else ExceptionRequest.Decision.REFUSED,
        decided_at=timezone.now(),
    )
    _event(referral, event, actor, note=decision_text)
    notify(
        organisations=[referral.municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Besluit over een uitzonderingsverzoek"),
        intro=_("Het Woonkans-overleg heeft besloten over een uitzonderingsverzoek van je gemeente."),
        path=referral_path(referral),
    )
    return referral
