"""The Woonkans-overleg (SOK art. 1j, 6.1; Bijlage 2 step 5): meetings, attendance and the agenda here;
votes, decisions and corrections in services/decisions.py.

The rules of the meeting, each enforced here:
- attendance is recorded per organisation, by the chair or by the organisation itself, before it votes;
- an exception (widening or incidental exclusion of the target group, preamble of the SOK) and a deviation
  from the fund's rules (art. 7.9) are decided by a vote: "met meerderheid van de aanwezigen", a majority
  of the organisations present (a tie is not a majority), with at least one organisation present besides
  the chair's own; the outcome is computed from the votes, the chair's text is its required motivation
  and may not claim the opposite;
- every vote and change of vote is kept (VoteRecord); no vote after the decision;
- a decision is corrected only by a new decision that names the old one, with the reason (Decision.corrects).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.models import ExceptionRequest, Identity
from referrals.workflow import Status as ReferralStatus
from woonkans import cases
from woonkans.privacy.pii_scan import scan_text
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import (
    CLOSED_CASE_MEETING,
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Meeting,
    Offer,
    ProfileStatus,
    ShareResponse,
    Signal,
    Vote,
)

PROFILE_STATUSES = (ProfileStatus.DRAFT, ProfileStatus.SHARED, ProfileStatus.MATCHED, ProfileStatus.HOUSED)


# What an item of each kind can be about: one definition, read by the check below (_subject_problem) and
# by the chair's lookups by code (overleg_selectors.agenda_offers ...), so both say the same.
def open_offers(region_id):
    """A corporation's offer on a profile of the region that is still shared (not yet matched)."""
    return Offer.objects.filter(
        share__response=ShareResponse.OFFER,
        share__profile__status=ProfileStatus.SHARED,
        share__profile__region_id=region_id,
    )


def open_exception_requests(region_id):
    """An exception request of the region that awaits the overleg's vote (preamble of the SOK)."""
    return ExceptionRequest.objects.filter(
        region_id=region_id,
        decision=ExceptionRequest.Decision.OPEN,
        referral__status=ReferralStatus.EXCEPTION_REQUESTED,
    )


def open_signals(region_id):
    """A signal on a profile of the region whose casusoverleg is not held or waived yet (SOK art. 8.2-8.4)."""
    return Signal.objects.filter(profile__region_id=region_id).exclude(case_meeting__status__in=CLOSED_CASE_MEETING)


def has_majority(*, votes_for, present):
    """More than half of the organisations present; a tie is not a majority (preamble of the SOK)."""
    return present > 0 and votes_for * 2 > present


def _require_chair(actor, meeting_or_region):
    region = getattr(meeting_or_region, "region", meeting_or_region)
    if not permissions.is_chair_of(actor, region):
        raise PermissionDenied


def _require_chair_or_own(actor, meeting, organisation):
    """The chair records for any party; a corporation or provider at the table only for itself."""
    if permissions.is_chair_of(actor, meeting.region):
        return
    if permissions.is_participant(actor, meeting) and actor.organisation_id == organisation.pk:
        return
    raise PermissionDenied


def _not_held(meeting):
    if meeting.held:
        raise ValidationError(_("Dit overleg is afgerond; alleen een correctie van een besluit is nog mogelijk."))


def _on_or_after_date(meeting, message):
    if meeting.date > timezone.localdate():
        raise ValidationError(message)


def _lock_item(item):
    return (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting__region", "meeting__chair", "exception_request", "profile")
        .get(pk=item.pk)
    )


# ---- identifying data in what the table reads ----


def _resident_names(item):
    """The resident's own names for the scan only (never shown): the overleg speaks of codes."""
    referral_id = item.profile.referral_id if item.profile_id else None
    if referral_id is None and item.exception_request_id:
        referral_id = item.exception_request.referral_id
    identity = Identity.objects.filter(referral_id=referral_id).first() if referral_id else None
    if identity is None:
        return []
    return [name for name in (identity.given_name, identity.family_name, identity.full_name) if name]


def _refuse_identifying(text, names, *, ignore=()):
    findings = [finding for finding in scan_text(text, names=names) if finding.kind not in ignore]
    if findings:
        raise ValidationError(
            _(
                "Corporaties en zorgaanbieders lezen het verslag: noem de inwoner alleen bij de code. "
                "Haal deze gegevens uit de tekst: %(found)s."
            )
            % {"found": ", ".join(sorted({finding.label for finding in findings}))}
        )


# ---- the meeting ----


@transaction.atomic
def create_meeting(*, actor, region, date):
    _require_chair(actor, region)
    if date < timezone.localdate():
        raise ValidationError(_("Een overleg kan niet in het verleden worden gepland."))
    return Meeting.objects.create(region=region, date=date, chair=actor)


@transaction.atomic
def check_in(*, actor, meeting, organisation, present=True):
    """Record one organisation present (or not); an organisation that voted stays on the list."""
    meeting = Meeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
    _require_chair_or_own(actor, meeting, organisation)
    _not_held(meeting)
    _on_or_after_date(meeting, _("Aanwezigheid wordt vastgelegd op de dag van het overleg."))
    if not permissions.region_parties(meeting.region).filter(pk=organisation.pk).exists():
        raise ValidationError(_("%(organisation)s is geen partij in deze regio.") % {"organisation": organisation})
    if present:
        Attendance.objects.get_or_create(meeting=meeting, organisation=organisation)
        return
    if Vote.objects.filter(item__meeting=meeting, organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s heeft al gestemd en blijft als aanwezig in het verslag staan.")
            % {"organisation": organisation}
        )
    Attendance.objects.filter(meeting=meeting, organisation=organisation).delete()


