"""The werkgroep of SOK Art. 8.6: membership as data within its limits, at least five meetings a year."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from monitoring import services
from monitoring.models import Seat, WerkgroepMeeting, WerkgroepMember
from monitoring.report import produce_report
from monitoring.tasks import remind_werkgroep_meetings
from woonkans.parties.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 1)


def municipalities(count):
    return list(Organisation.objects.filter(kind=OrganisationKind.MUNICIPALITY).order_by("name")[:count])


def test_a_fifth_municipality_is_refused_with_a_dutch_message(client, signed_in, people):
    for organisation in municipalities(4):
        services.add_werkgroep_member(
            actor=people["admin"], seat=Seat.MUNICIPALITY, organisation=organisation, since=TODAY
        )
    fifth = municipalities(5)[-1]
    signed_in(people["admin"])
    response = client.post(
        reverse("monitoring:werkgroep"),
        {"lid-seat": Seat.MUNICIPALITY, "lid-organisation": fifth.pk, "lid-since": "2026-03-01"},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "volgens SOK artikel 8.6 is dat het maximum" in page
    assert f'value="{fifth.pk}" selected' in page  # nothing typed is lost
    assert WerkgroepMember.objects.count() == 4


@pytest.mark.parametrize(
    ("seat", "kind", "limit"),
    [
        (Seat.CORPORATION, OrganisationKind.CORPORATION, 4),
        (Seat.PROVIDER_BW, OrganisationKind.CARE_PROVIDER, 3),
        (Seat.PROVIDER_MO, OrganisationKind.CARE_PROVIDER, 1),
        (Seat.PROVIDER_OTHER, OrganisationKind.CARE_PROVIDER, 1),
        (Seat.CHAIR, OrganisationKind.CHAIN_DIRECTION, 2),
    ],
)
def test_every_seat_has_its_limit(people, seat, kind, limit):
    from django.core.exceptions import ValidationError

    organisations = list(Organisation.objects.filter(kind=kind).order_by("name")[: limit + 1])
    for organisation in organisations[:limit]:
        services.add_werkgroep_member(actor=people["admin"], seat=seat, organisation=organisation, since=TODAY)
    if len(organisations) > limit:
        with pytest.raises(ValidationError, match="maximum"):
            services.add_werkgroep_member(
                actor=people["admin"], seat=seat, organisation=organisations[limit], since=TODAY
            )


def test_a_seat_is_for_the_right_kind_of_party(people):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="Woningcorporatie"):
        services.add_werkgroep_member(
            actor=people["admin"], seat=Seat.CORPORATION, organisation=municipalities(1)[0], since=TODAY
        )


def test_an_ended_membership_frees_the_seat(people):
    members = [
        services.add_werkgroep_member(actor=people["admin"], seat=Seat.MUNICIPALITY, organisation=o, since=TODAY)
        for o in municipalities(4)
    ]
    services.end_werkgroep_member(actor=people["admin"], member=members[0], until=TODAY)
    services.add_werkgroep_member(
        actor=people["admin"],
        seat=Seat.MUNICIPALITY,
        organisation=municipalities(5)[-1],
        since=TODAY + datetime.timedelta(days=1),
    )


def test_meetings_carry_the_pack_and_minutes_and_too_few_are_flagged(client, signed_in, people):
    report = produce_report(start=datetime.date(2025, 7, 1), end=datetime.date(2025, 12, 31))
    year = datetime.date.today().year
    signed_in(people["noord"])
    page = client.get(reverse("monitoring:werkgroep")).content.decode()
    assert "de werkgroep vergadert minstens 5 keer per jaar" in page
    response = client.post(
        reverse("monitoring:werkgroep"), {"vergadering-held_on": f"{year}-12-01", "vergadering-agenda": "Cijfers"}
    )
    assert response.status_code == 302
    meeting = WerkgroepMeeting.objects.get()
    assert meeting.report == report
    client.post(reverse("monitoring:werkgroep_meeting", args=[meeting.pk]), {"minutes": "Besproken: de cijfers."})
    meeting.refresh_from_db()
    assert meeting.minutes == "Besproken: de cijfers."
    for month in range(1, 5):
        services.plan_werkgroep_meeting(actor=people["noord"], held_on=datetime.date(year, month, 15), agenda="x")
    assert "minstens 5 keer" not in client.get(reverse("monitoring:werkgroep")).content.decode()


def test_the_reminder_goes_out_while_fewer_than_five_are_planned(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        remind_werkgroep_meetings()
    assert {"noord@example.org", "werkgroep_venlo@example.org"} <= {message.to[0] for message in mail.outbox}
    mail.outbox.clear()
    year = datetime.date.today().year
    for month in range(1, 6):
        services.plan_werkgroep_meeting(actor=people["noord"], held_on=datetime.date(year, month, 15), agenda="x")
    with django_capture_on_commit_callbacks(execute=True):
        remind_werkgroep_meetings()
    assert not mail.outbox


def test_who_may_see_and_change_the_werkgroep(client, signed_in, people):
    for key in ("woonwenz", "moveoo", "venlo", "treasurer"):
        signed_in(people[key])
        assert client.get(reverse("monitoring:werkgroep")).status_code == 404
    signed_in(people["werkgroep_venlo"])
    assert client.get(reverse("monitoring:werkgroep")).status_code == 200
    response = client.post(
        reverse("monitoring:werkgroep"), {"vergadering-held_on": "2026-12-01", "vergadering-agenda": "Cijfers"}
    )
    assert response.status_code == 404 and not WerkgroepMeeting.objects.exists()


def test_a_meeting_and_a_membership_come_through_selectors_that_refuse_and_log(client, signed_in, people):
    from django.http import Http404

    from monitoring import selectors
    from monitoring.views import WERKGROEP_EDITOR_ROLES, WERKGROEP_ROLES
    from woonkans.audit.models import AccessLog

    meeting = services.plan_werkgroep_meeting(actor=people["admin"], held_on=TODAY, agenda="Cijfers")
    member = services.add_werkgroep_member(
        actor=people["admin"], seat=Seat.MUNICIPALITY, organisation=municipalities(1)[0], since=TODAY
    )
    with pytest.raises(Http404):
        selectors.get_werkgroep_record(
            user=people["woonwenz"], model=WerkgroepMeeting, pk=meeting.pk, roles=WERKGROEP_ROLES
        )
    with pytest.raises(Http404):
        selectors.get_werkgroep_record(
            user=people["noord"], model=WerkgroepMeeting, pk=meeting.pk + 1000, roles=WERKGROEP_ROLES
        )
    with pytest.raises(Http404):
        selectors.get_werkgroep_record(
            user=people["werkgroep_venlo"], model=WerkgroepMember, pk=member.pk, roles=WERKGROEP_EDITOR_ROLES
        )

    signed_in(people["werkgroep_venlo"])
    assert client.get(reverse("monitoring:werkgroep_meeting", args=[meeting.pk])).status_code == 200
    assert AccessLog.objects.filter(username=people["werkgroep_venlo"].username, object_id=str(meeting.pk)).exists()
    assert client.post(reverse("monitoring:werkgroep_member_end", args=[member.pk])).status_code == 404
    assert client.get(reverse("monitoring:werkgroep_meeting", args=[meeting.pk + 1000])).status_code == 404

    signed_in(people["noord"])  # a chair
    assert client.post(reverse("monitoring:werkgroep_member_end", args=[member.pk])).status_code == 302
    member.refresh_from_db()
    assert member.until is not None
    assert AccessLog.objects.filter(username=people["noord"].username, object_id=str(member.pk)).exists()
