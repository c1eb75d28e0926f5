"""Lists that scale: filters, whitelisted sorting, pages with a (capped) total, case numbers, names by POST."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals.models import Identity, Referral
from referrals.workflow import Status
from woonkans import lists
from woonkans.audit.models import AccessLog
from woonkans.privacy.disclosure import sync_case_grants

pytestmark = pytest.mark.django_db

NUMBER = re.compile(r"WK-\d{4}-\d{4}")


def make_cases(consultant, count, *, status=Status.IN_RESEARCH, family="Jansen", reported_by=None):
    made = []
    for index in range(count):
        referral = Referral.objects.create(
            municipality=consultant.organisation,
            region=consultant.organisation.region,
            created_by=consultant,
            status=status,
            reported_by=reported_by,
            submitted_at=timezone.now() if status == Status.SUBMITTED else None,
        )
        Identity.objects.create(referral=referral, given_name="Kees", family_name=f"{family}{index}")
        sync_case_grants(referral)
        made.append(referral)
    return made


def body(response):
    return response.content.decode()


def test_a_case_gets_the_next_human_number_of_its_year(people):
    first, second = make_cases(people["venlo"], 2)
    year = timezone.localdate().year
    assert NUMBER.fullmatch(first.number) and first.number.startswith(f"WK-{year}-")
    assert int(second.number[-4:]) == int(first.number[-4:]) + 1


def test_the_list_shows_case_numbers_not_uuid_prefixes(client, signed_in, people):
    referral = start_empty(people["venlo"])
    signed_in(people["venlo"])
    page = body(client.get(reverse("referrals:list")))
    assert referral.number in page
    # The text a user reads, not the links: the detail link carries the id, and an id that starts
    # with eight digits reads the same in capitals.
    shown = re.sub(r"<[^>]*>", " ", page)
    assert str(referral.pk)[:8].upper() not in shown


def start_empty(consultant):
    from referrals import services

    return services.start_referral(actor=consultant)


@pytest.mark.parametrize("name", ["referrals:list", "referrals:inbox"])
def test_a_sort_outside_the_whitelist_is_ignored(client, signed_in, people, name):
    status = Status.SUBMITTED if name == "referrals:inbox" else Status.IN_RESEARCH
    make_cases(people["venlo"], 3, status=status)
    signed_in(people["venlo"] if name == "referrals:list" else people["noord"])
    plain = body(client.get(reverse(name)))
    for foreign in ("identity__bsn", "-identity__family_name", "created_by__password", "1;drop"):
        response = client.get(reverse(name), {"sort": foreign})
        assert response.status_code == 200
        assert NUMBER.findall(body(response)) == NUMBER.findall(plain), foreign


def test_sorting_by_a_column_orders_and_marks_it(client, signed_in, people):
    made = make_cases(people["venlo"], 3)
    signed_in(people["venlo"])
    ascending = body(client.get(reverse("referrals:list"), {"sort": "number"}))
    descending = body(client.get(reverse("referrals:list"), {"sort": "-number"}))
    numbers = sorted(r.number for r in made)
    assert NUMBER.findall(ascending)[:3] == numbers
    assert NUMBER.findall(descending)[:3] == numbers[::-1]
    assert 'aria-sort="ascending"' in ascending and 'aria-sort="descending"' in descending


def test_filters_never_widen_what_a_user_sees(client, signed_in, people):
    venray = make_cases(people["venray"], 2, status=Status.SUBMITTED)  # Noord-Limburg
    roermond = make_cases(people["roermond"], 2, status=Status.SUBMITTED)  # Midden-Limburg
    signed_in(people["noord"])
    own = body(client.get(reverse("referrals:inbox")))
    assert all(r.number in own for r in venray) and not any(r.number in own for r in roermond)
    other = body(client.get(reverse("referrals:inbox"), {"municipality": roermond[0].municipality_id}))
    assert not any(r.number in other for r in roermond)
    # The consultant of another municipality searching a number she may not see finds nothing.
    signed_in(people["venlo"])
    found = body(client.get(reverse("referrals:list"), {"q": venray[0].number, "status": "submitted"}))
    assert reverse("referrals:detail", args=[venray[0].pk]) not in found
    assert "Geen aanmeldingen." in found


def test_status_filter_and_case_number_search(client, signed_in, people):
    in_research = make_cases(people["venlo"], 2)
    submitted = make_cases(people["venlo"], 1, status=Status.SUBMITTED)
    signed_in(people["venlo"])
    page = body(client.get(reverse("referrals:list"), {"status": "submitted"}))
    assert submitted[0].number in page and in_research[0].number not in page
    page = body(client.get(reverse("referrals:list"), {"q": in_research[1].number.lower()}))
    assert re.findall(r'href="/aanmeldingen/([0-9a-f-]+)/"', page) == [str(in_research[1].pk)]
    # An unknown status value is dropped (the list is not emptied, nothing breaks).
    assert client.get(reverse("referrals:list"), {"status": "nonsense"}).status_code == 200


def test_pages_with_the_total_and_both_page_parameters(client, signed_in, people):
    make_cases(people["venlo"], 30)
    signed_in(people["venlo"])
    first = body(client.get(reverse("referrals:list")))
    assert len(NUMBER.findall(first)) == 25
    assert "1–25 van 30" in first and 'rel="next"' in first
    for parameter in ("page", "pagina"):
        second = body(client.get(reverse("referrals:list"), {parameter: 2}))
        assert len(NUMBER.findall(second)) == 5 and "26–30 van 30" in second


def test_a_total_beyond_the_cap_is_not_counted(client, signed_in, people, monkeypatch):
    monkeypatch.setattr(lists, "COUNT_CAP", 3)
    make_cases(people["venlo"], 30)
    signed_in(people["venlo"])
    assert "meer dan 3" in body(client.get(reverse("referrals:list")))


def test_a_list_runs_the_same_queries_on_one_page_as_on_many(client, signed_in, people, monkeypatch):
    """The capped total is counted inside the page's own query: no query more once a second page exists."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            page = body(client.get(reverse("referrals:list")))
        return len(captured), page

    make_cases(people["venlo"], 5)
    signed_in(people["venlo"])
    client.get(reverse("referrals:list"))  # the session's first request sets things up once
    one_page, page = queries()
    assert "1–5 van 5" in page and 'rel="next"' not in page
    make_cases(people["venlo"], 45)
    two_pages, page = queries()
    assert "1–25 van 50" in page and "Pagina 1 van 2" in page and 'rel="next"' in page
    monkeypatch.setattr(lists, "COUNT_CAP", 30)
    capped, page = queries()
    assert "1–25 van meer dan 30" in page and "Pagina 1<" in page
    assert one_page == two_pages == capped


