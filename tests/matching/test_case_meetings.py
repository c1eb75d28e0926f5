"""SOK Art. 8.3: the chair appoints a casusregisseur (a regisseur of the region or the case's own
Wmo-consultant), who gets a link, runs the case meeting in the portal and records the outcome."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import CaseMeeting

from .conftest import make_matched, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def case_meeting(people):
    profile = make_matched(people)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    return services.raise_signal(
        actor=people["woonwenz"], profile=profile, kind="other", text="Overlast gemeld.", about=org("Moveoo")
    )


def run_url(meeting):
    return reverse("matching:my_case_meeting", kwargs={"case_meeting_id": meeting.pk})


def test_the_chair_can_only_appoint_regisseurs_of_the_region_and_the_case_s_consultants(
    client, signed_in, people, case_meeting
):
    signed_in(people["noord"])
    url = reverse(
        "matching:case_meeting", kwargs={"profile_id": case_meeting.profile_id, "case_meeting_id": case_meeting.pk}
    )
    page = client.get(url).content.decode()
    assert f'value="{people["venlo"].pk}"' in page and f'value="{people["noord"].pk}"' in page
    for outsider in ("venray", "midden", "proces_midden", "woonwenz"):
        assert f'value="{people[outsider].pk}"' not in page, outsider
    with pytest.raises(ValidationError):
        services.plan_case_meeting(
            actor=people["noord"],
            case_meeting=case_meeting,
            planned_on=timezone.localdate(),
            casusregisseur=people["venray"],
        )
    # Posting an outsider anyway is refused next to the field, the date kept.
    response = client.post(url, {"plan": "", "planned_on": "2026-12-03", "casusregisseur": people["venray"].pk})
    assert response.status_code == 200 and 'value="2026-12-03"' in response.content.decode()
    case_meeting.refresh_from_db()
    assert case_meeting.casusregisseur is None


def test_the_appointed_consultant_is_told_and_records_the_outcome(
    client, signed_in, people, case_meeting, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.plan_case_meeting(
            actor=people["noord"],
            case_meeting=case_meeting,
            planned_on=timezone.localdate(),
            casusregisseur=people["venlo"],
        )
    assert [message.to[0] for message in mail.outbox] == ["venlo@example.org"]
    assert run_url(case_meeting) in mail.outbox[0].body and "Overlast" not in mail.outbox[0].body

    signed_in(people["venlo"])
    listing = client.get(reverse("matching:my_case_meetings")).content.decode()
    assert case_meeting.profile.code in listing and run_url(case_meeting) in listing
    page = client.get(run_url(case_meeting)).content.decode()
    assert "Overlast gemeld." in page
    response = client.post(
        run_url(case_meeting),
        {
            "outcome": "Afspraken gemaakt over rust.",
            "participants": "Woonwenz, Moveoo, Gemeente Venlo",
            "held_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    case_meeting.refresh_from_db()
    assert case_meeting.status == CaseMeeting.Status.HELD and case_meeting.outcome == "Afspraken gemaakt over rust."


@pytest.mark.parametrize("who", ["venray", "noord", "midden", "woonwenz", "moveoo", "werkgroep_venlo"])
def test_nobody_but_the_appointed_casusregisseur_opens_it(client, signed_in, people, case_meeting, who):
    services.plan_case_meeting(
        actor=people["noord"],
        case_meeting=case_meeting,
        planned_on=timezone.localdate(),
        casusregisseur=people["venlo"],
    )
    signed_in(people[who])
    response = client.get(run_url(case_meeting))
    assert response.status_code == 404
    assert "Overlast" not in response.content.decode()
    assert client.post(run_url(case_meeting), {"outcome": "x"}).status_code == 404
    case_meeting.refresh_from_db()
    assert case_meeting.status == CaseMeeting.Status.PLANNED
    if who in ("venray", "noord", "midden"):
        assert case_meeting.profile.code not in client.get(reverse("matching:my_case_meetings")).content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_takes_a_fixed_number_of_queries(
    client, signed_in, people, case_meeting, rows, django_assert_max_num_queries
):
    from matching.models import Signal

    profile = case_meeting.profile
    for _ in range(rows - 1):
        signal = Signal.objects.create(
            profile=profile,
            kind="other",
            text="x",
            raised_by=people["woonwenz"],
            organisation=people["woonwenz"].organisation,
        )
        CaseMeeting.objects.create(profile=profile, signal=signal, casusregisseur=people["venlo"], status="planned")
    CaseMeeting.objects.filter(pk=case_meeting.pk).update(casusregisseur=people["venlo"])
    signed_in(people["venlo"])
    # 13: a full page counts its total once (woonkans.lists), whatever the number of rows.
    with django_assert_max_num_queries(13):
        page = client.get(reverse("matching:my_case_meetings")).content.decode()
    assert page.count(profile.code) >= min(rows, 25)
    assert f"Casusoverleggen: {rows}<" in page


def test_the_list_row_shows_the_code_signal_date_and_status_in_words(client, signed_in, people, case_meeting):
    planned_on = timezone.localdate()
    services.plan_case_meeting(
        actor=people["noord"], case_meeting=case_meeting, planned_on=planned_on, casusregisseur=people["venlo"]
    )
    case_meeting.refresh_from_db()
    signed_in(people["venlo"])
    page = client.get(reverse("matching:my_case_meetings")).content.decode()
    row = page[page.index(f'href="{run_url(case_meeting)}"') :].split("</tr>")[0]
    assert f">{case_meeting.profile.code}</a>" in row
    signal = case_meeting.signal
    assert f"{signal.get_kind_display()} ({signal.organisation.name})" in row
    assert planned_on.strftime("%d-%m-%Y") in row and case_meeting.get_status_display() in row
    assert 'data-label="Signaal"' in row and "planned" not in row
