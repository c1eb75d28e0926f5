"""The privacy officer's actions on a resident's GDPR request: one function per action, one transaction each.

The privacy officer works for the municipality that holds the case (the controller of the Wmo
file). Access is the same as everywhere: the officer role AND the municipality's grant on the case.
Every action writes an access-log entry naming the case by id, never by name.
"""

from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from guarantee_fund.models import Claim, ClaimStatus
from referrals import permissions as referral_permissions
from referrals import services as referral_services
from referrals.models import Identity, Referral, Research
from referrals.services import BSN_INDEX_PURPOSE
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction, AccessLog
from woonkans.audit.services import log_access
from woonkans.events import CaseChanged, publish
from woonkans.privacy import crypto
from woonkans.privacy.bsn import normalise_bsn
from woonkans.privacy.disclosure import sync_case_grants
from woonkans.privacy.retention import purge_case

from .models import EXTENSION_MONTHS, Rectification, SubjectRequest, answer_due
from .recipients import case_recipients, notify_recipients
from .workflow import TRANSITIONS, RequestKind, RequestStatus, RequestTransition

OFFICER_ROLES = (Role.PRIVACY_OFFICER,)
AUDIT_PURPOSE = "rechten van betrokkene (AVG)"
OPEN_CLAIM_STATUSES = (
    ClaimStatus.DRAFT,
    ClaimStatus.FILED,
    ClaimStatus.APPROVED,
    ClaimStatus.AT_MGR,
    ClaimStatus.RETURNED,
)
# Referral statuses that are still running before submission: erasing closes them.


class ErasureGround:
    """Art. 17(1) grounds the portal can check; the Wmo retention duty (DPIA §10) otherwise applies."""

    NO_WMO_FILE = "no_wmo_file"
    UNLAWFUL = "unlawful"
    CHOICES = [
        (NO_WMO_FILE, _("Er is geen Wmo-aanmelding gedaan: de melding of het onderzoek is niet ingediend")),
        (UNLAWFUL, _("De gegevens zijn onrechtmatig verwerkt (art. 17 lid 1 sub d)")),
    ]


def is_officer_for(user, referral):
    return referral_permissions.has(user, referral_permissions.VIEW, referral, OFFICER_ROLES)


def _require_officer(actor, referral):
    if not is_officer_for(actor, referral):
        raise PermissionDenied


def _lock(request, actor):
    locked = SubjectRequest.objects.select_for_update(of=("self",)).select_related("referral").get(pk=request.pk)
    _require_officer(actor, locked.referral)
    return locked


def _lock_referral(referral_id):
    return Referral.objects.select_for_update(of=("self",)).select_related("municipality", "region").get(pk=referral_id)


def _audit(actor, request, action, purpose):
    log_access(
        user=actor,
        action=action,
        obj=request,
        subject=str(request.referral_id),
        purpose=f"{AUDIT_PURPOSE}: {purpose}",
    )


def _decide(request, actor, transition, reason, informed_on):
    TRANSITIONS.move(request, transition)
    request.decided_by, request.decided_at = actor, timezone.now()
    request.decision_reason = reason
    request.resident_informed_on = informed_on


def _require_kind(request, *kinds):
    if request.kind not in kinds:
        raise ValidationError(_("Deze handeling hoort niet bij dit soort verzoek."))


def _require_open(request):
    if request.status != RequestStatus.OPEN:
        raise ValidationError(_("Dit verzoek is al afgehandeld."))


def _check_not_future(day, message):
    if day > timezone.localdate():
        raise ValidationError(message)


@transaction.atomic
def register_request(*, actor, referral, kind, received_on, request_text):
    """Register a request with its deadline: one month from receipt (art. 12(3))."""
    _require_officer(actor, referral)
    _check_not_future(received_on, _("De ontvangstdatum ligt in de toekomst."))
    if not request_text.strip():
        raise ValidationError(_("Beschrijf wat de inwoner vraagt."))
    request = SubjectRequest.objects.create(
        referral=referral,
        municipality=referral.municipality,
        kind=RequestKind(kind),
        received_on=received_on,
        due_on=answer_due(received_on),
        request_text=request_text,
        registered_by=actor,
    )
    _audit(actor, request, AccessAction.CREATE, _("verzoek geregistreerd"))
    return request


