"""An organisation's own administrator (DPIA §16) manages that organisation's accounts only.

Access reviews hold to this (woonkans.accounts.reviews.may_review), and so do the management
screens (/beheer/, woonkans.accounts.admin_scope): without that scope the administrator of a
municipality could open, re-password and strip the second factor of any user of any
organisation, which is enough to take that account over.
"""

import pytest
from django.test import Client
from django.urls import reverse

from woonkans.accounts.roles import Role

from ..conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def venlo_admin(make_user):
    return make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)


@pytest.fixture
def stranger(make_user):
    return make_user(Role.CORPORATION, "Woonwenz", with_device=True)


def test_an_organisations_administrator_manages_its_own_users(venlo_admin, make_user):
    colleague = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    admin = sign_in(Client(), venlo_admin)
    assert admin.get(reverse("admin:accounts_user_change", args=[colleague.pk])).status_code == 200


@pytest.mark.parametrize(
    "admin_page",
    ["admin:accounts_user_change", "admin:auth_user_password_change", "admin:otp_totp_totpdevice_delete"],
)
def test_an_organisations_administrator_cannot_touch_another_organisations_user(venlo_admin, stranger, admin_page):
    target = stranger.totpdevice_set.get().pk if "totpdevice" in admin_page else stranger.pk
    admin = sign_in(Client(), venlo_admin)
    assert admin.get(reverse(admin_page, args=[target])).status_code in (302, 403, 404)


def test_the_user_list_of_an_organisations_administrator_shows_its_own_users_only(venlo_admin, stranger):
    admin = sign_in(Client(), venlo_admin)
    page = admin.get(reverse("admin:accounts_user_changelist")).content.decode()
    assert stranger.username not in page


@pytest.mark.parametrize(
    "admin_page",
    [
        "admin:parties_organisation_changelist",
        "admin:parties_distributionkeyshare_changelist",
        "admin:parties_housingstock_changelist",
        "admin:parties_region_changelist",
        "admin:parties_agreementterm_changelist",
    ],
)
def test_the_programme_s_own_data_is_for_the_operator_s_administrators_only(venlo_admin, make_user, admin_page):
    admin = sign_in(Client(), venlo_admin)
    assert admin.get(reverse(admin_page)).status_code == 403
    operator = sign_in(Client(), make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True))
    assert operator.get(reverse(admin_page)).status_code == 200


def test_a_user_added_by_an_organisations_administrator_lands_in_that_organisation(venlo_admin, make_user):
    from woonkans.accounts.models import User
    from woonkans.parties.models import Organisation

    colleague = make_user(Role.WMO_CONSULTANT, "Gemeente Venlo")
    woonwenz = Organisation.objects.get(name="Woonwenz")
    admin = sign_in(Client(), venlo_admin)
    url = reverse("admin:accounts_user_change", args=[colleague.pk])
    page = admin.get(url).content.decode()
    assert f'value="{woonwenz.pk}"' not in page  # not even offered
    form = {
        "username": colleague.username,
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "organisation": woonwenz.pk,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "0",
    }
    admin.post(url, form)
    assert User.objects.get(pk=colleague.pk).organisation.name == "Gemeente Venlo"
