import datetime

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from referrals import services as referral_services
from woonkans.accounts.models import AccessReview, AccessReviewItem, ReviewDecision, User
from woonkans.accounts.reviews import (
    close_review,
    deactivate_inactive,
    decide,
    end_sessions,
    inactivity_cutoff,
    open_reviews,
)
from woonkans.accounts.roles import Role
from woonkans.audit.models import AccessAction, AccessLog

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


def review_of(organisation_name):
    return AccessReview.objects.get(organisation__name=organisation_name, closed_at__isnull=True)


def item_of(user):
    return AccessReviewItem.objects.get(user=user, review__closed_at__isnull=True)


def sessions_of(user):
    return [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]


# --- opening ---------------------------------------------------------------------


def test_opening_creates_one_review_per_organisation_with_users_and_is_idempotent(make_user, administrator):
    venlo = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    make_user(Role.WERKGROEP, "Gemeente Venlo")
    make_user(Role.CORPORATION, "Woonwenz")
    make_user(Role.CARE_PROVIDER, "Moveoo", is_active=False)  # no active users: nothing to review

    opened = open_reviews()

    assert sorted(r.organisation.name for r in opened) == ["Functioneel beheer Woonkans", "Gemeente Venlo", "Woonwenz"]
    review = review_of("Gemeente Venlo")
    assert review.items.count() == 2
    assert review.due_on > timezone.localdate()
    item = item_of(venlo)
    assert item.roles == "wmo_consultant" and item.decision == ReviewDecision.PENDING
    assert set(item.reach) == {"referrals", "profiles"}

    # Still open: nothing new.
    assert open_reviews() == []
    assert AccessReview.objects.count() == 3

    # Once closed, the next round opens a new one.
    AccessReview.objects.filter(pk=review.pk).update(closed_at=timezone.now())
    assert [r.organisation.name for r in open_reviews()] == ["Gemeente Venlo"]


def test_reach_counts_come_from_the_group_object_permissions(people):
    referral_services.start_referral(actor=people["venlo"])
    open_reviews()
    assert item_of(people["venlo"]).reach["referrals"] >= 1
    assert item_of(people["venray"]).reach == {"referrals": 0, "profiles": 0}


# --- who sees what ---------------------------------------------------------------


def test_an_administrator_sees_only_their_own_organisation(client, signed_in, people):
    open_reviews()
    venlo, venray = review_of("Gemeente Venlo"), review_of("Gemeente Venray")
    signed_in(people["admin_venlo"])

    listing = client.get(reverse("access_reviews")).content.decode()
    assert "Gemeente Venlo" in listing and "Gemeente Venray" not in listing

    response = client.get(reverse("access_review", kwargs={"review_id": venlo.pk}))
    assert response.status_code == 200
    page = response.content.decode()
    assert people["venlo"].username in page and people["venray"].username not in page
    assert AccessLog.objects.filter(user=people["admin_venlo"], action=AccessAction.READ).exists()

    assert client.get(reverse("access_review", kwargs={"review_id": venray.pk})).status_code == 404
    other_item = item_of(people["venray"])
    url = reverse("access_review_decide", kwargs={"review_id": venray.pk, "item_id": other_item.pk})
    assert client.post(url, {"decision": "revoke"}).status_code == 404
    assert client.post(reverse("access_review_close", kwargs={"review_id": venray.pk})).status_code == 404
    other_item.refresh_from_db()
    assert other_item.decision == ReviewDecision.PENDING


def test_the_operator_administrator_sees_every_organisation(client, signed_in, people):
    open_reviews()
    signed_in(people["admin"])
    listing = client.get(reverse("access_reviews")).content.decode()
    assert "Gemeente Venlo" in listing and "Gemeente Venray" in listing
    review = review_of("Gemeente Venray")
    assert client.get(reverse("access_review", kwargs={"review_id": review.pk})).status_code == 200
    decide(actor=people["admin"], item=item_of(people["venray"]), confirm=True)


