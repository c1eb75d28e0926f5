"""The overleg's decisions (SOK preamble; art. 7.9): votes kept as cast, the outcome computed from them,
the chair's motivation, corrections that name what they correct, and the discussion of an item."""

import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals import services as referral_services
from woonkans import events
from woonkans.privacy.restriction import ensure_processing_allowed

from ..models import AgendaItemKind, Attendance, Decision, Outcome, Vote, VoteChoice, VoteRecord
from .overleg import (
    _lock_item,
    _not_held,
    _on_or_after_date,
    _refuse_identifying,
    _require_chair,
    _require_chair_or_own,
    _resident_names,
    has_majority,
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
