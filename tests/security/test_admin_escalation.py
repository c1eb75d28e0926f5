"""No administrator reaches case data by changing their own account (issue: beheerder made itself
a Wmo-consultant of Venlo through /beheer/).

Every field of the user form is tried on one's own account, by the administrator of every kind of
organisation: each attempt is refused (403, 404 or a Dutch message), nothing is stored, and the
portal never answers 500.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from woonkans.accounts.models import RoleGrantRequest, User
from woonkans.accounts.roles import Role
from woonkans.accounts.user_services import grant_role, revoke_role, save_user
from woonkans.parties.models import Organisation

from ..conftest import sign_in

pytestmark = pytest.mark.django_db

# One administrator per kind of organisation.
ADMIN_ORGANISATIONS = {
    "municipality": "Gemeente Venlo",
    "corporation": "Woonwenz",
    "care_provider": "Moveoo",
    "mgr": "MGR sociaal domein Limburg-Noord",
    "chain_direction": "Ketenregie Noord-Limburg",
    "operator": "Functioneel beheer Woonkans",
}


def other_organisation(own):
    return Organisation.objects.exclude(pk=own.pk).filter(name__in=["Gemeente Venlo", "Gemeente Venray"]).first()


def state(user):
    user = User.objects.get(pk=user.pk)
    return {
        "organisation": user.organisation_id,
        "is_active": user.is_active,
        "is_staff": user.is_staff,
        "is_superuser": user.is_superuser,
        "groups": set(user.groups.values_list("pk", flat=True)),
        "permissions": set(user.user_permissions.values_list("pk", flat=True)),
        "roles": set(user.role_assignments.values_list("role", flat=True)),
        "password": user.password,
        "requests": RoleGrantRequest.objects.filter(user=user).count(),
    }


def change_form(user, **overrides):
    form = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation_id,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
        "role_requests-TOTAL_FORMS": "0",
        "role_requests-INITIAL_FORMS": "0",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


def attempts(user):
    """Every field of the user form, changed on one's own account."""
    venlo_or_venray = other_organisation(user.organisation)
    some_group = Group.objects.get(name=f"role:{Role.WMO_CONSULTANT}")
    some_permission = Permission.objects.get(codename="change_organisation")
    role_row = {
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-0-role": Role.WMO_CONSULTANT,
        "role_assignments-0-user": user.pk,
    }
    return {
        # The attack of the issue: another organisation plus a role there.
        "organisation+role": change_form(user, organisation=venlo_or_venray.pk, **role_row),
        "organisation": change_form(user, organisation=venlo_or_venray.pk),
        "is_active": change_form(user, is_active=None),
        "is_staff": change_form(user, is_staff="on"),
        "is_superuser": change_form(user, is_superuser="on"),
        "groups": change_form(user, groups=[some_group.pk]),
        "user_permissions": change_form(user, user_permissions=[some_permission.pk]),
        "role_assignments": change_form(user, **{**role_row, "role_assignments-0-role": Role.WERKGROEP}),
        "password": change_form(user, password="md5$x$y"),
    }


@pytest.mark.parametrize("kind", ADMIN_ORGANISATIONS)
def test_no_administrator_changes_any_field_of_their_own_account(make_user, kind):
    admin_user = make_user(Role.ADMINISTRATOR, ADMIN_ORGANISATIONS[kind], with_device=True)
    client = sign_in(Client(), admin_user)
    url = reverse("admin:accounts_user_change", args=[admin_user.pk])
    before = state(admin_user)
    for field, form in attempts(admin_user).items():
        response = client.post(url, form)
        assert response.status_code in (403, 404), (kind, field, response.status_code)
        assert state(admin_user) == before, (kind, field)
    # The admin's own page is shown read-only, with a Dutch explanation.
    page = client.get(url)
    assert page.status_code == 200
    assert "Dit is je eigen account" in page.content.decode()
    assert 'name="organisation"' not in page.content.decode()
    # The password form of one's own account (no old password asked) is refused too.
    password_url = reverse("admin:auth_user_password_change", args=[admin_user.pk])
    new_password = {"password1": "Een-heel-nieuw-wachtwoord-1", "password2": "Een-heel-nieuw-wachtwoord-1"}
    assert client.post(password_url, new_password).status_code in (403, 404)
    assert state(admin_user) == before


