import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.urls import reverse

from woonkans.accounts.roles import Role
from woonkans.audit.context import current_ip
from woonkans.audit.models import AccessAction, AccessLog, AccessOutcome, AppendOnlyError
from woonkans.audit.services import log_access

pytestmark = pytest.mark.django_db


def test_log_access_writes_the_nen7513_fields(make_user):
    user = make_user(Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    token = current_ip.set("192.0.2.7")
    try:
        entry = log_access(
            user=user,
            action="read",
            object_type="referrals.referral",
            object_id="a1b2",
            subject="WK-N-7F3K9Q",
            purpose="bemiddeling",
        )
    finally:
        current_ip.reset(token)
    entry.refresh_from_db()
    assert entry.action == AccessAction.READ
    assert entry.outcome == AccessOutcome.GRANTED
    assert entry.user == user and entry.username == user.username
    assert entry.organisation == "Ketenregie Noord-Limburg"
    assert entry.roles == "ketenregisseur"
    assert (entry.subject, entry.object_type, entry.object_id) == ("WK-N-7F3K9Q", "referrals.referral", "a1b2")
    assert entry.purpose == "bemiddeling"
    assert entry.ip_address == "192.0.2.7"
    assert entry.at is not None


def test_denied_access_is_logged_too(make_user):
    user = make_user(Role.CORPORATION, "Woonwenz")
    entry = log_access(user=user, action="read", object_type="x", object_id="1", outcome="denied")
    assert entry.outcome == AccessOutcome.DENIED


def test_log_access_takes_the_object(make_user):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    entry = log_access(user=user, action="read", obj=user)
    assert (entry.object_type, entry.object_id) == ("accounts.user", str(user.public_id))


def test_entries_cannot_be_changed_or_deleted_through_the_orm(make_user):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    entry = log_access(user=user, action="read", object_type="x", object_id="1")
    entry.purpose = "anders"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=entry.pk).update(purpose="anders")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.all().delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL")
def test_database_refuses_update_and_delete(make_user):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    entry = log_access(user=user, action="read", object_type="x", object_id="1")
    for statement in (
        "UPDATE audit_accesslog SET purpose = 'x' WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement, [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk, purpose="").exists()


def test_the_log_search_page_searches_by_user_and_subject(client, signed_in, administrator, make_user):
    reader = make_user(Role.KETENREGISSEUR, "Ketenregie Midden-Limburg")
    log_access(user=reader, action="read", object_type="referrals.referral", object_id="r1", subject="WK-M-AAAAAA")
    log_access(user=reader, action="read", object_type="referrals.referral", object_id="r2", subject="WK-M-BBBBBB")
    signed_in(administrator)

    page = client.get(reverse("audit:log_search"), {"log": "access", "subject": "WK-M-AAAAAA"}).content.decode()
    assert "WK-M-AAAAAA" in page and "WK-M-BBBBBB" not in page

    page = client.get(reverse("audit:log_search"), {"log": "access", "username": reader.username}).content.decode()
    assert "WK-M-AAAAAA" in page and "WK-M-BBBBBB" in page
    assert "Ketenregie Midden-Limburg" in page

    # Reading the log is itself logged.
    searches = AccessLog.objects.filter(user=administrator, action=AccessAction.SEARCH)
    assert searches.count() == 2


def test_the_login_log_shows_reason_and_ip(client, signed_in, administrator, make_user):
    from woonkans.audit.models import LoginEvent

    LoginEvent.objects.create(username="iemand", outcome="failure", reason="invalid_token", ip_address="192.0.2.9")
    signed_in(administrator)
    page = client.get(reverse("audit:log_search"), {"log": "login", "username": "iemand"}).content.decode()
    assert "Onjuiste verificatiecode" in page and "192.0.2.9" in page


def test_date_range_must_be_in_order(client, signed_in, administrator):
    signed_in(administrator)
    response = client.get(
        reverse("audit:log_search"), {"log": "access", "date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert "De einddatum ligt vóór de begindatum" in response.content.decode()
    assert 'value="2026-05-01"' in response.content.decode()  # nothing typed is lost


@pytest.mark.parametrize(
    ("role", "organisation"),
    [
        (Role.WMO_CONSULTANT, "Gemeente Venlo"),
        (Role.KETENREGISSEUR, "Ketenregie Noord-Limburg"),
        (Role.PROCESREGISSEUR, "Ketenregie Midden-Limburg"),
        (Role.CORPORATION, "Woonwenz"),
        (Role.CARE_PROVIDER, "Moveoo"),
        (Role.TREASURER, "MGR sociaal domein Limburg-Noord"),
        (Role.WERKGROEP, "Gemeente Venray"),
    ],
)
def test_only_administrators_open_the_logs_or_the_management_screens(client, signed_in, make_user, role, organisation):
    signed_in(make_user(role, organisation))
    assert client.get(reverse("audit:log_search"), {"log": "access"}).status_code == 404
    assert client.get(reverse("admin:index"), follow=True).status_code == 404
    assert client.get(reverse("admin:accounts_user_changelist"), follow=True).status_code == 404
    assert not AccessLog.objects.filter(action=AccessAction.SEARCH).exists()


def test_administrator_manages_users_and_organisations(client, signed_in, administrator):
    signed_in(administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 200
    assert client.get(reverse("admin:parties_organisation_changelist")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_log_search_query_count_does_not_grow(
    client, signed_in, administrator, make_user, rows, django_assert_max_num_queries
):
    reader = make_user(Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    for number in range(rows):
        log_access(user=reader, action="read", object_type="referrals.referral", object_id=str(number))
    signed_in(administrator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("audit:log_search"), {"log": "access"})
    assert response.status_code == 200


def test_the_log_search_names_roles_and_objects_in_dutch(client, signed_in, administrator, make_user):
    reader = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    log_access(user=reader, action="read", object_type="referrals.referral", object_id="r1", subject="WK-N-AAAAAA")
    log_access(user=reader, action="read", object_type="matching.casemeeting", object_id="c1", subject="WK-N-AAAAAA")
    signed_in(administrator)
    page = client.get(reverse("audit:log_search"), {"log": "access", "subject": "WK-N-AAAAAA"}).content.decode()
    assert "Wmo-consulent" in page and "Aanmelding" in page and "Casusoverleg" in page
    for code in ("wmo_consultant", "referrals.referral", "matching.casemeeting"):
        assert code not in page, code
