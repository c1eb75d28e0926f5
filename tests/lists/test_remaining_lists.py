"""The lists moved onto woonkans.lists last: trajectories, case meetings, after-care, the overleg's
meetings, contribution rounds, the werkgroep, access reviews and four-eyes requests.

Per list: a filter by field name, a whitelisted sort, the total and paging, the code search, and the
refusals (a role or organisation that must not see the rows finds nothing, also by searching).
"""

import datetime

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from guarantee_fund.models import ContributionRound
from matching import services
from matching.models import Meeting
from monitoring.models import WerkgroepMeeting
from woonkans.accounts.models import AccessReview, RoleGrantRequest
from woonkans.accounts.roles import Role
from woonkans.lists import list_page
from woonkans.parties.models import Organisation

from ..matching.conftest import make_matched, org

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def _get(client, name, query=None):
    response = client.get(reverse(name), query or {})
    assert response.status_code == 200, (name, query)
    return response.content.decode()


# --- the helper: two lists on one page ----------------------------------------------------------


def test_a_prefixed_list_pages_and_sorts_on_its_own(people):
    for day in range(1, 31):
        WerkgroepMeeting.objects.create(held_on=datetime.date(2026, 1, day), agenda="x")
    from monitoring.filters import MEETING_SORTS, WerkgroepMeetingFilter

    request = RequestFactory().get("/", {"vergaderingen-page": "2", "vergaderingen-sort": "held_on", "page": "9"})
    page = list_page(
        request,
        WerkgroepMeeting.objects.all(),
        filterset_class=WerkgroepMeetingFilter,
        sorts=MEETING_SORTS,
        default_sort="-held_on",
        prefix="vergaderingen",
    )
    assert (page.number, page.total, page.sort) == (2, 30, "held_on")
    assert [meeting.held_on.day for meeting in page] == list(range(26, 31))
    # Links keep the other list's parameters and change only this list's own.
    assert "page=9" in page.query(page="1") and "vergaderingen-page=1" in page.query(page="1")


# --- trajectories ---------------------------------------------------------------------------------


@pytest.fixture
def two_trajectories(people):
    first = make_matched(people)
    second = make_matched(people)
    services.record_housing(actor=people["noord"], profile=second, lease_signed_on=TODAY())
    return first, second


def test_the_corporation_s_trajectories_filter_sort_count_and_search(client, signed_in, people, two_trajectories):
    matched, housed = two_trajectories
    signed_in(people["woonwenz"])
    page = _get(client, "matching:trajectories", {"status": "housed"})
    assert housed.code in page and matched.code not in page
    page = _get(client, "matching:trajectories", {"q": matched.code[-4:].lower()})
    assert matched.code in page and housed.code not in page
    page = _get(client, "matching:trajectories", {"sort": "code"})
    first, second = sorted([matched.code, housed.code])
    assert page.index(first) < page.index(second)
    assert page.index(second) < _get(client, "matching:trajectories", {"sort": "-code"}).index(first)
    assert "1–2 van 2" in page and 'aria-sort="ascending"' in page
    # A field that is not a sort column is ignored, not used.
    assert _get(client, "matching:trajectories", {"sort": "profile__referral__identity__family_name"})


def test_a_name_is_searched_by_post_only(client, signed_in, people, two_trajectories):
    matched, housed = two_trajectories
    identity = matched.referral.identity
    identity.family_name = "Pietersen"
    identity.save()
    signed_in(people["woonwenz"])
    # ?name= in a URL does nothing.
    assert housed.code in _get(client, "matching:trajectories", {"name": "Pietersen"})
    response = client.post(reverse("matching:trajectories"), {"name": "Pietersen"})
    assert response.status_code == 200
    page = response.content.decode()
    assert matched.code in page and housed.code not in page


