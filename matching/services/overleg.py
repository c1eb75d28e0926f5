"""The Woonkans-overleg (SOK art. 1j, 6.1; Bijlage 2 step 5): meetings, attendance, agenda, votes, decisions.

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

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import services as referral_services
from referrals.models import ExceptionRequest, Identity
from referrals.workflow import Status as ReferralStatus
from woonkans import cases, events
from woonkans.privacy.pii_scan import scan_text
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    CaseMeeting,
    Decision,
    Meeting,
    Offer,
    Outcome,
    ProfileStatus,
    ShareResponse,
    Vote,
    VoteChoice,
    VoteRecord,
)

PROFILE_STATUSES = (ProfileStatus.DRAFT, ProfileStatus.SHARED, ProfileStatus.HOUSED)


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


# ---- the outcome and the text that motivates it ----

_REFUSING = (
    "niet toegekend",
    "niet verleend",
    "niet goedgekeurd",
    "niet ingestemd",
    "niet akkoord",
    "niet aangenomen",
    "geen toestemming",
    "geen akkoord",
    "afgewezen",
    "afwijzen",
    "wijst af",
    "geweigerd",
    "verworpen",
)
_GRANTING = (
    "toegekend",
    "toekennen",
    "kent toe",
    "verleend",
    "goedgekeurd",
    "ingestemd",
    "stemt in",
    "aangenomen",
    "akkoord",
    "toestemming gegeven",
)


def claimed_outcome(text):
    """Which outcome a text claims, if any: GRANTED, REFUSED, or None (both or neither named)."""
    folded = " ".join(text.lower().split())
    refusing = any(word in folded for word in _REFUSING)
    for word in _REFUSING:
        folded = folded.replace(word, " ")
    granting = any(re.search(rf"\b{re.escape(word)}", folded) for word in _GRANTING)
    if refusing and not granting:
        return Outcome.REFUSED
    if granting and not refusing:
        return Outcome.GRANTED
    return None


def _motivation(text, outcome):
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Geef de motivering van het besluit."))
    claimed = claimed_outcome(text)
    if outcome and claimed is not None and claimed != outcome:
        raise ValidationError(
            _(
                "De tekst spreekt de uitkomst van de stemming tegen: het overleg heeft %(outcome)s. De uitkomst "
                "volgt uit de stemmen; beschrijf in de tekst waarom."
            )
            % {"outcome": Outcome(outcome).label}
        )
    return text


def tally(item, attendances=None, meeting=None):
    """(votes for, organisations present, quorum): quorum = someone present besides the chair's organisation.

    ``attendances`` (organisation ids) and ``meeting`` may be passed by a page that has them loaded."""
    meeting = meeting or item.meeting
    if attendances is None:
        attendances = list(Attendance.objects.filter(meeting_id=meeting.pk).values_list("organisation_id", flat=True))
    present = len(attendances)
    chair_organisation = meeting.chair.organisation_id
    quorum = any(organisation_id != chair_organisation for organisation_id in attendances)
    votes_for = sum(1 for vote in item.votes.all() if vote.choice == VoteChoice.FOR)
    return votes_for, present, quorum


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
        if profile is None or profile.region_id != region_id or profile.status not in PROFILE_STATUSES:
            return _("Kies een profiel van deze regio.")
    elif kind == AgendaItemKind.OFFER:
        open_offer = (
            offer is not None
            and offer.share.response == ShareResponse.OFFER
            and offer.share.profile.status == ProfileStatus.SHARED
            and offer.share.profile.region_id == region_id
        )
        if not open_offer:
            return _("Een aanbodpunt gaat over een openstaand aanbod van een corporatie.")
    elif kind == AgendaItemKind.EXCEPTION:
        open_request = (
            exception_request is not None
            and exception_request.region_id == region_id
            and exception_request.decision == ExceptionRequest.Decision.OPEN
            and exception_request.referral.status == ReferralStatus.EXCEPTION_REQUESTED
        )
        if not open_request:
            return _("Een uitzonderingspunt gaat over een openstaand uitzonderingsverzoek van deze regio.")
    elif kind == AgendaItemKind.SIGNAL:
        held = CaseMeeting.objects.filter(signal=signal, status=CaseMeeting.Status.HELD).exists() if signal else True
        if signal is None or signal.profile.region_id != region_id or held:
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
        return f"{exception_request.get_kind_display()} {str(exception_request.pk)[:8].upper()}"
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
    problem = _subject_problem(
        meeting, kind, profile=profile, offer=offer, signal=signal, exception_request=exception_request, claim=claim
    )
    if problem:
        raise ValidationError(problem)
    if profile is not None:
        ensure_processing_allowed(referral_id=profile.referral_id)
    if exception_request is not None:
        ensure_processing_allowed(referral_id=exception_request.referral_id)
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


# ---- votes ----


@transaction.atomic
def record_vote(*, actor, item, organisation, choice):
    """Record (or change) an organisation's vote; every vote and change is kept with time and who recorded it."""
    item = _lock_item(item)
    _require_chair_or_own(actor, item.meeting, organisation)
    if not item.is_vote:
        raise ValidationError(_("Over dit agendapunt wordt niet gestemd."))
    if item.decided:
        raise ValidationError(_("Over dit punt is al besloten."))
    _not_held(item.meeting)
    if choice not in VoteChoice.values:
        raise ValidationError(_("Kies voor, tegen of onthouding."))
    if not Attendance.objects.filter(meeting=item.meeting, organisation=organisation).exists():
        raise ValidationError(_("Alleen aanwezige organisaties stemmen mee; meld de organisatie eerst aan."))
    current = Vote.objects.filter(item=item, organisation=organisation).first()
    if current is not None and current.choice == choice:
        return current
    vote, _created = Vote.objects.update_or_create(item=item, organisation=organisation, defaults={"choice": choice})
    VoteRecord.objects.create(
        item=item,
        organisation=organisation,
        choice=choice,
        previous_choice=current.choice if current else "",
        recorded_by=actor,
    )
    return vote


