"""What matching does when other apps' events arrive (woonkans.events), after their commit."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgendaItem, AgendaItemKind, Meeting


def _next_meeting(region_id):
    return (
        Meeting.objects.select_for_update()
        .filter(region_id=region_id, held=False, date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )


def put_claim_on_next_agenda(event):
    """A filed guarantee-fund claim is first discussed in the region's next Woonkans-overleg (Art. 7.8,
    Bijlage 3 §3); the item keeps the claim's id, so its discussion can be reported back (ClaimDiscussed)."""
    meeting = _next_meeting(event.region_id)
    if meeting is None or meeting.items.filter(kind=AgendaItemKind.CLAIM, claim_id=event.claim_id).exists():
        return
    AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItemKind.CLAIM,
        profile_id=event.profile_id,
        claim_id=event.claim_id,
        title=(
            _("Claim garantiefonds %(number)s (%(code)s)") % {"number": event.number, "code": event.code}
            if event.number
            else _("Claim garantiefonds %(code)s") % {"code": event.code}
        ),
        position=meeting.items.count() + 1,
    )


def put_deviation_on_next_agenda(event):
    """A deviation from the fund's rules needs the consent of those present (art. 7.9): a vote item on
    the region's next overleg; its computed outcome goes back to the fund (ClaimDeviationVoted)."""
    meeting = _next_meeting(event.region_id)
    if (
        meeting is None
        or meeting.items.filter(
            kind=AgendaItemKind.CLAIM_DEVIATION, deviation_id=event.deviation_id, claim_id=event.claim_id
        ).exists()
    ):
        return
    title = _("Afwijking garantiefonds %(code)s") % {"code": event.code}
    AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItemKind.CLAIM_DEVIATION,
        profile_id=event.profile_id,
        claim_id=event.claim_id,
        deviation_id=event.deviation_id,
        title=(f"{title}: {event.summary}" if event.summary else title)[:200],
        position=meeting.items.count() + 1,
    )


def register():
    from woonkans import events

    events.subscribe(events.ClaimFiled, put_claim_on_next_agenda)
    events.subscribe(events.ClaimDeviationRequested, put_deviation_on_next_agenda)
