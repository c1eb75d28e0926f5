"""User management: one save makes a user with roles; a role in another organisation needs four eyes."""

import pytest
from django.test import Client
from django.urls import reverse

from woonkans.accounts.models import RoleAssignment, RoleGrantRequest, RoleRequestStatus, User
from woonkans.accounts.roles import Role
from woonkans.accounts.services import accept_logging_notice
from woonkans.accounts.user_services import approve_role_request, grant_role, save_user
from woonkans.audit.models import AccessLog
from woonkans.parties.models import Organisation

from ..conftest import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "Een-lang-genoeg-wachtwoord-2026"


def add_user_form(username, organisation, *roles):
    form = {
        "username": username,
        "organisation": organisation.pk,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "role_assignments-TOTAL_FORMS": str(len(roles)),
        "role_assignments-INITIAL_FORMS": "0",
    }
    for index, role in enumerate(roles):
        form[f"role_assignments-{index}-role"] = role
    return form


@pytest.fixture
def operator_admins(make_user):
    first = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.a")
    second = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.b")
    return first, second


def test_an_organisations_administrator_adds_a_user_with_a_role_in_one_save(make_user):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    client = sign_in(Client(), venlo_admin)
    response = client.post(
        reverse("admin:accounts_user_add"), add_user_form("nieuwe.consulent", venlo, Role.WMO_CONSULTANT)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="nieuwe.consulent")
    assert user.organisation == venlo
    # Within the administrator's own organisation the role holds at once.
    assert user.has_role(Role.WMO_CONSULTANT)
    assert not RoleGrantRequest.objects.filter(user=user).exists()


def test_a_role_that_does_not_fit_the_organisation_is_refused_in_dutch_without_losing_the_form(make_user):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    client = sign_in(Client(), venlo_admin)
    response = client.post(reverse("admin:accounts_user_add"), add_user_form("nieuw", venlo, Role.TREASURER))
    assert response.status_code == 200
    page = response.content.decode()
    assert "kan niet worden gegeven binnen gemeente" in page
    assert "Geef de gebruiker eerst een organisatie" not in page
    assert 'value="nieuw"' in page
    assert not User.objects.filter(username="nieuw").exists()


def test_the_password_rules_speak_dutch(make_user):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    client = sign_in(Client(), venlo_admin)
    form = {**add_user_form("nieuw", venlo), "password1": "kort", "password2": "kort"}
    page = client.post(reverse("admin:accounts_user_add"), form).content.decode()
    assert "Dit wachtwoord is te kort" in page
    assert "This password" not in page
    assert "After you" not in client.get(reverse("admin:accounts_user_add")).content.decode()


def test_a_role_in_another_organisation_holds_only_after_a_second_administrator_approves(make_user, operator_admins):
    first, second = operator_admins
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    admin_a = sign_in(Client(), first)
    response = admin_a.post(reverse("admin:accounts_user_add"), add_user_form("c.venlo", venlo, Role.WMO_CONSULTANT))
    assert response.status_code == 302
    user = User.objects.get(username="c.venlo")
    grant_request = RoleGrantRequest.objects.get(user=user)
    assert grant_request.status == RoleRequestStatus.PENDING
    assert grant_request.requested_by == first

    # Not yet in effect: the new user cannot open Venlo's cases.
    assert not user.has_role(Role.WMO_CONSULTANT)
    accept_logging_notice(user=user)
    consultant = sign_in(Client(), user)
    assert consultant.get(reverse("referrals:list")).status_code == 404

    # The requester cannot approve their own request.
    decide_url = reverse("role_request_decide", args=[grant_request.pk])
    page = admin_a.post(decide_url, {"decision": "approve"}, follow=True).content.decode()
    assert "tweede beheerder" in page
    assert RoleGrantRequest.objects.get(pk=grant_request.pk).status == RoleRequestStatus.PENDING
    assert not RoleAssignment.objects.filter(user=user).exists()

    # A second administrator sees it and approves it.
    admin_b = sign_in(Client(), second)
    listing = admin_b.get(reverse("role_requests")).content.decode()
    assert "c.venlo" in listing and "Goedkeuren" in listing
    admin_b.post(decide_url, {"decision": "approve"})
    grant_request.refresh_from_db()
    assert grant_request.status == RoleRequestStatus.APPROVED
    assert grant_request.decided_by == second
    assert consultant.get(reverse("referrals:list")).status_code == 200

    # Both the request and the approval are in the access log, with who did them.
    entries = AccessLog.objects.filter(object_type="accounts.rolegrantrequest", object_id=str(grant_request.pk))
    assert {(entry.username, entry.action) for entry in entries} == {("beheer.a", "create"), ("beheer.b", "update")}


