"""What matching does when other apps' events arrive (woonkans.events), after their commit."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AgendaItem, AgendaItemKind, Meeting


def put_claim_on_next_agenda(event):
    """A filed guarantee-fund claim is first discussed in the region's next Woonkans-overleg (Art. 7.8)."""
    meeting = (
        Meeting.objects.select_for_update()
        .filter(region_id=event.region_id, held=False, date__gte=timezone.localdate())
        .order_by("date")
        .first()
    )
    if meeting is None:
        return
    AgendaItem.objects.create(
        meeting=meeting,
        kind=AgendaItemKind.CLAIM,
        profile_id=event.profile_id,
        title=_("Claim garantiefonds %(code)s") % {"code": event.code},
        position=meeting.items.count() + 1,
    )


def register():
    from woonkans import events

    events.subscribe(events.ClaimFiled, put_claim_on_next_agenda)