def test_other_organisations_do_not_find_the_trajectories(client, signed_in, people, two_trajectories):
    matched, _housed = two_trajectories
    link = reverse("matching:trajectory", args=[matched.pk])
    # The searched code is echoed in the search field; the row (its link) is not there.
    for who in ("antares", "leger", "venray"):  # another corporation, provider, municipality
        signed_in(people[who])
        page = _get(client, "matching:trajectories", {"q": matched.code})
        assert link not in page and "Geen trajecten." in page, who


def test_the_consultant_s_trajectories_search_the_case_number(client, signed_in, people, two_trajectories):
    matched, housed = two_trajectories
    signed_in(people["venlo"])
    page = _get(client, "matching:trajectories", {"q": matched.referral.number})
    assert matched.code in page and housed.code not in page
    page = _get(client, "matching:trajectories", {"status": "housed", "sort": "-intended_date"})
    assert housed.code in page and matched.code not in page and "1–1 van 1" in page


def test_the_ended_list_has_its_own_parameters(client, signed_in, people, two_trajectories):
    _matched, housed = two_trajectories
    services.end_trajectory(
        actor=people["noord"], profile=housed, kind="evicted", ended_on=TODAY(), evaluation="Huur opgezegd."
    )
    signed_in(people["woonwenz"])
    page = _get(client, "matching:trajectories", {"beeindigd-q": housed.code})
    assert "Negatief beëindigde trajecten van je corporatie: 1" in page
    page = _get(client, "matching:trajectories", {"beeindigd-q": "ZZZZ"})
    assert "Negatief beëindigde trajecten van je corporatie: 0" in page


# --- case meetings and after-care -----------------------------------------------------------------


@pytest.fixture
def signals(people, two_trajectories):
    made = []
    for profile in two_trajectories:
        made.append(
            services.raise_signal(
                actor=people["woonwenz"], profile=profile, kind="other", text="Zorgen.", about=org("Moveoo")
            )
        )
    return made


def test_my_case_meetings_filter_sort_and_search(client, signed_in, people, signals):
    first, second = signals
    from matching.models import CaseMeeting

    CaseMeeting.objects.filter(pk__in=[first.pk, second.pk]).update(casusregisseur=people["venlo"])
    CaseMeeting.objects.filter(pk=second.pk).update(status="planned", planned_on=TODAY())
    signed_in(people["venlo"])
    page = _get(client, "matching:my_case_meetings", {"status": "planned"})
    assert second.profile.code in page and first.profile.code not in page
    page = _get(client, "matching:my_case_meetings", {"q": first.profile.code})
    assert first.profile.code in page and second.profile.code not in page and "Casusoverleggen: 1<" in page
    page = _get(client, "matching:my_case_meetings", {"sort": "-planned_on"})
    assert page.index(second.profile.code) < page.index(first.profile.code)
    signed_in(people["venray"])
    page = _get(client, "matching:my_case_meetings", {"q": first.profile.code})
    assert reverse("matching:my_case_meeting", args=[first.pk]) not in page and "Casusoverleggen: 0<" in page


def test_the_chair_s_after_care_lists_page_and_search_on_their_own(client, signed_in, people, signals):
    first, second = signals
    signed_in(people["noord"])
    page = _get(client, "matching:aftercare")
    assert "Open signalen: 2<" in page
    page = _get(client, "matching:aftercare", {"signalen-q": first.profile.code, "signalen-sort": "-signalled"})
    assert "Open signalen: 1<" in page and second.profile.code not in page
    # The other region's chair finds nothing, also by code.
    signed_in(people["midden"])
    page = _get(client, "matching:aftercare", {"signalen-q": first.profile.code})
    assert reverse("matching:case_meeting", args=[first.profile.pk, first.pk]) not in page
    assert "Open signalen: 0<" in page


