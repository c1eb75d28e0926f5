"""Every write on a referral: one function per business action, one transaction, with its timeline event.

Transitions check workflow.TRANSITIONS under a row lock; the grants of the stage they move to
follow from woonkans.privacy.disclosure (sync_case_grants, in the same transaction).
Field changes land in the change log (auditlog).
"""

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from woonkans.events import CaseChanged, publish
from woonkans.notifications import notify
from woonkans.parties.models import OrganisationKind
from woonkans.privacy import crypto
from woonkans.privacy.bsn import normalise_bsn
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.files import delete_private_file, store_upload
from woonkans.privacy.restriction import ProcessingRestricted, ensure_processing_allowed

from . import eligibility, permissions
from .models import (
    Consent,
    Document,
    DocumentKind,
    EventKind,
    ExceptionRequest,
    Feedback,
    FormDraft,
    Identity,
    Referral,
    ReferralEvent,
    Research,
)
from .workflow import ACTIVE, EDITABLE, Status, Transition, TransitionNotAllowed, allowed, move

PRIVACY_STATEMENT_VERSION = "2026-11"
BSN_INDEX_PURPOSE = "bsn"


class SubmissionIncomplete(ValidationError):
    pass


def _lock(referral):
    """Lock the case row for this action; a restricted case (AVG art. 18) takes no action at all."""
    locked = (
        Referral.objects.select_for_update(of=("self",)).select_related("municipality", "region").get(pk=referral.pk)
    )
    if locked.restricted_at is not None:
        raise ProcessingRestricted
    return locked


def _event(referral, kind, actor, note=""):
    # Every business action on a case ends here; its subscribers (e.g. the anonymous monitoring
    # fact) hear of it after the commit (woonkans.events).
    publish(CaseChanged(referral_id=referral.pk, kind=str(kind)))
    ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        actor=actor,
        actor_organisation=actor.organisation.name if actor.organisation_id else "",
        note=note,
    )


def _require_consultant(actor, referral):
    if not permissions.has(actor, permissions.CHANGE, referral, permissions.CONSULTANT_ROLES):
        raise PermissionDenied


def _require_editable(referral):
    if referral.status not in EDITABLE:
        raise TransitionNotAllowed(_("Deze aanmelding kan niet meer worden gewijzigd."))


def _move(referral, transition):
    move(referral, transition)


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


@transaction.atomic
def save_identity(*, actor, referral, data):
    """Save the identity step; returns the municipalities that already hold an active referral for this BSN."""
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    identity = Identity.objects.filter(referral=referral).first() or Identity(referral=referral)
    for field, value in data.items():
        setattr(identity, field, value)
    identity.bsn = normalise_bsn(identity.bsn)
    identity.bsn_index = crypto.blind_index(identity.bsn, purpose=BSN_INDEX_PURPOSE) if identity.bsn else ""
    identity.save()
    _clear_draft(referral, "persoon")
    return duplicate_holders(referral=referral, bsn_index=identity.bsn_index)


def duplicate_holders(*, referral, bsn_index):
    """Names of the municipalities with another active referral for the same BSN (compared by blind index)."""
    if not bsn_index:
        return []
    others = (
        Identity.objects.filter(bsn_index=bsn_index, referral__status__in=ACTIVE)
        .exclude(referral=referral)
        .values_list("referral__municipality__name", flat=True)
    )
    return sorted(set(others))


@transaction.atomic
def save_research(*, actor, referral, data, step):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    research, _created = Research.objects.get_or_create(referral=referral)
    search_area = data.pop("search_area", None)
    for field, value in data.items():
        setattr(research, field, value)
    research.save()
    if search_area is not None:
        research.search_area.set(search_area)
    _clear_draft(referral, step)
    return research


@transaction.atomic
def add_document(*, actor, referral, kind, uploaded_file):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    stored = store_upload(uploaded_file, folder=f"referrals/{referral.pk.hex}")
    try:
        document = Document.from_stored(stored, referral=referral, kind=kind, uploaded_by=actor)
        document.save()
        _event(referral, EventKind.DOCUMENT_ADDED, actor, note=str(DocumentKind(kind).label))
    except Exception:
        delete_private_file(stored.path)
        raise
    return document


