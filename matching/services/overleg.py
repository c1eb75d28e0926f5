"""The Woonkans-overleg: meetings, check-in per organisation, agenda, votes and decisions."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from referrals import services as referral_services
from woonkans.privacy.restriction import ensure_processing_allowed

from .. import permissions
from ..models import AgendaItem, AgendaItemKind, Attendance, Meeting, Vote, VoteChoice


def has_majority(*, votes_for, present):
    """More than half of the organisations present; a tie is not a majority (preamble of the SOK)."""
    return present > 0 and votes_for * 2 > present


def _require_chair(actor, meeting_or_region):
    region = getattr(meeting_or_region, "region", meeting_or_region)
    if not permissions.is_chair_of(actor, region):
        raise PermissionDenied


@transaction.atomic
def create_meeting(*, actor, region, date):
    _require_chair(actor, region)
    return Meeting.objects.create(region=region, date=date, chair=actor)


@transaction.atomic
def check_in(*, actor, meeting, organisation, present=True):
    _require_chair(actor, meeting)
    if present:
        Attendance.objects.get_or_create(meeting=meeting, organisation=organisation)
    else:
        Attendance.objects.filter(meeting=meeting, organisation=organisation).delete()
        Vote.objects.filter(item__meeting=meeting, organisation=organisation, item__decided=False).delete()


@transaction.atomic
def add_agenda_item(*, actor, meeting, kind, title, profile=None, exception_request=None):
    _require_chair(actor, meeting)
    if profile is not None:
        ensure_processing_allowed(referral_id=profile.referral_id)
    if exception_request is not None:
        ensure_processing_allowed(referral_id=exception_request.referral_id)
    if profile is not None and profile.region_id != meeting.region_id:
        raise ValidationError(_("Dit profiel hoort bij een andere regio."))
    if exception_request is not None and exception_request.region_id != meeting.region_id:
        raise ValidationError(_("Dit verzoek hoort bij een andere regio."))
    position = meeting.items.count() + 1
    return AgendaItem.objects.create(
        meeting=meeting, kind=kind, title=title, profile=profile, exception_request=exception_request, position=position
    )


@transaction.atomic
def record_vote(*, actor, item, organisation, choice):
    _require_chair(actor, item.meeting)
    if item.decided:
        raise ValidationError(_("Over dit punt is al besloten."))
    if not Attendance.objects.filter(meeting=item.meeting, organisation=organisation).exists():
        raise ValidationError(_("Alleen aanwezige organisaties stemmen mee."))
    Vote.objects.update_or_create(item=item, organisation=organisation, defaults={"choice": choice})


@transaction.atomic
def decide_item(*, actor, item, decision):
    """Record the decision; an exception request is granted only by a majority of those present."""
    item = (
        AgendaItem.objects.select_for_update(of=("self",))
        .select_related("meeting", "exception_request")
        .get(pk=item.pk)
    )
    _require_chair(actor, item.meeting)
    if item.decided:
        raise ValidationError(_("Over dit punt is al besloten."))
    if item.profile_id is not None:
        ensure_processing_allowed(referral_id=item.profile.referral_id)
    if item.kind == AgendaItemKind.EXCEPTION:
        present = Attendance.objects.filter(meeting=item.meeting).count()
        votes_for = item.votes.filter(choice=VoteChoice.FOR).count()
        granted = has_majority(votes_for=votes_for, present=present)
        outcome = _("toegekend") if granted else _("afgewezen")
        decision = f"{decision}\n" if decision else ""
        decision += _("Uitzondering %(outcome)s: %(for)s van %(present)s aanwezige organisaties stemden voor.") % {
            "outcome": outcome,
            "for": votes_for,
            "present": present,
        }
        referral_services.decide_exception(
            actor=actor, request=item.exception_request, granted=granted, decision_text=decision
        )
    item.decision = decision
    item.decided = True
    item.save(update_fields=["decision", "decided"])
    return item


@transaction.atomic
def mark_held(*, actor, meeting, notes):
    _require_chair(actor, meeting)
    meeting.held = True
    meeting.notes = notes
    meeting.save(update_fields=["held", "notes"])
    return meeting
