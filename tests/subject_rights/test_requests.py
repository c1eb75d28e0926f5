"""Registering and following up residents' GDPR requests: deadline, overdue flag, who may see them."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from subject_rights.models import SubjectRequest
from woonkans.audit.models import AccessLog

from ..referrals.conftest import VALID_BSN, make_submitted
from .conftest import act_url, detail_url, register

pytestmark = pytest.mark.django_db


def test_the_officer_finds_the_case_by_bsn_by_post_and_registers_a_request(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    other = make_submitted(people["venray"])  # same BSN, other municipality: never found
    signed_in(officer)

    response = client.post(reverse("subject_rights:find_case"), {"bsn": VALID_BSN, "reference": ""})
    assert response.status_code == 200
    assert referral.short_reference in response.content.decode()
    assert other.short_reference not in response.content.decode()

    response = client.post(
        reverse("subject_rights:register", kwargs={"referral_id": referral.pk}),
        {"kind": "access", "received_on": "2026-11-20", "request_text": "Ik wil weten wat jullie van mij hebben."},
    )
    request = SubjectRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == detail_url(request)
    assert request.due_on == datetime.date(2026, 12, 20)  # one month after receipt (art. 12(3))
    assert request.municipality.name == "Gemeente Venlo"
    # The resident's words are encrypted at rest.
    with connection.cursor() as cursor:
        cursor.execute("SELECT request_text FROM subject_rights_subjectrequest WHERE id = %s", [request.pk.hex])
        (raw,) = cursor.fetchone()
    assert raw and "Ik wil weten" not in raw


def test_search_by_case_reference_and_bad_input_keeps_what_was_typed(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    signed_in(officer)
    response = client.post(reverse("subject_rights:find_case"), {"reference": referral.short_reference})
    assert referral.short_reference in response.content.decode()

    response = client.post(reverse("subject_rights:find_case"), {"reference": "", "bsn": "123456789"})
    page = response.content.decode()
    assert "elfproef" in page and 'value="123456789"' in page


def test_a_registration_without_text_is_refused_next_to_the_field(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    signed_in(officer)
    url = reverse("subject_rights:register", kwargs={"referral_id": referral.pk})
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client.post(url, {"kind": "erasure", "received_on": tomorrow, "request_text": ""})
    page = response.content.decode()
    assert response.status_code == 200 and not SubjectRequest.objects.exists()
    assert "Deze datum ligt in de toekomst." in page
    assert f'value="{tomorrow}"' in page  # nothing typed is lost


def test_overdue_requests_are_flagged_and_extension_moves_the_deadline_once(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    late = register(officer, referral, "objection", days_ago=40)
    fresh = register(officer, referral, "access", days_ago=2)
    signed_in(officer)

    page = client.get(reverse("subject_rights:list")).content.decode()
    assert "1 verzoek is over de termijn." in page
    assert page.count("Over de termijn") == 1
    assert SubjectRequest.objects.overdue(timezone.localdate()).get() == late
    assert "Over de termijn." in client.get(detail_url(late)).content.decode()
    assert "Over de termijn." not in client.get(detail_url(fresh)).content.decode()

    client.post(act_url(late, "verlengen"), {"verlengen-reason": "Veel stukken bij drie organisaties."})
    late.refresh_from_db()
    assert late.extended_to == late.due_on + relativedelta(months=2)
    assert not SubjectRequest.objects.overdue(timezone.localdate()).exists()
    response = client.post(act_url(late, "verlengen"), {"verlengen-reason": "Nog eens."}, follow=True)
    assert "Deze handeling kan bij dit verzoek nu niet meer." in response.content.decode()
    late.refresh_from_db()
    assert late.extended_to == late.due_on + relativedelta(months=2)


@pytest.mark.parametrize("who", ["officer_venray", "venlo", "noord", "woonwenz", "werkgroep_venlo", "admin_venlo"])
def test_nobody_else_sees_a_request(client, signed_in, people, officer, officer_venray, who):
    referral = make_submitted(people["venlo"])
    request = register(officer, referral, "access")
    user = officer_venray if who == "officer_venray" else people[who]
    signed_in(user)
    urls = [
        detail_url(request),
        reverse("subject_rights:export", kwargs={"request_id": request.pk, "file_format": "json"}),
        reverse("subject_rights:register", kwargs={"referral_id": referral.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Jansen" not in response.content.decode()
    assert client.post(act_url(request, "besluiten"), {"besluiten-outcome": "refused"}).status_code == 404
    denied = AccessLog.objects.filter(username=user.username, outcome="denied")
    assert denied.filter(object_id=str(request.pk)).exists()
    assert client.get(reverse("subject_rights:list")).status_code in (200, 404)
    if who == "officer_venray":
        assert referral.short_reference not in client.get(reverse("subject_rights:list")).content.decode()
        found = client.post(reverse("subject_rights:find_case"), {"bsn": VALID_BSN}).content.decode()
        assert referral.short_reference not in found
    else:
        assert client.get(reverse("subject_rights:list")).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_the_list_takes_a_fixed_number_of_queries(
    client, signed_in, people, officer, rows, django_assert_max_num_queries
):
    referral = make_submitted(people["venlo"])
    SubjectRequest.objects.bulk_create(
        SubjectRequest(
            referral=referral,
            municipality=referral.municipality,
            kind="access",
            received_on=timezone.localdate(),
            due_on=timezone.localdate(),
            request_text="x",
            registered_by=officer,
        )
        for _ in range(rows)
    )
    signed_in(officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("subject_rights:list") + "?toon=alle")
    # One page of 25 (the list pages, woonkans.lists), each request a link.
    assert response.content.decode().count('href="/privacy/verzoeken/') >= min(rows, 25)


def test_officers_are_reminded_of_requests_due_within_a_week(
    people, officer, officer_venray, django_capture_on_commit_callbacks
):
    from django.core import mail

    from subject_rights.tasks import remind_deadlines

    referral = make_submitted(people["venlo"])
    register(officer, referral, "access", days_ago=2)  # due in about four weeks: no reminder yet
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_deadlines() == 0
    register(officer, referral, "objection", days_ago=26)  # due within a week
    with django_capture_on_commit_callbacks(execute=True):
        assert remind_deadlines() == 1
    assert [message.to[0] for message in mail.outbox] == ["privacy@venlo.example.org"]
    assert "Jansen" not in mail.outbox[0].body