def test_leaving_providers_list_sorts_and_filters(client, signed_in, people, two_trajectories):
    moveoo = org("Moveoo")
    moveoo.notice_given_on = TODAY()
    moveoo.left_on = TODAY() + datetime.timedelta(days=61)
    moveoo.save(update_fields=["notice_given_on", "left_on"])
    matched, housed = two_trajectories
    signed_in(people["noord"])
    page = _get(client, "matching:aftercare", {"opgezegd-sort": "code"})
    assert "Trajecten bij zorgaanbieders die hebben opgezegd: 2<" in page
    assert page.index(min(matched.code, housed.code)) < page.index(max(matched.code, housed.code))
    page = _get(client, "matching:aftercare", {"opgezegd-q": housed.code})
    assert "Trajecten bij zorgaanbieders die hebben opgezegd: 1<" in page


# --- the overleg's meetings -----------------------------------------------------------------------


def test_meetings_list_pages_filters_and_refuses_the_other_region(client, signed_in, people):
    region = people["noord"].organisation.region
    for day in range(1, 28):
        Meeting.objects.create(region=region, date=datetime.date(2026, 3, day), chair=people["noord"], held=day < 5)
    signed_in(people["noord"])
    page = _get(client, "matching:meetings")
    assert "1–25 van 27" in page and "Pagina 1 van 2" in page and "27-03-2026" in page
    page = _get(client, "matching:meetings", {"page": "2"})
    assert "26–27 van 27" in page and "01-03-2026" in page
    assert "Overleggen: 4<" in _get(client, "matching:meetings", {"held": "true"})
    page = _get(client, "matching:meetings", {"sort": "date"})
    assert page.index("01-03-2026") < page.index("02-03-2026")
    signed_in(people["midden"])
    assert "01-03-2026" not in _get(client, "matching:meetings")


def test_meetings_are_found_by_a_code_on_their_agenda(client, signed_in, people, two_trajectories):
    matched, _housed = two_trajectories
    region = people["noord"].organisation.region
    with_item = Meeting.objects.create(region=region, date=datetime.date(2026, 4, 1), chair=people["noord"])
    Meeting.objects.create(region=region, date=datetime.date(2026, 4, 2), chair=people["noord"])
    with_item.items.create(kind="profile", profile=matched, title="x")
    signed_in(people["noord"])
    page = _get(client, "matching:meetings", {"q": matched.code})
    assert "01-04-2026" in page and "02-04-2026" not in page


# --- contribution rounds --------------------------------------------------------------------------


def test_rounds_filter_sort_and_search_by_number(client, signed_in, people):
    for number in range(1, 4):
        ContributionRound.objects.create(
            number=number, kind="initial" if number == 1 else "top_up", due_on=datetime.date(2026, 5, number)
        )
    signed_in(people["treasurer"])
    assert "Rondes: 2<" in _get(client, "guarantee_fund:rounds", {"kind": "top_up"})
    assert "Rondes: 1<" in _get(client, "guarantee_fund:rounds", {"q": "3"})
    page = _get(client, "guarantee_fund:rounds", {"sort": "due_on"})
    assert page.index("01-05-2026") < page.index("03-05-2026")
    signed_in(people["woonwenz"])
    assert client.get(reverse("guarantee_fund:rounds")).status_code in (403, 404)


# --- the werkgroep --------------------------------------------------------------------------------


def test_werkgroep_meetings_page_and_filter_by_year(client, signed_in, people):
    for day in range(1, 27):
        WerkgroepMeeting.objects.create(held_on=datetime.date(2025, 2, day), agenda="x")
    WerkgroepMeeting.objects.create(held_on=datetime.date(2026, 2, 1), agenda="x")
    signed_in(people["noord"])
    page = _get(client, "monitoring:werkgroep")
    assert "Vergaderingen: 27<" in page and "1–25 van 27" in page
    assert "Vergaderingen: 1<" in _get(client, "monitoring:werkgroep", {"vergaderingen-held_on__year": "2026"})
    page = _get(client, "monitoring:werkgroep", {"vergaderingen-sort": "held_on"})
    assert "01-02-2025" in page and "01-02-2026" not in page
    signed_in(people["woonwenz"])
    assert client.get(reverse("monitoring:werkgroep")).status_code in (403, 404)