def test_the_access_review_shows_who_asked_and_who_approved(make_user, operator_admins):
    from woonkans.accounts.reviews import open_reviews

    first, second = operator_admins
    user = make_user(None, "Gemeente Venlo", username="c.venlo")
    grant_request = grant_role(actor=first, user=user, role=Role.WMO_CONSULTANT)
    approve_role_request(actor=second, grant_request=grant_request)
    review = next(review for review in open_reviews() if review.organisation.name == "Gemeente Venlo")
    page = sign_in(Client(), second).get(reverse("access_review", args=[review.pk])).content.decode()
    assert "Rollen met goedkeuring door een tweede beheerder" in page
    assert "Goedgekeurd" in page
    assert first.get_full_name() in page and second.get_full_name() in page


def test_the_user_cannot_approve_a_role_for_themselves(make_user, operator_admins):
    first, _second = operator_admins
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    grant_request = grant_role(actor=first, user=venlo_admin, role=Role.WMO_CONSULTANT)
    client = sign_in(Client(), venlo_admin)
    client.post(reverse("role_request_decide", args=[grant_request.pk]), {"decision": "approve"})
    assert RoleGrantRequest.objects.get(pk=grant_request.pk).status == RoleRequestStatus.PENDING
    assert not venlo_admin.role_assignments.filter(role=Role.WMO_CONSULTANT).exists()


def test_a_venlo_administrator_approves_a_role_asked_for_a_venlo_user(make_user, operator_admins):
    first, _second = operator_admins
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    user = make_user(None, "Gemeente Venlo")
    grant_request = grant_role(actor=first, user=user, role=Role.WMO_CONSULTANT)
    # ... but not one for another organisation's user.
    stranger = make_user(None, "Gemeente Venray")
    other_request = grant_role(actor=first, user=stranger, role=Role.WMO_CONSULTANT)
    client = sign_in(Client(), venlo_admin)
    client.post(reverse("role_request_decide", args=[grant_request.pk]), {"decision": "approve"})
    assert (
        client.post(reverse("role_request_decide", args=[other_request.pk]), {"decision": "approve"}).status_code == 404
    )
    assert User.objects.get(pk=user.pk).has_role(Role.WMO_CONSULTANT)
    assert not User.objects.get(pk=stranger.pk).has_role(Role.WMO_CONSULTANT)


def test_an_operator_administrator_role_needs_four_eyes_even_within_the_operator(operator_admins, make_user):
    first, second = operator_admins
    newcomer = make_user(None, "Functioneel beheer Woonkans")
    result = grant_role(actor=first, user=newcomer, role=Role.ADMINISTRATOR)
    assert isinstance(result, RoleGrantRequest)
    assert not User.objects.get(pk=newcomer.pk).has_role(Role.ADMINISTRATOR)


def test_moving_a_user_to_another_organisation_asks_for_the_roles_anew(operator_admins, make_user):
    first, _second = operator_admins
    member = make_user(Role.WERKGROEP, "Gemeente Venray")
    moved = User.objects.get(pk=member.pk)
    moved.organisation = Organisation.objects.get(name="Gemeente Venlo")
    requests = save_user(actor=first, user=moved)
    assert [r.role for r in requests] == [Role.WERKGROEP]
    assert not User.objects.get(pk=member.pk).role_assignments.exists()


def test_deactivating_a_user_in_the_admin_ends_their_sessions(make_user):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    colleague = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True)
    colleague_client = sign_in(Client(), colleague)
    assert colleague_client.get(reverse("referrals:list")).status_code == 200
    admin_client = sign_in(Client(), venlo_admin)
    form = {
        "username": colleague.username,
        "first_name": colleague.first_name,
        "last_name": colleague.last_name,
        "email": colleague.email,
        "organisation": colleague.organisation_id,
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_requests-TOTAL_FORMS": "0",
        "role_requests-INITIAL_FORMS": "0",
    }
    assert admin_client.post(reverse("admin:accounts_user_change", args=[colleague.pk]), form).status_code == 302
    assert not User.objects.get(pk=colleague.pk).is_active
    assert colleague_client.get(reverse("referrals:list")).status_code != 200


def test_the_database_refuses_a_request_decided_by_its_requester(operator_admins, make_user):
    from django.db import IntegrityError, transaction

    first, _second = operator_admins
    grant_request = grant_role(actor=first, user=make_user(None, "Gemeente Venlo"), role=Role.WMO_CONSULTANT)
    grant_request.status = RoleRequestStatus.APPROVED
    grant_request.decided_by = first
    with pytest.raises(IntegrityError), transaction.atomic():
        grant_request.save()
