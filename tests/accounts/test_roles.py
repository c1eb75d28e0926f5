import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError

from woonkans.accounts.models import RoleAssignment
from woonkans.accounts.roles import ROLE_ORGANISATION_KINDS, Role, role_group_name
from woonkans.parties.models import Organisation, OrganisationKind

pytestmark = pytest.mark.django_db

ONE_OF_EACH_KIND = {
    OrganisationKind.MUNICIPALITY: "Gemeente Venlo",
    OrganisationKind.CORPORATION: "Woonwenz",
    OrganisationKind.CARE_PROVIDER: "Moveoo",
    OrganisationKind.MGR: "MGR sociaal domein Limburg-Noord",
    OrganisationKind.CHAIN_DIRECTION: "Ketenregie Noord-Limburg",
    OrganisationKind.OPERATOR: "Functioneel beheer Woonkans",
}

EXPECTED = {
    Role.WMO_CONSULTANT: {"municipality"},
    Role.KETENREGISSEUR: {"chain_direction"},
    Role.PROCESREGISSEUR: {"chain_direction"},
    Role.CORPORATION: {"corporation"},
    Role.CARE_PROVIDER: {"care_provider"},
    Role.TREASURER: {"mgr"},
    Role.WERKGROEP: set(OrganisationKind.values),
    Role.ADMINISTRATOR: set(OrganisationKind.values),
    Role.PRIVACY_OFFICER: {"municipality"},
}


def test_role_table_matches_the_spec():
    assert {role: set(kinds) for role, kinds in ROLE_ORGANISATION_KINDS.items()} == EXPECTED


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("kind", list(OrganisationKind))
def test_role_is_valid_only_in_its_kind_of_organisation(make_user, role, kind):
    user = make_user(organisation_name=ONE_OF_EACH_KIND[kind])
    assignment = RoleAssignment(user=user, role=role)
    if kind in EXPECTED[role]:
        assignment.full_clean()
    else:
        with pytest.raises(ValidationError) as error:
            assignment.full_clean()
        assert "kan niet worden gegeven" in str(error.value)


def test_a_user_can_hold_several_roles_in_one_organisation(make_user):
    user = make_user(Role.KETENREGISSEUR, "Ketenregie Noord-Limburg")
    RoleAssignment.objects.create(user=user, role=Role.WERKGROEP)
    assert user.role_codes == ["ketenregisseur", "werkgroep"]


def test_moving_a_user_to_an_unfitting_organisation_is_refused(make_user):
    user = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    user.organisation = Organisation.objects.get(name="Woonwenz")
    with pytest.raises(ValidationError):
        user.full_clean()


def test_groups_follow_organisation_and_roles(make_user):
    user = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans")
    names = set(user.groups.values_list("name", flat=True))
    assert names == {"org:functioneel-beheer-woonkans", role_group_name(Role.ADMINISTRATOR)}
    user.refresh_from_db()
    assert user.is_staff  # administrators reach the management screens

    RoleAssignment.objects.filter(user=user).delete()
    user.refresh_from_db()
    assert not user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"org:functioneel-beheer-woonkans"}

    user.organisation = Organisation.objects.get(name="Gemeente Weert")
    user.save()
    assert set(user.groups.values_list("name", flat=True)) == {"org:gemeente-weert"}


def test_administrator_permissions_never_reach_case_data():
    group_permissions = Permission.objects.filter(group__name=role_group_name(Role.ADMINISTRATOR))
    apps = set(group_permissions.values_list("content_type__app_label", flat=True))
    assert apps <= {"parties", "accounts", "otp_totp", "otp_static", "axes", "leadtimes"}
    # Of the lead times only the targets (programme data), never the per-case reminder rows.
    assert set(group_permissions.filter(content_type__app_label="leadtimes").values_list("codename", flat=True)) == {
        "view_leadtimetarget",
        "change_leadtimetarget",
    }
    assert not group_permissions.filter(
        content_type__app_label__in=["referrals", "matching", "guarantee_fund", "monitoring", "privacy", "audit"]
    ).exists()
    # A lost phone is handled by deleting the device, never by reading its secret.
    assert set(group_permissions.filter(content_type__app_label="otp_totp").values_list("codename", flat=True)) == {
        "delete_totpdevice"
    }