@transaction.atomic
def extend_deadline(*, actor, request, reason):
    """Art. 12(3): once, by two further months, given the complexity or number of requests; with reasons."""
    request = _lock(request, actor)
    _require_open(request)
    if request.extended_to is not None:
        raise ValidationError(_("De termijn is al verlengd; verder verlengen mag niet."))
    if not reason.strip():
        raise ValidationError(_("Geef de reden van de verlenging; de inwoner krijgt die te horen."))
    request.extended_to = request.due_on + relativedelta(months=EXTENSION_MONTHS)
    request.extension_reason = reason
    request.save(update_fields=["extended_to", "extension_reason"])
    _audit(actor, request, AccessAction.UPDATE, _("termijn verlengd"))
    return request


@transaction.atomic
def decide_request(*, actor, request, granted, reason, informed_on):
    """Close a request with the answer sent to the resident.

    Access is granted only after the export was made; restriction is granted by restricting
    and erasure by erasing (their own actions); either may be refused here, with reasons.
    """
    request = _lock(request, actor)
    _require_open(request)
    _check_not_future(informed_on, _("De datum waarop de inwoner is geïnformeerd ligt in de toekomst."))
    if granted and request.kind in (RequestKind.RESTRICTION, RequestKind.ERASURE):
        raise ValidationError(_("Wijs dit verzoek toe met de knop voor beperken of wissen."))
    if granted and request.kind == RequestKind.RECTIFICATION and not request.rectifications.exists():
        raise ValidationError(_("Leg eerst de correctie vast."))
    if granted and request.kind == RequestKind.ACCESS and not exported(request):
        raise ValidationError(_("Maak eerst het overzicht (pdf of json) voor de inwoner."))
    if not granted and not reason.strip():
        raise ValidationError(_("Motiveer de afwijzing; de inwoner moet de reden en de klachtmogelijkheid horen."))
    _decide(request, actor, RequestTransition.GRANT if granted else RequestTransition.REFUSE, reason, informed_on)
    request.save()
    _audit(actor, request, AccessAction.UPDATE, _("toegewezen") if granted else _("afgewezen"))
    if granted and request.kind == RequestKind.OBJECTION:
        # The holders must stop the processing the resident objected to.
        notify_recipients(
            request.referral,
            subject=_("Bezwaar van een inwoner toegewezen"),
            intro=_(
                "Een inwoner heeft met succes bezwaar gemaakt tegen de verwerking van zijn of haar gegevens in "
                "een Woonkans-zaak. Stop de verwerking waartegen het bezwaar was gericht."
            ),
        )
    return request


def exported(request):
    return AccessLog.objects.filter(
        action=AccessAction.EXPORT, object_type="subject_rights.subjectrequest", object_id=str(request.pk)
    ).exists()


def record_export(*, actor, request, file_format):
    """Log that the art. 15 overview was made (it holds the resident's full file), or its access history
    shown as a page ("html": a read, not a file that leaves the portal)."""
    _require_officer(actor, request.referral)
    log_access(
        user=actor,
        action=AccessAction.READ if file_format == "html" else AccessAction.EXPORT,
        obj=request,
        subject=str(request.referral_id),
        purpose=f"{AUDIT_PURPOSE}: {_('inzageoverzicht')} ({file_format})",
    )