# ---- decisions, corrections and the discussion of an item ----


@transaction.atomic
def decide_item(*, actor, item, decision):
    """Record the decision. For a vote item the outcome is computed from the votes and stored with the
    count; the text is the chair's motivation (required, and it may not claim the opposite outcome)."""
    item = _lock_item(item)
    _require_chair(actor, item.meeting)
    if item.decided:
        raise ValidationError(_("Over dit punt is al besloten."))
    if item.kind == AgendaItemKind.CLAIM:
        raise ValidationError(
            _("Over een claim beslist de voorzitter in het garantiefonds (art. 7.8); leg hier de bespreking vast.")
        )
    _not_held(item.meeting)
    _on_or_after_date(item.meeting, _("Een besluit wordt genomen op of na de datum van het overleg."))
    if item.profile_id is not None:
        ensure_processing_allowed(referral_id=item.profile.referral_id)
    outcome, votes_for, present = "", None, None
    if item.is_vote:
        votes_for, present, quorum = tally(item)
        if not quorum:
            raise ValidationError(
                _(
                    "Er kan nog niet worden gestemd: naast de organisatie van de voorzitter moet ten minste één "
                    "andere organisatie aanwezig zijn."
                )
            )
        outcome = Outcome.GRANTED if has_majority(votes_for=votes_for, present=present) else Outcome.REFUSED
    text = _motivation(decision, outcome)
    _refuse_identifying(text, _resident_names(item))
    record = Decision.objects.create(
        item=item, outcome=outcome, votes_for=votes_for, present=present, text=text, recorded_by=actor
    )
    item.decision = text
    item.decided = True
    item.save(update_fields=["decision", "decided"])
    if item.kind == AgendaItemKind.EXCEPTION:
        referral_services.decide_exception(
            actor=actor,
            request=item.exception_request,
            granted=outcome == Outcome.GRANTED,
            decision_text=outcome_line(record) + "\n" + text,
        )
    elif item.kind == AgendaItemKind.CLAIM_DEVIATION and item.claim_id:
        events.publish(
            events.ClaimDeviationVoted(
                claim_id=item.claim_id,
                deviation_id=item.deviation_id,
                meeting_id=item.meeting_id,
                item_id=item.pk,
                voted_on=timezone.localdate(),
                consented=outcome == Outcome.GRANTED,
                votes_for=votes_for,
                present=present,
            )
        )
    return item


def outcome_line(decision):
    """The system's own words for a computed outcome, e.g. "toegekend: 2 van 3 aanwezige organisaties voor"."""
    if not decision.outcome:
        return ""
    return _("%(outcome)s: %(for)s van %(present)s aanwezige organisaties stemden voor") % {
        "outcome": Outcome(decision.outcome).label.capitalize(),
        "for": decision.votes_for,
        "present": decision.present,
    }


@transaction.atomic
def correct_decision(*, actor, item, text, reason):
    """A recorded decision is corrected only by a new decision that names it, with the reason.

    The outcome of a vote stays what the votes gave; the correction replaces the motivation.
    """
    item = _lock_item(item)
    _require_chair(actor, item.meeting)
    latest = Decision.objects.filter(item=item, corrected_by__isnull=True).first()
    if not item.decided or latest is None:
        raise ValidationError(_("Er is nog geen besluit om te corrigeren."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Geef de reden van de correctie."))
    text = _motivation(text, latest.outcome)
    names = _resident_names(item)
    _refuse_identifying(text, names)
    _refuse_identifying(reason, names)
    Decision.objects.create(
        item=item,
        outcome=latest.outcome,
        votes_for=latest.votes_for,
        present=latest.present,
        text=text,
        corrects=latest,
        reason=reason,
        recorded_by=actor,
    )
    item.decision = text
    item.save(update_fields=["decision"])
    return item


@transaction.atomic
def record_discussion(*, actor, item, text):
    """The chair records what the overleg said about an item (in the minutes); a claim's discussion is
    reported to the fund (Bijlage 3 §3: a claim is always discussed in the overleg first)."""
    item = _lock_item(item)
    _require_chair(actor, item.meeting)
    _not_held(item.meeting)
    _on_or_after_date(item.meeting, _("De bespreking wordt vastgelegd op of na de datum van het overleg."))
    if item.discussed_at is not None:
        raise ValidationError(_("De bespreking van dit punt is al vastgelegd."))
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Beschrijf wat het overleg over dit punt heeft besproken."))
    _refuse_identifying(text, _resident_names(item))
    item.discussion = text
    item.discussed_at = timezone.now()
    item.save(update_fields=["discussion", "discussed_at"])
    if item.kind == AgendaItemKind.CLAIM and item.claim_id:
        events.publish(
            events.ClaimDiscussed(
                claim_id=item.claim_id,
                meeting_id=item.meeting_id,
                item_id=item.pk,
                discussed_on=timezone.localdate(),
            )
        )
    return item