def test_the_offset_stops_at_the_last_page_served(client, signed_in, people, monkeypatch):
    """A page number past MAX_PAGE shows the last page served: the rows skipped never exceed MAX_PAGE pages."""
    monkeypatch.setattr(lists, "MAX_PAGE", 2)
    make_cases(people["venlo"], 60)
    signed_in(people["venlo"])
    page = body(client.get(reverse("referrals:list"), {"page": 9999}))
    assert len(NUMBER.findall(page)) == 25 and "26–50 van 60" in page
    # A page past the end (a stale bookmark) still says the total.
    monkeypatch.setattr(lists, "MAX_PAGE", 1000)
    assert "0 van 60" in body(client.get(reverse("referrals:list"), {"page": 7}))


def test_names_are_searched_by_post_and_never_reach_a_url(client, signed_in, people):
    make_cases(people["venlo"], 3, family="Pietersen")
    wanted = make_cases(people["venlo"], 1, family="Zwanenburg")[0]
    signed_in(people["venlo"])
    page = body(client.post(reverse("referrals:list"), {"name": "zwanen"}))
    assert NUMBER.findall(page) == [wanted.number]
    assert "zwanen" not in "".join(re.findall(r'href="([^"]*)"', page)).lower()
    # A name in the query string does not search (it is no filter of the list).
    assert len(NUMBER.findall(body(client.get(reverse("referrals:list"), {"name": "zwanen"})))) == 4
    assert not AccessLog.objects.filter(purpose__icontains="zwanen").exists()


def test_every_cell_carries_its_column_label(client, signed_in, people):
    make_cases(people["venlo"], 2)
    signed_in(people["venlo"])
    page = body(client.get(reverse("referrals:list")))
    cells = re.findall(r"<td [^>]*>", page)
    assert cells and all("data-label=" in cell or "colspan" in cell for cell in cells)


@pytest.mark.parametrize("rows", [5, 50])
@pytest.mark.parametrize(
    "viewer,name,status,ceiling",
    [
        ("venlo", "referrals:list", Status.IN_RESEARCH, 14),
        ("noord", "referrals:inbox", Status.SUBMITTED, 11),
        ("moveoo", "referrals:reports", Status.REPORTED, 10),
    ],
)
def test_referral_lists_do_not_grow_in_queries(
    client, signed_in, people, rows, viewer, name, status, ceiling, django_assert_max_num_queries
):
    reporter = people["moveoo"].organisation if viewer == "moveoo" else None
    make_cases(people["venray"] if viewer == "noord" else people["venlo"], rows, status=status, reported_by=reporter)
    signed_in(people[viewer])
    # The same ceiling at 5 rows (one page) and 50 (two): the capped total is counted in the page's query.
    with django_assert_max_num_queries(ceiling):
        response = client.get(reverse(name), {"sort": "-created_at"} if name != "referrals:inbox" else {})
    assert response.status_code == 200
    if viewer != "moveoo":
        assert len(NUMBER.findall(body(response))) == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 50])
def test_log_search_does_not_grow_in_queries(client, signed_in, people, rows, django_assert_max_num_queries):
    from woonkans.audit.services import log_access

    for _index in range(rows):
        log_access(user=people["venlo"], action="read", object_type="referrals.referral", purpose="test")
    signed_in(people["admin"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit:log_search"), {"log": "access", "username": people["venlo"].username})
    assert response.status_code == 200
    assert body(response).count('data-label="Tijdstip"') == min(rows, 50)