@transaction.atomic
def rectify(*, actor, request, identity_changes, research_changes, reason):
    """Art. 16: correct the resident's data; every organisation that received it is told (art. 19).

    Allowed on a restricted case: correcting is the officer's handling of the resident's rights.
    The old and new values go to the change log of the record, not to the rectification row.
    """
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RECTIFICATION)
    _require_open(request)
    if not reason.strip():
        raise ValidationError(_("Geef de reden van de correctie."))
    referral = _lock_referral(request.referral_id)
    if referral.purged_at is not None:
        raise ValidationError(_("De gegevens van deze zaak zijn al verwijderd."))
    changed = []
    if identity_changes:
        identity = Identity.objects.filter(referral=referral).first() or Identity(referral=referral)
        changed += _apply(identity, identity_changes, "identity")
        if "bsn" in identity_changes:
            identity.bsn = normalise_bsn(identity.bsn)
            identity.bsn_index = crypto.blind_index(identity.bsn, purpose=BSN_INDEX_PURPOSE) if identity.bsn else ""
        identity.save()
    if research_changes:
        research, _created = Research.objects.get_or_create(referral=referral)
        changed += _apply(research, research_changes, "research")
        research.save()
    if not changed:
        raise ValidationError(_("Er is niets gewijzigd."))
    notified = [entry["organisation"].name for entry in case_recipients(referral)]
    Rectification.objects.bulk_create(
        Rectification(
            request=request,
            record=record,
            field=field,
            field_label=str(label),
            reason=reason,
            corrected_by=actor,
            notified=notified,
        )
        for record, field, label in changed
    )
    _audit(actor, request, AccessAction.UPDATE, _("gegevens gecorrigeerd"))
    notify_recipients(
        referral,
        subject=_("Gegevens van een inwoner gecorrigeerd"),
        intro=_(
            "Op verzoek van een inwoner zijn gegevens in een Woonkans-zaak gecorrigeerd (AVG art. 16 en 19). "
            "Werk ook de gegevens bij die je organisatie zelf heeft overgenomen."
        ),
    )
    return changed


def _apply(instance, changes, record):
    changed = []
    for field, value in changes.items():
        if getattr(instance, field) != value:
            setattr(instance, field, value)
            changed.append((record, field, instance._meta.get_field(field).verbose_name))
    return changed


