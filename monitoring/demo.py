"""Demo werkgroep (SOK art. 8.6): its seats as data, and its meetings of the last two years (five a year)
with agenda and minutes, plus one still to hold. The figures themselves come from the demo's cases."""

import datetime

from django.urls import reverse
from django.utils import timezone

from woonkans.accounts.models import User
from woonkans.parties.models import Organisation

from . import services
from .models import Seat, WerkgroepMeeting, WerkgroepMember

SEATS = [
    (Seat.MUNICIPALITY, "Gemeente Venray", "werkgroep.venray"),
    (Seat.MUNICIPALITY, "Gemeente Venlo", None),
    (Seat.MUNICIPALITY, "Gemeente Roermond", None),
    (Seat.MUNICIPALITY, "Gemeente Weert", None),
    (Seat.CORPORATION, "Woonwenz", None),
    (Seat.CORPORATION, "Antares", None),
    (Seat.CORPORATION, "Wonen Limburg", None),
    (Seat.CORPORATION, "Wonen Zuid", None),
    (Seat.PROVIDER_BW, "Moveoo", None),
    (Seat.PROVIDER_BW, "PSW", None),
    (Seat.PROVIDER_BW, "Vincent van Gogh", None),
    (Seat.PROVIDER_MO, "Leger des Heils", None),
    (Seat.PROVIDER_OTHER, "Kr8tig", None),
    (Seat.CHAIR, "Ketenregie Noord-Limburg", "ketenregisseur.noord"),
    (Seat.CHAIR, "Ketenregie Midden-Limburg", "ketenregisseur.midden"),
]
# Five meetings a year (art. 8.6): month and day.
MEETING_DAYS = [(2, 12), (4, 15), (6, 17), (9, 16), (11, 18)]
AGENDA = "1. Opening\n2. Monitoring: cijfers per regio en doorlooptijden\n3. Garantiefonds\n4. Rondvraag"


def seed_demo_werkgroep(*, scale=0):
    if WerkgroepMember.objects.exists():
        return []
    admin = User.objects.get(is_demo=True, username="beheerder")
    organisations = {org.name: org for org in Organisation.objects.filter(name__in=[name for _s, name, _u in SEATS])}
    users = {user.username: user for user in User.objects.filter(is_demo=True)}
    today = timezone.localdate()
    since = today - datetime.timedelta(days=730)
    for seat, name, username in SEATS:
        services.add_werkgroep_member(
            actor=admin, seat=seat, organisation=organisations[name], since=since, person=users.get(username)
        )
    for year in range(today.year - 2, today.year + 2):
        for month, day in MEETING_DAYS:
            held_on = datetime.date(year, month, day)
            if held_on < since or held_on > today + datetime.timedelta(days=90):
                continue
            meeting = services.plan_werkgroep_meeting(actor=admin, held_on=held_on, agenda=AGENDA)
            if held_on < today:
                services.record_werkgroep_minutes(
                    actor=admin,
                    meeting=meeting,
                    minutes="De cijfers besproken; de doorlooptijd tot de match blijft aandacht vragen.",
                )
    return []


def manifest_objects():
    meetings = WerkgroepMeeting.objects.order_by("held_on")
    upcoming = meetings.filter(held_on__gte=timezone.localdate()).first()
    held = meetings.filter(held_on__lt=timezone.localdate()).last()
    objects = [
        {
            "kind": "werkgroep",
            "label": f"Werkgroep Woonkans: {WerkgroepMember.objects.count()} zetels",
            "path": reverse("monitoring:werkgroep"),
            "user": "werkgroep.venray",
        }
    ]
    for label, meeting in (("Werkgroepvergadering (gehouden)", held), ("Werkgroepvergadering (gepland)", upcoming)):
        if meeting is not None:
            objects.append(
                {
                    "kind": "werkgroep_meeting",
                    "label": f"{label} {meeting.held_on:%d-%m-%Y}",
                    "path": reverse("monitoring:werkgroep_meeting", kwargs={"meeting_id": meeting.pk}),
                    "user": "werkgroep.venray",
                }
            )
    return objects