# --- access reviews and four-eyes requests --------------------------------------------------------


def test_access_reviews_filter_and_stay_within_the_organisation(client, signed_in, people):
    venlo, venray = org("Gemeente Venlo"), org("Gemeente Venray")
    # One open review per organisation: the older ones are closed.
    for month in range(1, 4):
        AccessReview.objects.create(
            organisation=venlo, due_on=datetime.date(2026, month, 28), closed_at=None if month == 3 else timezone.now()
        )
    AccessReview.objects.create(organisation=venray, due_on=datetime.date(2026, 6, 1))
    signed_in(people["admin_venlo"])
    page = _get(client, "access_reviews")
    assert "Toegangscontroles: 3<" in page and "Gemeente Venray" not in page
    assert "Toegangscontroles: 1<" in _get(client, "access_reviews", {"closed_at__isnull": "true"})
    assert "Toegangscontroles: 2<" in _get(client, "access_reviews", {"closed_at__isnull": "false"})
    page = _get(client, "access_reviews", {"sort": "due_on"})
    assert page.index("28-01-2026") < page.index("28-03-2026")
    # Another organisation is no choice (the filter drops it) and brings nothing into view.
    page = _get(client, "access_reviews", {"organisation": venray.pk})
    assert "Gemeente Venray" not in page and "Toegangscontroles: 3<" in page
    signed_in(people["admin"])
    assert "Toegangscontroles: 4<" in _get(client, "access_reviews")


def test_role_requests_list_filters_and_stays_within_the_organisation(client, signed_in, people, make_user):
    for key, role in (
        ("venlo", Role.WERKGROEP),
        ("roermond", Role.WERKGROEP),
        ("werkgroep_venlo", Role.PRIVACY_OFFICER),
    ):
        RoleGrantRequest.objects.create(
            user=people[key], organisation=people[key].organisation, role=role, requested_by=people["admin"]
        )
    signed_in(people["admin_venlo"])
    page = _get(client, "role_requests")
    assert "Rolaanvragen die wachten op goedkeuring: 2<" in page and "Gemeente Roermond" not in page
    page = _get(client, "role_requests", {"rol-role": Role.PRIVACY_OFFICER})
    assert "Rolaanvragen die wachten op goedkeuring: 1<" in page
    page = _get(client, "role_requests", {"rol-organisation": org("Gemeente Roermond").pk})
    assert "Gemeente Roermond" not in page
    signed_in(people["admin"])
    assert "Rolaanvragen die wachten op goedkeuring: 3<" in _get(client, "role_requests")
    signed_in(people["noord"])
    assert client.get(reverse("role_requests")).status_code in (403, 404)


def test_deciding_both_kinds_goes_through_one_implementation(client, signed_in, people):
    grant = RoleGrantRequest.objects.create(
        user=people["venlo"],
        organisation=people["venlo"].organisation,
        role=Role.WERKGROEP,
        requested_by=people["admin"],
    )
    signed_in(people["admin_venlo"])
    response = client.post(reverse("role_request_decide", args=[grant.pk]), {"decision": "refuse"}, follow=True)
    assert "De rolaanvraag voor" in response.content.decode()
    grant.refresh_from_db()
    assert grant.status == "refused"
    # Not visible: 404; an unknown decision: 404.
    other = RoleGrantRequest.objects.create(
        user=people["roermond"],
        organisation=people["roermond"].organisation,
        role=Role.WERKGROEP,
        requested_by=people["admin"],
    )
    assert client.post(reverse("role_request_decide", args=[other.pk]), {"decision": "approve"}).status_code == 404
    assert client.post(reverse("credential_request_decide", args=[999999]), {"decision": "approve"}).status_code == 404
    assert Organisation.objects.filter(pk=other.organisation_id).exists()