def test_a_non_administrator_gets_404(client, signed_in, people):
    open_reviews()
    review = review_of("Gemeente Venlo")
    signed_in(people["venlo"])
    assert client.get(reverse("access_reviews")).status_code == 404
    assert client.get(reverse("access_review", kwargs={"review_id": review.pk})).status_code == 404
    item = item_of(people["werkgroep_venlo"])
    url = reverse("access_review_decide", kwargs={"review_id": review.pk, "item_id": item.pk})
    assert client.post(url, {"decision": "revoke"}).status_code == 404
    with pytest.raises(PermissionDenied):
        decide(actor=people["venlo"], item=item, confirm=False)
    assert User.objects.get(pk=people["werkgroep_venlo"].pk).is_active


def test_an_administrator_cannot_decide_on_another_organisation(people):
    open_reviews()
    with pytest.raises(PermissionDenied):
        decide(actor=people["admin_venlo"], item=item_of(people["venray"]), confirm=True)
    with pytest.raises(PermissionDenied):
        close_review(actor=people["admin_venlo"], review=review_of("Gemeente Venray"))


def test_the_home_panel_links_to_the_reviews(client, signed_in, administrator):
    signed_in(administrator)
    assert reverse("access_reviews") in client.get(reverse("home")).content.decode()


# --- deciding and closing ----------------------------------------------------------


def test_confirm_records_who_and_when(client, signed_in, people):
    open_reviews()
    review = review_of("Gemeente Venlo")
    item = item_of(people["venlo"])
    signed_in(people["admin_venlo"])
    url = reverse("access_review_decide", kwargs={"review_id": review.pk, "item_id": item.pk})
    response = client.post(url, {"decision": "confirm"}, follow=True)
    assert "is bevestigd" in response.content.decode()
    item.refresh_from_db()
    assert item.decision == ReviewDecision.CONFIRMED
    assert item.decided_by == people["admin_venlo"] and item.decided_at is not None
    assert User.objects.get(pk=people["venlo"].pk).is_active
    # A decision stands.
    with pytest.raises(ValidationError):
        decide(actor=people["admin_venlo"], item=item, confirm=False)


def test_revoke_deactivates_removes_roles_and_ends_sessions(client, signed_in, people):
    target = people["werkgroep_venlo"]
    theirs = sign_in(Client(), target)
    assert theirs.get(reverse("home")).status_code == 200
    open_reviews()
    review = review_of("Gemeente Venlo")
    item = item_of(target)

    signed_in(people["admin_venlo"])
    url = reverse("access_review_decide", kwargs={"review_id": review.pk, "item_id": item.pk})
    response = client.post(url, {"decision": "revoke"})
    assert response.status_code == 302

    target.refresh_from_db()
    assert not target.is_active
    assert target.role_assignments.count() == 0
    assert not target.groups.filter(name__startswith="role:").exists()
    assert sessions_of(target) == []
    item.refresh_from_db()
    assert item.decision == ReviewDecision.REVOKED and item.decided_by == people["admin_venlo"]

    response = theirs.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor:login"))
    # The administrator's own session is untouched.
    assert client.get(reverse("access_reviews")).status_code == 200


def test_an_administrator_cannot_revoke_themselves(people):
    open_reviews()
    with pytest.raises(ValidationError):
        decide(actor=people["admin_venlo"], item=item_of(people["admin_venlo"]), confirm=False)