@transaction.atomic
def mark_held(*, actor, meeting, notes):
    meeting = Meeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
    _require_chair(actor, meeting)
    _not_held(meeting)
    _on_or_after_date(meeting, _("Een overleg kan pas op of na de datum ervan als gehouden worden vastgelegd."))
    # The minutes go to every party: no identifying data (a date in the notes is fine).
    _refuse_identifying(notes, [], ignore=("date",))
    meeting.held = True
    meeting.notes = notes
    meeting.save(update_fields=["held", "notes"])
    return meeting


# ---- the agenda: each kind of item takes only its own kind of subject ----


def _subject_problem(meeting, kind, *, profile, offer, signal, exception_request, claim):
    """Why this subject cannot be an item of this kind on this meeting's agenda (None: it can)."""
    region_id = meeting.region_id
    if kind == AgendaItemKind.PROFILE:
        # The picker offers the running profiles; an ended one may still be discussed (its evaluation, a claim).
        if profile is None or profile.region_id != region_id or profile.status == ProfileStatus.STOPPED:
            return _("Kies een profiel van deze regio.")
    elif kind == AgendaItemKind.OFFER:
        if offer is None or not open_offers(region_id).filter(pk=offer.pk).exists():
            return _("Een aanbodpunt gaat over een openstaand aanbod van een corporatie.")
    elif kind == AgendaItemKind.EXCEPTION:
        if exception_request is None or not open_exception_requests(region_id).filter(pk=exception_request.pk).exists():
            return _("Een uitzonderingspunt gaat over een openstaand uitzonderingsverzoek van deze regio.")
    elif kind == AgendaItemKind.SIGNAL:
        if signal is None or not open_signals(region_id).filter(pk=signal.pk).exists():
            return _("Een signaalpunt gaat over een open signaal van deze regio.")
    elif kind in (AgendaItemKind.CLAIM, AgendaItemKind.CLAIM_DEVIATION):
        purpose = "discussion" if kind == AgendaItemKind.CLAIM else "deviation"
        waiting = {
            (found.claim_id, found.deviation_id)
            for found in cases.claims_for_agenda(region_id)
            if found.purpose == purpose
        }
        if claim is None or claim.purpose != purpose or (claim.claim_id, claim.deviation_id) not in waiting:
            return _("Deze claim wacht niet op het overleg.")
    else:
        return _("Kies een onderwerp voor het agendapunt.")
    return None


def _title(kind, *, profile, offer, signal, exception_request, claim):
    if kind == AgendaItemKind.OFFER:
        return _("Aanbod %(code)s: %(corporation)s, %(type)s") % {
            "code": profile.code,
            "corporation": offer.share.corporation.name,
            "type": offer.dwelling_type,
        }
    if kind == AgendaItemKind.EXCEPTION:
        return f"{exception_request.get_kind_display()} {exception_request.reference}"
    if kind == AgendaItemKind.SIGNAL:
        return _("Signaal %(code)s: %(kind)s") % {"code": profile.code, "kind": signal.get_kind_display()}
    if kind == AgendaItemKind.CLAIM:
        return _("Claim garantiefonds %(code)s") % {"code": claim.code}
    if kind == AgendaItemKind.CLAIM_DEVIATION:
        title = _("Afwijking garantiefonds %(code)s") % {"code": claim.code}
        return f"{title}: {claim.summary}"[:200] if claim.summary else title
    return _("Profiel %(code)s") % {"code": profile.code}


@transaction.atomic
def add_agenda_item(
    *, actor, meeting, kind, profile=None, offer=None, signal=None, exception_request=None, claim=None, title=None
):
    """Put a subject on the agenda; the kind decides which subjects it takes (an offer item an open
    offer, an exception item an open request, ...). ``claim`` is a woonkans.cases.ClaimForAgenda."""
    meeting = Meeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
    _require_chair(actor, meeting)
    _not_held(meeting)
    if offer is not None:
        offer = Offer.objects.select_related("share__profile", "share__corporation").get(pk=offer.pk)
        profile = offer.share.profile
    if signal is not None:
        profile = signal.profile
    # A restricted case (AVG art. 18) is not put on any agenda, whatever the item's kind.
    if profile is not None:
        ensure_processing_allowed(referral_id=profile.referral_id)
    if exception_request is not None:
        ensure_processing_allowed(referral_id=exception_request.referral_id)
    problem = _subject_problem(
        meeting, kind, profile=profile, offer=offer, signal=signal, exception_request=exception_request, claim=claim
    )
    if problem:
        raise ValidationError(problem)
    subject = {
        "offer": offer,
        "signal": signal,
        "exception_request": exception_request,
        "claim_id": claim.claim_id if claim else None,
        "deviation_id": claim.deviation_id if claim else None,
    }
    if (
        kind != AgendaItemKind.PROFILE
        and meeting.items.filter(
            kind=kind, **{key: value for key, value in subject.items() if value is not None}
        ).exists()
    ):
        raise ValidationError(_("Dit onderwerp staat al op de agenda van dit overleg."))
    return _create_item(meeting, kind, profile, claim, title, offer, signal, exception_request, subject)


def _create_item(meeting, kind, profile, claim, title, offer, signal, exception_request, subject):
    profile_id = profile.pk if profile is not None else (claim.profile_id if claim else None)
    return AgendaItem.objects.create(
        meeting=meeting,
        kind=kind,
        profile_id=profile_id,
        title=title
        or _title(kind, profile=profile, offer=offer, signal=signal, exception_request=exception_request, claim=claim),
        position=meeting.items.count() + 1,
        **subject,
    )
