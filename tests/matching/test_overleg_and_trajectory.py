"""The Woonkans-overleg (majority votes on exceptions) and the trajectory after housing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.models import CaseMeeting, Match, ProfileStatus
from matching.selectors import housed_this_year
from matching.tasks import remind_evaluations
from referrals import services as referral_services
from referrals.models import ExceptionRequest
from referrals.workflow import Status

from ..pdftext import pdf_text
from ..referrals.conftest import make_ready
from .conftest import make_matched, make_profile, org

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("votes_for", "present", "majority"),
    [
        (3, 5, True),
        (2, 4, False),
        (2, 3, True),
        (1, 2, False),
        (0, 0, False),
        (5, 5, True),
        (3, 6, False),
    ],
)
def test_majority_of_those_present_and_a_tie_is_not_a_majority(votes_for, present, majority):
    assert services.has_majority(votes_for=votes_for, present=present) is majority


def exception_on_agenda(people):
    referral = make_ready(people["venlo"], status_holder=True)
    request = referral_services.request_exception(
        actor=people["venlo"], referral=referral, motivation="Al tien jaar in Venlo, geen netwerk elders."
    )
    meeting = services.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
    item = services.add_agenda_item(
        actor=people["noord"], meeting=meeting, kind="exception", title="Verzoek", exception_request=request
    )
    return referral, meeting, item


def vote(people, meeting, item, present, votes):
    for name in present:
        services.check_in(actor=people["noord"], meeting=meeting, organisation=org(name))
    for name, choice in votes.items():
        services.record_vote(actor=people["noord"], item=item, organisation=org(name), choice=choice)
    return services.decide_item(actor=people["noord"], item=item, decision="Besproken in het overleg.")


def test_an_exception_is_granted_by_a_majority_of_those_present(people):
    referral, meeting, item = exception_on_agenda(people)
    decided = vote(
        people,
        meeting,
        item,
        ["Gemeente Venlo", "Woonwenz", "Moveoo"],
        {"Gemeente Venlo": "for", "Woonwenz": "for", "Moveoo": "against"},
    )
    assert decided.decisions.get().outcome == "granted"
    assert (decided.decisions.get().votes_for, decided.decisions.get().present) == (2, 3)
    referral.refresh_from_db()
    assert referral.exception_granted and referral.status == Status.IN_RESEARCH
    # With the exception granted, the failing condition no longer blocks submission.
    referral_services.submit_referral(actor=people["venlo"], referral=referral)


def test_a_tie_refuses_the_exception_and_absent_members_do_not_count(people):
    referral, meeting, item = exception_on_agenda(people)
    decided = vote(
        people,
        meeting,
        item,
        ["Gemeente Venlo", "Woonwenz", "Moveoo", "Antares"],
        {"Gemeente Venlo": "for", "Woonwenz": "for", "Moveoo": "against", "Antares": "abstain"},
    )
    assert decided.decisions.get().outcome == "refused"
    referral.refresh_from_db()
    assert referral.status == Status.CLOSED and not referral.exception_granted
    assert ExceptionRequest.objects.get().decision == "refused"


def test_an_absent_organisation_cannot_vote(people):
    _referral, meeting, item = exception_on_agenda(people)
    with pytest.raises(ValidationError, match="aanwezige"):
        services.record_vote(actor=people["noord"], item=item, organisation=org("Antares"), choice="for")


def test_only_the_chair_of_the_region_runs_the_overleg(people):
    _referral, meeting, item = exception_on_agenda(people)
    for outsider in ("midden", "proces_midden", "venlo"):
        with pytest.raises(PermissionDenied):
            services.decide_item(actor=people[outsider], item=item, decision="Besproken.")


def test_agenda_pdf_shows_codes_and_never_identity(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    meeting = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    services.add_agenda_item(
        actor=people["noord"], meeting=meeting, kind="profile", profile=profile, title=f"Profiel {profile.code}"
    )
    signed_in(people["noord"])
    page = client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert profile.code in page and "Jansen" not in page
    response = client.get(reverse("matching:meeting_pdf", kwargs={"meeting_id": meeting.pk, "document": "agenda"}))
    text = pdf_text(response.content)
    assert profile.code in text and "Jansen" not in text
    signed_in(people["midden"])
    assert client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 404


@pytest.mark.parametrize("items", [5, 50])
def test_overleg_page_queries_do_not_grow(client, signed_in, people, items, django_assert_max_num_queries):
    profile = make_profile(people["noord"], people["venlo"])
    meeting = services.create_meeting(actor=people["noord"], region=profile.region, date=timezone.localdate())
    for number in range(items):
        services.add_agenda_item(
            actor=people["noord"], meeting=meeting, kind="profile", profile=profile, title=f"Punt {number}"
        )
    services.check_in(actor=people["noord"], meeting=meeting, organisation=org("Woonwenz"))
    signed_in(people["noord"])
    # Two of these are the fund's answer to "which claims await the overleg" (woonkans.cases).
    with django_assert_max_num_queries(22):
        assert client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk})).status_code == 200


def test_housing_counts_toward_the_regions_annual_target(client, signed_in, people, django_capture_on_commit_callbacks):
    profile = make_matched(people)
    today = timezone.localdate()
    # The count is monitoring's figure "Gehuisvest", kept by the case's events after each commit.
    with django_capture_on_commit_callbacks(execute=True):
        services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=today)
    assert housed_this_year(region=profile.region, year=today.year) == 1
    signed_in(people["noord"])
    page = client.get(reverse("matching:profiles")).content.decode()
    assert "1 van de 120 woningen" in page


def test_evaluation_reminders_go_out_once_after_six_months(people, django_capture_on_commit_callbacks):
    from django.core import mail

    profile = make_matched(people)
    services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=200)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_evaluations() == 1
        assert remind_evaluations() == 0
    assert {message.to[0] for message in mail.outbox} >= {"woonwenz@example.org", "moveoo@example.org"}
    services.record_evaluation(actor=people["moveoo"], profile=profile, held_on=timezone.localdate(), notes="Goed")
    assert remind_evaluations(today=timezone.localdate() + datetime.timedelta(days=100)) == 0


def test_a_signal_goes_to_the_casusregisseur_who_reports_back(client, signed_in, people):
    profile = make_matched(people)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    signed_in(people["woonwenz"])
    response = client.post(
        reverse("matching:trajectory", kwargs={"profile_id": profile.pk}),
        {"signaal": "", "about": org("Moveoo").pk, "kind": "provider_underperforms", "text": "Begeleiding komt niet."},
    )
    assert response.status_code == 302
    meeting = CaseMeeting.objects.get(profile=profile)
    services.report_back_on_signal(
        actor=people["venlo"], case_meeting=meeting, report_back="Aanbieder zet extra begeleider in."
    )
    page = client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Aanbieder zet extra begeleider in." in page
    signed_in(people["antares"])
    assert client.get(reverse("matching:trajectory", kwargs={"profile_id": profile.pk})).status_code == 404


def test_a_negative_end_needs_an_evaluation(people):
    profile = make_matched(people)
    services.record_housing(actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate())
    with pytest.raises(ValidationError, match="evaluatie"):
        services.end_trajectory(actor=people["noord"], profile=profile, kind="evicted", ended_on=timezone.localdate())
    ended = services.end_trajectory(
        actor=people["noord"],
        profile=profile,
        kind="evicted",
        ended_on=timezone.localdate(),
        evaluation="Huurachterstand opgelopen.",
    )
    assert ended.status == ProfileStatus.ENDED_NEGATIVE


def test_warm_handover_moves_access_and_keeps_history(client, signed_in, people):
    profile = make_matched(people)
    midden = org("Ketenregie Midden-Limburg").region
    with pytest.raises(PermissionDenied):
        services.propose_handover(actor=people["midden"], profile=profile, to_region=midden, note="Verhuist.")
    signed_in(people["noord"])
    client.post(
        reverse("matching:profile_handover", kwargs={"profile_id": profile.pk}),
        {"region": midden.pk, "note": "Verhuist naar Roermond."},
    )
    services.accept_handover(actor=people["midden"], handover=profile.handovers.get())
    profile.refresh_from_db()
    assert profile.region == midden and profile.referral.region == midden
    detail = reverse("matching:profile", kwargs={"profile_id": profile.pk})
    assert client.get(detail).status_code == 404
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).status_code == 404
    signed_in(people["midden"])
    assert client.get(detail).status_code == 200
    page = client.get(reverse("referrals:detail", kwargs={"referral_id": profile.referral_id})).content.decode()
    assert "Warme overdracht" in page and "Gematcht met een corporatie" in page


@pytest.mark.parametrize("matches", [5, 50])
def test_the_corporations_trajectory_list_does_not_query_per_row(
    client, signed_in, people, matches, django_assert_max_num_queries
):
    """The corporation's /trajecten/ reads every column of its rows in the list's own queries (a field
    left out of the selector's .only() would cost one query per row, as 'matched_at' once did)."""
    for _number in range(matches):
        make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz",))
    signed_in(people["woonwenz"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("matching:trajectories"))
    assert response.status_code == 200
    assert len(list(response.context["page"])) == min(matches, 25)


_TRAJECTORY_ORDERS = {
    "": lambda match: (-match.matched_at.timestamp(), -match.pk),
    "matched_at": lambda match: (match.matched_at, -match.pk),
    "-matched_at": lambda match: (-match.matched_at.timestamp(), -match.pk),
    "code": lambda match: (match.profile.code, -match.pk),
    "status": lambda match: (match.profile.status, -match.pk),
}


@pytest.mark.parametrize("matches", [5, 50])
def test_each_side_sees_its_own_trajectories_in_every_order_of_the_list(client, signed_in, people, matches):
    """The matched corporation sees its matches, the linked provider those of every corporation; each sortable
    header orders the first page as the list promises (the list walks an index per side since issue 17)."""
    for _number in range(matches):
        make_matched(people, corporation="Woonwenz", shared_with=("Woonwenz",))
    for _number in range(2):
        make_matched(people, corporation="Antares", shared_with=("Antares",))
    all_matches = list(Match.objects.select_related("profile"))
    for user, corporation in (("woonwenz", "Woonwenz"), ("moveoo", None)):
        visible = [match for match in all_matches if corporation is None or match.corporation.name == corporation]
        signed_in(people[user])
        for sort, key in _TRAJECTORY_ORDERS.items():
            response = client.get(reverse("matching:trajectories"), {"sort": sort} if sort else {})
            expected = [match.pk for match in sorted(visible, key=key)][:25]
            assert [match.pk for match in response.context["page"]] == expected, (user, sort)
        descending = client.get(reverse("matching:trajectories"), {"sort": "-code"})
        codes = [match.profile.code for match in descending.context["page"]]
        assert codes == sorted((match.profile.code for match in visible), reverse=True)[:25]


@pytest.mark.parametrize("requests", [5, 50])
def test_the_overleg_page_reads_open_exception_requests_without_a_query_each(
    client, signed_in, people, requests, django_assert_max_num_queries
):
    """The chair's agenda form offers the region's open exception requests by number: read with the list,
    not one query per request (as UV-numbers once were)."""
    for _number in range(requests):
        referral = make_ready(people["venlo"], status_holder=True)
        referral_services.request_exception(actor=people["venlo"], referral=referral, motivation="Lang in Venlo.")
    meeting = services.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
    signed_in(people["noord"])
    with django_assert_max_num_queries(18):
        response = client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code == 200


@pytest.mark.parametrize("items", [5, 50])
def test_the_meeting_list_counts_each_shown_meetings_items_in_the_same_queries(client, signed_in, people, items):
    """A provider sits at the overleg of a region where it has a case (probed per region, not by hashing
    every profile); each meeting's agenda is counted for the meetings shown, an empty one as 0."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = make_matched(people)  # Moveoo's case in Noord-Limburg
    today = timezone.localdate()
    full = services.create_meeting(actor=people["noord"], region=profile.region, date=today)
    empty = services.create_meeting(actor=people["noord"], region=profile.region, date=today + datetime.timedelta(7))
    for number in range(items):
        services.add_agenda_item(
            actor=people["noord"], meeting=full, kind="profile", profile=profile, title=f"Punt {number}"
        )
    signed_in(people["moveoo"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("matching:meetings"))
    assert response.status_code == 200
    shown = {meeting.pk: meeting.item_count for meeting in response.context["page"]}
    assert shown == {full.pk: items, empty.pk: 0}
    assert len(queries) <= 12


@pytest.mark.parametrize("requests", [5, 50])
def test_each_vote_items_picker_lists_the_present_without_a_query_each(client, signed_in, people, requests):
    """The chair's page shows a vote form per open vote item; its organisations are the attendance the
    page loaded, not a query per item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    meeting = None
    for _number in range(requests):
        referral = make_ready(people["venlo"], status_holder=True)
        request = referral_services.request_exception(
            actor=people["venlo"], referral=referral, motivation="Lang in Venlo."
        )
        if meeting is None:
            meeting = services.create_meeting(actor=people["noord"], region=referral.region, date=timezone.localdate())
            services.check_in(actor=people["noord"], meeting=meeting, organisation=org("Woonwenz"))
        services.add_agenda_item(
            actor=people["noord"], meeting=meeting, kind="exception", title="Verzoek", exception_request=request
        )
    signed_in(people["noord"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("matching:meeting", kwargs={"meeting_id": meeting.pk}))
    assert response.status_code == 200
    html = response.content.decode()
    # Once per vote item, and once in the agenda form's corporation picker (an offer named by its profile).
    assert html.count(f'<option value="{org("Woonwenz").pk}">Woonwenz</option>') == requests + 1
    assert len(queries) <= 22
