"""The overleggen that decided the synthetic cases: attendance, agenda items, votes, decisions."""

import datetime

from django.utils import timezone

from woonkans import bulk
from woonkans.parties.models import Organisation

from ..models import (
    AgendaItem,
    AgendaItemKind,
    Attendance,
    Decision,
    Meeting,
    ProfileStatus,
    Vote,
    VoteRecord,
)
from .plan import _at, agenda_limits


def _overleggen(world):
    """The overleggen of both regions: attendance, agenda items for exceptions (with votes) and offers
    (decided), signals, notes; the next meeting still to hold carries what waits. One decision corrected.

    Makes the meetings and their attendance now and returns ``add(plans)``, which puts a batch of saved cases
    on the agendas (each meeting up to its limits), and ``save()``, which writes the agendas at the end.
    """
    rng, today = world.rng, world.today
    existing = set(Meeting.objects.values_list("region_id", "date"))
    attendance_pool = {}
    for organisation in Organisation.objects.filter(region__isnull=False).order_by("pk"):
        attendance_pool.setdefault(organisation.region_id, []).append(organisation.pk)
    providers = world.providers[:4]
    meetings = {}
    for region_id, chair in world.chairs.items():
        for day in world.overleg_days:
            if (region_id, day) in existing:
                continue
            held = day < today
            meetings[(region_id, day)] = Meeting(
                region_id=region_id,
                date=day,
                chair=chair,
                held=held,
                notes="Alle punten besproken; besluiten zoals op de agenda vastgelegd." if held else "",
            )
    bulk.insert(Meeting, meetings.values())
    attendances = []
    for (region_id, _day), meeting in meetings.items():
        if not meeting.held:
            continue
        present = attendance_pool.get(region_id, []) + providers
        for organisation_id in present:
            attendances.append(Attendance(meeting=meeting, organisation_id=organisation_id))
    bulk.insert(Attendance, attendances)
    present_of = {}
    for attendance in attendances:
        present_of.setdefault(attendance.meeting_id, []).append(attendance.organisation_id)

    items, decisions, votes, records = [], [], [], []
    per_meeting, positions = {}, {}
    limits = {
        municipality.region_id: agenda_limits(municipality.region.annual_housing_target)
        for municipality in world.municipalities
    }

    def item_for(meeting, kind, **values):
        count = per_meeting.get((meeting.pk, kind), 0)
        if count >= limits[meeting.region_id][kind]:
            return None
        per_meeting[(meeting.pk, kind)] = count + 1
        positions[meeting.pk] = positions.get(meeting.pk, 0) + 1
        item = AgendaItem(meeting=meeting, kind=kind, position=positions[meeting.pk], **values)
        items.append(item)
        return item

    def meeting_on(region_id, moment):
        return meetings.get((region_id, timezone.localdate(moment)))

    next_day = min(day for day in world.overleg_days if day >= today)
    upcoming = {region_id: meetings.get((region_id, next_day)) for region_id in world.chairs}

    def add(plans):
        """The agenda items of these cases (saved already), up to each meeting's limits."""
        for plan in plans:
            request = getattr(plan, "request", None)
            if request is not None:
                meeting = (
                    meeting_on(plan.region_id, request.decided_at)
                    if request.decided_at
                    else upcoming.get(plan.region_id)
                )
                decided = request.decided_at is not None
                item = meeting and item_for(
                    meeting,
                    AgendaItemKind.EXCEPTION,
                    exception_request=request,
                    title=f"Uitzonderingsverzoek {str(request.pk)[:8].upper()}",
                    decided=decided,
                    decision=("Toegekend." if plan.exception_granted else "Afgewezen.") if decided else "",
                    discussion="Besproken; de aanwezigen stemden." if decided else "",
                    discussed_at=request.decided_at,
                )
                if item is not None and decided:
                    present = present_of.get(meeting.pk, [])
                    in_favour = len(present) // 2 + 1 if plan.exception_granted else len(present) // 3
                    for index, organisation_id in enumerate(present):
                        choice = "for" if index < in_favour else "against"
                        votes.append(Vote(item=item, organisation_id=organisation_id, choice=choice))
                        records.append(
                            VoteRecord(
                                item=item,
                                organisation_id=organisation_id,
                                choice=choice,
                                recorded_by=meeting.chair,
                                recorded_at=request.decided_at,
                            )
                        )
                    decisions.append(
                        Decision(
                            item=item,
                            outcome="granted" if plan.exception_granted else "refused",
                            votes_for=in_favour,
                            present=len(present),
                            text=item.decision,
                            recorded_by=meeting.chair,
                            recorded_at=request.decided_at,
                        )
                    )
            profile = plan.profile
            if profile is None:
                continue
            for offer, matched_here in getattr(plan, "offers", []):
                if plan.matched and matched_here:
                    meeting = meeting_on(plan.region_id, plan.matched)
                    item = meeting and item_for(
                        meeting,
                        AgendaItemKind.OFFER,
                        profile=profile,
                        offer=offer,
                        title=f"Aanbod voor {profile.code}",
                        decided=True,
                        decision="Het aanbod past; de regisseur legt de match vast.",
                        discussion="De corporatie lichtte de woning toe; de zorgaanbieder kan starten.",
                        discussed_at=plan.matched,
                    )
                    if item is not None:
                        decisions.append(
                            Decision(item=item, text=item.decision, recorded_by=meeting.chair, recorded_at=plan.matched)
                        )
                elif plan.profile_status == ProfileStatus.SHARED and offer is plan.offers[0][0]:
                    # An offer still to weigh: on the agenda of the next overleg.
                    meeting = upcoming.get(plan.region_id)
                    if meeting is not None:
                        item_for(
                            meeting,
                            AgendaItemKind.OFFER,
                            profile=profile,
                            offer=offer,
                            title=f"Aanbod voor {profile.code}",
                        )
            for signal in getattr(plan, "signal_objects", []):
                meeting = world.next_overleg(signal.created_at)
                meeting = meeting and meetings.get((plan.region_id, timezone.localdate(meeting)))
                if meeting is not None:
                    item = item_for(
                        meeting,
                        AgendaItemKind.SIGNAL,
                        profile=profile,
                        signal=signal,
                        title=f"Signaal bij {profile.code}",
                        decided=meeting.held,
                        decision="De casusregisseur plant een casusoverleg." if meeting.held else "",
                        discussed_at=_at(rng, meeting.date) if meeting.held else None,
                    )
                    if item is not None and meeting.held:
                        decisions.append(
                            Decision(
                                item=item, text=item.decision, recorded_by=meeting.chair, recorded_at=item.discussed_at
                            )
                        )

    def save():
        """The agenda items, votes and decisions of every case added; one decision corrected per region."""
        bulk.insert(AgendaItem, items)
        bulk.insert(Vote, votes)
        bulk.insert(VoteRecord, records)
        bulk.insert(Decision, decisions)
        # A decision corrected afterwards (the minutes keep both): one per region.
        corrections = []
        for region_id in world.chairs:
            first = next((d for d in decisions if d.item.meeting.region_id == region_id and not d.outcome), None)
            if first is not None:
                corrections.append(
                    Decision(
                        item=first.item,
                        text=first.text + " De zorgaanbieder start twee weken eerder.",
                        corrects=first,
                        reason="De startdatum van de begeleiding stond verkeerd in het besluit.",
                        recorded_by=first.recorded_by,
                        recorded_at=first.recorded_at + datetime.timedelta(days=1),
                    )
                )
        Decision.objects.bulk_create(corrections)
        for correction in corrections:
            AgendaItem.objects.filter(pk=correction.item.pk).update(decision=correction.text)

    return add, save