@transaction.atomic
def restrict_processing(*, actor, request, informed_on):
    """Art. 18: freeze the case (no writes) and pause what corporations and care providers see."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RESTRICTION)
    _check_not_future(informed_on, _("De datum waarop de inwoner is geïnformeerd ligt in de toekomst."))
    referral = _lock_referral(request.referral_id)
    TRANSITIONS.move(request, RequestTransition.RESTRICT)
    request.decided_by, request.decided_at, request.resident_informed_on = actor, timezone.now(), informed_on
    request.save()
    if referral.restricted_at is None:
        Referral.objects.filter(pk=referral.pk).update(restricted_at=timezone.now())
    # Art. 18: the policy pauses what corporations and providers see (grants taken away until lifted).
    sync_case_grants(referral, actor=actor)
    _audit(actor, request, AccessAction.UPDATE, _("verwerking beperkt"))
    notify_recipients(
        referral,
        subject=_("Verwerking van een Woonkans-zaak beperkt"),
        intro=_(
            "Op verzoek van een inwoner is de verwerking van een Woonkans-zaak beperkt (AVG art. 18). "
            "De zaak kan niet worden gewijzigd of gedeeld totdat de beperking is opgeheven."
        ),
    )
    return request


@transaction.atomic
def announce_lift(*, actor, request, announced_on):
    """Art. 18(3): the resident is told before the restriction is lifted."""
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RESTRICTION)
    if request.status != RequestStatus.IN_EFFECT:
        raise ValidationError(_("Er is geen beperking van kracht."))
    _check_not_future(announced_on, _("De aankondiging ligt in de toekomst; leg haar vast als ze is verstuurd."))
    request.lift_announced_on = announced_on
    request.save(update_fields=["lift_announced_on"])
    _audit(actor, request, AccessAction.UPDATE, _("opheffing aangekondigd"))
    return request


@transaction.atomic
def lift_restriction(*, actor, request, reason):
    request = _lock(request, actor)
    _require_kind(request, RequestKind.RESTRICTION)
    if request.lift_announced_on is None:
        raise ValidationError(_("Informeer de inwoner eerst dat de beperking wordt opgeheven, en leg dat vast."))
    if not reason.strip():
        raise ValidationError(_("Geef de reden waarom de beperking wordt opgeheven."))
    referral = _lock_referral(request.referral_id)
    _decide(request, actor, RequestTransition.LIFT, reason, request.lift_announced_on)
    request.lifted_at = timezone.now()
    request.save()
    still_restricted = (
        SubjectRequest.objects.filter(referral=referral, kind=RequestKind.RESTRICTION, status=RequestStatus.IN_EFFECT)
        .exclude(pk=request.pk)
        .exists()
    )
    if not still_restricted:
        Referral.objects.filter(pk=referral.pk).update(restricted_at=None)
        sync_case_grants(referral, actor=actor)
    _audit(actor, request, AccessAction.UPDATE, _("beperking opgeheven"))
    if not still_restricted:
        notify_recipients(
            referral,
            subject=_("Beperking van een Woonkans-zaak opgeheven"),
            intro=_("De beperking van de verwerking van een Woonkans-zaak is opgeheven; de zaak loopt weer."),
        )
    return request


def erasure_blockers(request, ground):
    """Why the data may not be erased (the retention duty of DPIA §10 and the rest); empty when it may."""
    referral = request.referral
    blockers = []
    if referral.purged_at is not None:
        blockers.append(_("De gegevens van deze zaak zijn al verwijderd."))
    if referral.legal_hold:
        blockers.append(_("Op deze zaak rust een juridische bewaarplicht."))
    if ground == ErasureGround.NO_WMO_FILE and referral.submitted_at is not None:
        blockers.append(
            _(
                "De inwoner is aangemeld bij Woonkans: de Wmo-bewaartermijn (5 of 15 jaar, DPIA §10) geldt. "
                "Wissen kan alleen als de gegevens onrechtmatig zijn verwerkt."
            )
        )
    if ground not in dict(ErasureGround.CHOICES):
        blockers.append(_("Kies de grond voor het wissen."))
    if Claim.objects.filter(profile__referral=referral, status__in=OPEN_CLAIM_STATUSES).exists():
        blockers.append(_("Er loopt nog een claim op het garantiefonds voor deze zaak."))
    others = SubjectRequest.objects.pending().filter(referral=referral).exclude(pk=request.pk)
    if others.exists():
        blockers.append(_("Handel eerst de andere openstaande verzoeken van deze inwoner af."))
    return blockers


@transaction.atomic
def erase(*, actor, request, ground, reason, informed_on):
    """Art. 17: remove the resident's personal data now, exactly as the retention purge would.

    The anonymous monitoring facts stay; the request rows stay as proof of handling, without
    the resident's own words.
    """
    request = _lock(request, actor)
    _require_kind(request, RequestKind.ERASURE)
    _require_open(request)
    _check_not_future(informed_on, _("De datum waarop de inwoner is geïnformeerd ligt in de toekomst."))
    if not reason.strip():
        raise ValidationError(_("Geef de motivering van het wissen."))
    referral = _lock_referral(request.referral_id)
    request.referral = referral
    blockers = erasure_blockers(request, ground)
    if blockers:
        raise ValidationError(blockers)
    recipients = case_recipients(referral)  # before the purge: who must hear of it (art. 19)
    referral_services.close_for_erasure(referral=referral)
    _decide(request, actor, RequestTransition.GRANT, reason, informed_on)
    request.save()
    counts = purge_case(referral=referral)
    sync_case_grants(referral, actor=actor)
    publish(CaseChanged(referral_id=referral.pk, kind="erased"))  # monitoring: the case stopped
    SubjectRequest.objects.filter(referral=referral).update(request_text="", decision_reason="")
    _audit(actor, request, AccessAction.DELETE, _("gegevens gewist: %(rows)s rijen") % {"rows": sum(counts.values())})
    notify_recipients(
        referral,
        recipients=recipients,
        subject=_("Gegevens van een inwoner gewist"),
        intro=_("Op verzoek van een inwoner zijn de persoonsgegevens in een Woonkans-zaak gewist (AVG art. 17 en 19)."),
    )
    return counts