def test_closing_is_refused_while_items_are_pending(client, signed_in, people):
    open_reviews()
    review = review_of("Gemeente Venlo")
    admin = people["admin_venlo"]
    signed_in(admin)
    close_url = reverse("access_review_close", kwargs={"review_id": review.pk})

    response = client.post(close_url, follow=True)
    assert "Beoordeel eerst alle gebruikers" in response.content.decode()
    review.refresh_from_db()
    assert review.closed_at is None

    for item in review.items.all():
        decide(actor=admin, item=item, confirm=True)
    client.post(close_url)
    review.refresh_from_db()
    assert review.closed_by == admin and review.closed_at is not None
    page = client.get(reverse("access_review", kwargs={"review_id": review.pk})).content.decode()
    assert "Controle afsluiten" not in page and 'value="confirm"' not in page and "Bevestigd" in page
    assert "Afgesloten op" in client.get(reverse("access_reviews")).content.decode()
    with pytest.raises(ValidationError):
        close_review(actor=admin, review=review)
    with pytest.raises(ValidationError):
        decide(actor=admin, item=review.items.first(), confirm=True)


# --- inactivity ------------------------------------------------------------------


def test_deactivate_inactive_keeps_recent_users_and_ends_sessions(make_user, settings):
    settings.ACCOUNT_INACTIVITY_DAYS = 90
    now = timezone.now()
    stale = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    recent = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    never = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", date_joined=now - datetime.timedelta(days=100))
    new = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    demo = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", is_demo=True)
    root = make_user(organisation_name="Functioneel beheer Woonkans", is_superuser=True)
    sign_in(Client(), stale)
    sign_in(Client(), recent)
    # Measured from the cutoff (local calendar days), not as "now - 91 days": across a DST change
    # the latter lands on the cutoff day itself for an hour before midnight.
    cutoff = inactivity_cutoff()
    User.objects.filter(pk__in=[stale.pk, demo.pk, root.pk]).update(last_login=cutoff - datetime.timedelta(minutes=1))
    User.objects.filter(pk=recent.pk).update(last_login=cutoff + datetime.timedelta(minutes=1))

    assert deactivate_inactive() == 3

    active = dict(
        User.objects.filter(pk__in=[u.pk for u in (stale, recent, never, new, demo, root)]).values_list(
            "pk", "is_active"
        )
    )
    assert active == {stale.pk: False, recent.pk: True, never.pk: False, new.pk: True, demo.pk: False, root.pk: True}
    assert sessions_of(stale) == [] and len(sessions_of(recent)) == 1
    assert deactivate_inactive() == 0


def test_end_sessions_only_touches_that_user(make_user):
    one, other = make_user(Role.WERKGROEP, "Gemeente Venlo"), make_user(Role.WERKGROEP, "Gemeente Venlo")
    sign_in(Client(), one)
    sign_in(Client(), one)
    sign_in(Client(), other)
    assert end_sessions(one) == 2
    assert sessions_of(one) == [] and len(sessions_of(other)) == 1


# --- scheduling ------------------------------------------------------------------


def test_the_beat_schedule_holds_both_tasks():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    reviews = schedule["woonkans.accounts.tasks.open_access_reviews"]
    daily = schedule["woonkans.accounts.tasks.deactivate_inactive_accounts"]
    assert reviews == crontab(minute=0, hour=6, day_of_month=1, month_of_year="1,7")
    assert daily == crontab(minute=30, hour=2)


def test_the_management_commands_run_the_tasks(make_user, capsys):
    make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    call_command("open_access_reviews")
    call_command("deactivate_inactive_accounts")
    out = capsys.readouterr().out
    assert "Toegangscontroles geopend: 1" in out and "Accounts gedeactiveerd: 0" in out


# --- performance -----------------------------------------------------------------


@pytest.mark.parametrize("users", [5, 50])
def test_review_page_query_count_is_bounded(client, signed_in, make_user, users, django_assert_max_num_queries):
    admin = make_user(Role.ADMINISTRATOR, "Gemeente Venray")
    for _number in range(users):
        make_user(Role.WMO_CONSULTANT, "Gemeente Venray")
    open_reviews()
    review = review_of("Gemeente Venray")
    signed_in(admin)
    with django_assert_max_num_queries(13):
        response = client.get(reverse("access_review", kwargs={"review_id": review.pk}))
    assert response.status_code == 200
    assert response.content.decode().count('value="revoke"') == users  # not for oneself