@transaction.atomic
def remove_document(*, actor, document):
    referral = _lock(document.referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    path, label = document.path, str(DocumentKind(document.kind).label)
    document.delete()
    _event(referral, EventKind.DOCUMENT_REMOVED, actor, note=label)
    transaction.on_commit(lambda: delete_private_file(path))


@transaction.atomic
def record_consent(*, actor, referral, support_plan_signed_on, informed_of_sharing, informed_of_rights):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _require_editable(referral)
    Consent.objects.update_or_create(
        referral=referral,
        defaults={
            "support_plan_signed_on": support_plan_signed_on,
            "informed_of_sharing": informed_of_sharing,
            "informed_of_rights": informed_of_rights,
            "privacy_statement_version": PRIVACY_STATEMENT_VERSION,
            "recorded_by": actor,
            "recorded_at": timezone.now(),
            "withdrawn_at": None,
            "withdrawal_reason": "",
        },
    )
    _clear_draft(referral, "toestemming")
    _event(referral, EventKind.CONSENT_RECORDED, actor)


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


@transaction.atomic
def request_exception(*, actor, referral, motivation):
    """The case fails the target-group check: put it, anonymously, to the region's overleg."""
    referral = _lock(referral)
    _require_consultant(actor, referral)
    identity, research, _consent = _related(referral)
    today = timezone.localdate()
    failures = eligibility.failed(
        eligibility.evaluate(referral=referral, identity=identity, research=research, on_date=today)
    )
    if not failures:
        raise ValidationError(_("Deze aanmelding voldoet aan de doelgroepcriteria; een uitzondering is niet nodig."))
    _move(referral, Transition.REQUEST_EXCEPTION)
    referral.eligible = False
    referral.eligibility_checked_at = timezone.now()
    referral.save(update_fields=["status", "eligible", "eligibility_checked_at", "updated_at"])
    sync_case_grants(referral, actor=actor)
    request = ExceptionRequest.objects.create(
        referral=referral,
        region=referral.region,
        failed_conditions=[failure.code for failure in failures],
        motivation=motivation,
        requested_by=actor,
    )
    _event(referral, EventKind.EXCEPTION_REQUESTED, actor)
    notify(
        organisations=permissions.region_directors(referral.region),
        roles=permissions.REGISSEUR_ROLES,
        subject=_("Uitzonderingsverzoek voor het Woonkans-overleg"),
        intro=_("Er is een uitzonderingsverzoek binnengekomen voor het Woonkans-overleg."),
        path=reverse("matching:meetings"),
    )
    return request


def _close(actor, referral, transition, kind, reason):
    was_with_region = referral.status in (Status.SUBMITTED, Status.EXCEPTION_REQUESTED)
    _move(referral, transition)
    referral.closed_at = timezone.now()
    referral.closed_reason = reason
    referral.save(update_fields=["status", "closed_at", "closed_reason", "updated_at"])
    # Art. 4.3: the policy takes the case away from the region, every corporation and provider at once.
    sync_case_grants(referral, actor=actor)
    _event(referral, kind, actor, note=reason)
    if was_with_region:
        notify(
            organisations=permissions.region_directors(referral.region),
            roles=permissions.REGISSEUR_ROLES,
            subject=_("Aanmelding bij Woonkans gestopt"),
            intro=_("Een aanmelding in je regio is gestopt. Je hebt er geen toegang meer toe."),
            path=referral_path(referral),
        )


@transaction.atomic
def withdraw_referral(*, actor, referral, reason):
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _close(actor, referral, Transition.WITHDRAW, EventKind.WITHDRAWN, reason)
    return referral


@transaction.atomic
def withdraw_consent(*, actor, referral, reason):
    """The resident withdraws consent: the case stops and every grant made for it is revoked."""
    referral = _lock(referral)
    _require_consultant(actor, referral)
    _close(actor, referral, Transition.WITHDRAW_CONSENT, EventKind.CONSENT_WITHDRAWN, reason)
    Consent.objects.filter(referral=referral).update(withdrawn_at=timezone.now(), withdrawal_reason=reason)
    return referral


@transaction.atomic
def give_feedback(*, actor, referral, kind, text, corporation=None, intended_date=None):
    referral = _lock(referral)
    if not permissions.has(actor, permissions.VIEW, referral, permissions.REGISSEUR_ROLES):
        raise PermissionDenied
    feedback = Feedback.objects.create(
        referral=referral, kind=kind, text=text, corporation=corporation, intended_date=intended_date, author=actor
    )
    _event(referral, EventKind.FEEDBACK, actor, note=feedback.get_kind_display())
    notify(
        organisations=[referral.municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Terugkoppeling van de regisseur"),
        intro=_("De regisseur heeft een terugkoppeling gegeven op een aanmelding van je gemeente."),
        path=referral_path(referral),
    )
    return feedback


@transaction.atomic
def save_draft(*, actor, referral, step, data):
    """Keep what the user typed (encrypted), even when it is not valid yet.

    Under the case's row lock, as the submission: an autosave that reaches the server after
    the case was submitted finds it no longer editable and keeps nothing (returns None).
    """
    if not permissions.has(actor, permissions.CHANGE, referral, permissions.CONSULTANT_ROLES):
        raise PermissionDenied
    referral = _lock(referral)
    if referral.status not in EDITABLE:
        return None
    payload = {key: data.getlist(key) for key in data if key != "csrfmiddlewaretoken"}
    draft, _created = FormDraft.objects.update_or_create(
        referral=referral, step=step, defaults={"data": json.dumps(payload), "saved_by": actor}
    )
    return draft


def _clear_draft(referral, step):
    FormDraft.objects.filter(referral=referral, step=step).delete()


def referral_path(referral):
    return reverse("referrals:detail", kwargs={"referral_id": referral.pk})


@transaction.atomic
def decide_exception(*, actor, request, granted, decision_text):
    """The overleg decided an exception request by majority; the case continues or closes."""
    chair_of_region = actor.has_role(*permissions.REGISSEUR_ROLES) and actor.organisation.region_id == request.region_id
    if not chair_of_region:
        raise PermissionDenied
    referral = _lock(request.referral)
    transition = Transition.GRANT_EXCEPTION if granted else Transition.REFUSE_EXCEPTION
    _move(referral, transition)
    referral.exception_granted = granted
    if not granted:
        referral.closed_at = timezone.now()
        referral.closed_reason = decision_text
    referral.save(update_fields=["status", "exception_granted", "closed_at", "closed_reason", "updated_at"])
    # The overleg's own agenda item carries this decision; nothing else of the case is open yet.
    sync_case_grants(referral, actor=actor, settle=False)
    ExceptionRequest.objects.filter(pk=request.pk).update(
        decision=ExceptionRequest.Decision.GRANTED if granted else ExceptionRequest.Decision.REFUSED,
        decided_at=timezone.now(),
    )
    _event(referral, EventKind.EXCEPTION_GRANTED if granted else EventKind.EXCEPTION_REFUSED, actor, note=decision_text)
    notify(
        organisations=[referral.municipality],
        roles=permissions.CONSULTANT_ROLES,
        subject=_("Besluit over een uitzonderingsverzoek"),
        intro=_("Het Woonkans-overleg heeft besloten over een uitzonderingsverzoek van je gemeente."),
        path=referral_path(referral),
    )
    return referral


def record_route_event(*, actor, referral, kind, note=""):
    """Later stages (matching) write their steps on the referral's timeline through this."""
    ensure_processing_allowed(referral_id=referral.pk)
    _event(referral, kind, actor, note=note)


@transaction.atomic
def mark_matched(*, actor, referral, corporation, care_provider):
    """Step 6: the matched corporation may see identity and lease documents; the provider name and contact."""
    referral = _lock(referral)
    _move(referral, Transition.MATCH)
    referral.save(update_fields=["status", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.MATCHED, actor, note=corporation.name)
    return referral


@transaction.atomic
def mark_housed(*, actor, referral, lease_signed_on):
    """After the match: the lease is signed. The consultant's page says the resident is housed."""
    referral = _lock(referral)
    _move(referral, Transition.HOUSE)
    referral.save(update_fields=["status", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.HOUSED, actor, note=lease_signed_on.strftime("%d-%m-%Y"))
    return referral


@transaction.atomic
def mark_ended(*, actor, referral, positive, note=""):
    """The trajectory ended, well or negatively: the referral says which."""
    referral = _lock(referral)
    _move(referral, Transition.END_WELL if positive else Transition.END_NEGATIVELY)
    referral.save(update_fields=["status", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.ENDED, actor, note=note)
    return referral


def close_for_erasure(*, referral):
    """Art. 17 granted while the research runs: the case closes as withdrawn before its data is purged.

    The caller (subject_rights.erase) holds the case's row lock and writes its own audit entry;
    a restriction does not stop an erasure, so this does not go through _lock.
    """
    if not allowed(Transition.ERASE, referral.status):
        return referral  # submitted or later: it closes when its own route says so
    _move(referral, Transition.ERASE)
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "closed_at", "updated_at"])
    return referral


@transaction.atomic
def hand_over_region(*, actor, referral, to_region):
    """Warm handover: the case's region changes; access moves to the new region's regisseurs."""
    referral = _lock(referral)
    old = referral.region
    referral.region = to_region
    referral.save(update_fields=["region", "updated_at"])
    sync_case_grants(referral, actor=actor)
    _event(referral, EventKind.HANDED_OVER, actor, note=f"{old.name} → {to_region.name}")
    return referral