def test_the_reported_attack_no_longer_works(make_user, people):
    """beheerder: own organisation to Gemeente Venlo plus a wmo_consultant row, then read Venlo's cases."""
    beheerder = people["admin"]
    client = sign_in(Client(), beheerder)
    venlo = Organisation.objects.get(name="Gemeente Venlo")
    form = change_form(
        beheerder,
        organisation=venlo.pk,
        **{"role_assignments-TOTAL_FORMS": "1", "role_assignments-0-role": Role.WMO_CONSULTANT},
    )
    response = client.post(reverse("admin:accounts_user_change", args=[beheerder.pk]), form)
    assert response.status_code == 403
    beheerder = User.objects.get(pk=beheerder.pk)
    assert beheerder.organisation.name == "Functioneel beheer Woonkans"
    assert not beheerder.has_role(Role.WMO_CONSULTANT)
    assert client.get(reverse("referrals:list")).status_code == 404


@pytest.mark.parametrize("kind", ADMIN_ORGANISATIONS)
def test_the_services_refuse_changes_to_ones_own_account(make_user, kind):
    """Not only the management screens: every path goes through these services."""
    admin_user = make_user(Role.ADMINISTRATOR, ADMIN_ORGANISATIONS[kind])
    before = state(admin_user)
    moved = User.objects.get(pk=admin_user.pk)
    moved.organisation = other_organisation(admin_user.organisation)
    with pytest.raises(ValidationError) as refused:
        save_user(actor=admin_user, user=moved)
    assert "Vraag een andere beheerder" in " ".join(refused.value.messages)
    deactivated = User.objects.get(pk=admin_user.pk)
    deactivated.is_active = False
    with pytest.raises(ValidationError):
        save_user(actor=admin_user, user=deactivated)
    promoted = User.objects.get(pk=admin_user.pk)
    promoted.is_superuser = True
    with pytest.raises(ValidationError):
        save_user(actor=admin_user, user=promoted)
    with pytest.raises(ValidationError):
        grant_role(actor=admin_user, user=admin_user, role=Role.WERKGROEP)
    with pytest.raises(ValidationError):
        revoke_role(actor=admin_user, assignment=admin_user.role_assignments.get())
    assert state(admin_user) == before


@pytest.mark.parametrize("kind", [kind for kind in ADMIN_ORGANISATIONS if kind != "operator"])
def test_an_organisations_administrator_cannot_move_a_user_to_another_organisation(make_user, kind):
    admin_user = make_user(Role.ADMINISTRATOR, ADMIN_ORGANISATIONS[kind], with_device=True)
    colleague = make_user(Role.WERKGROEP, ADMIN_ORGANISATIONS[kind])
    elsewhere = other_organisation(admin_user.organisation)
    client = sign_in(Client(), admin_user)
    response = client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        change_form(colleague, organisation=elsewhere.pk),
    )
    assert response.status_code == 200  # the form again, with a message; nothing stored
    assert User.objects.get(pk=colleague.pk).organisation_id == admin_user.organisation_id
    moved = User.objects.get(pk=colleague.pk)
    moved.organisation = elsewhere
    with pytest.raises(ValidationError) as refused:
        save_user(actor=admin_user, user=moved)
    assert "eigen organisatie" in " ".join(refused.value.messages)
    # Nor give a role to someone of another organisation.
    stranger = make_user(Role.WERKGROEP, elsewhere.name)
    with pytest.raises(PermissionDenied):
        grant_role(actor=admin_user, user=stranger, role=Role.ADMINISTRATOR)
    assert User.objects.get(pk=colleague.pk).organisation_id == admin_user.organisation_id
    assert not stranger.role_assignments.filter(role=Role.ADMINISTRATOR).exists()
