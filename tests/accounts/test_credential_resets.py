"""How someone signs in (password, second factor, e-mail, username) changes under four eyes outside one's organisation.

The attack these tests close: an operator administrator resets a Venlo consultant's password and
second factor, or points their e-mail address elsewhere, logs in as them and reads case data.
"""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from woonkans.accounts.credential_services import approve_credential_request, change_credentials
from woonkans.accounts.models import CredentialResetRequest, RoleRequestStatus, User
from woonkans.accounts.roles import Role
from woonkans.accounts.user_services import save_user
from woonkans.audit.models import AccessLog
from woonkans.notifications.models import OutboxMessage

from ..conftest import sign_in
from ..factories import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Een-heel-nieuw-wachtwoord-2026"


@pytest.fixture
def operator_admins(make_user):
    first = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.a")
    second = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.b")
    return first, second


@pytest.fixture
def consultant(make_user):
    """A Venlo Wmo-consultant with an authenticator app, backup codes and a live session."""
    user = make_user(
        Role.WMO_CONSULTANT, "Gemeente Venlo", with_device=True, username="consulent.venlo", email="c@venlo.example"
    )
    static = StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    static.token_set.create(token="abcd1234")
    sign_in(Client(), user)
    return user


def sessions_of(user):
    return [s for s in Session.objects.all() if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)]


def assert_untouched(user):
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert user.username == "consulent.venlo" and user.email == "c@venlo.example"
    assert TOTPDevice.objects.filter(user=user).count() == 1
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert sessions_of(user)


def assert_refused_in_dutch(response, user):
    assert response.status_code == 403
    page = response.content.decode()
    assert "Dit wijzig je niet zelf" in page
    assert reverse("credential_change", kwargs={"user_id": user.pk}) in page


# --- refused: every direct route for an operator administrator ----------------------


def test_the_admin_password_form_of_another_organisations_user_is_refused(operator_admins, consultant):
    client = sign_in(Client(), operator_admins[0])
    url = reverse("admin:auth_user_password_change", args=[consultant.pk])
    assert_refused_in_dutch(client.get(url), consultant)
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    assert_refused_in_dutch(client.post(url, form), consultant)
    assert_untouched(consultant)


def test_the_second_factor_admins_refuse_another_organisations_devices(operator_admins, consultant):
    client = sign_in(Client(), operator_admins[0])
    totp = TOTPDevice.objects.get(user=consultant)
    static = StaticDevice.objects.get(user=consultant)
    for model, device in (("otp_totp_totpdevice", totp), ("otp_static_staticdevice", static)):
        for page in ("change", "delete", "history"):
            url = reverse(f"admin:{model}_{page}", args=[device.pk])
            assert_refused_in_dutch(client.get(url), consultant)
            assert_refused_in_dutch(
                client.post(url, {"post": "yes", "name": "mijn", "user": consultant.pk}), consultant
            )
    for page in ("config", "qrcode"):
        assert_refused_in_dutch(client.get(reverse(f"admin:otp_totp_totpdevice_{page}", args=[totp.pk])), consultant)
    assert_untouched(consultant)


def test_a_superuser_cannot_add_a_device_or_bulk_delete_another_organisations_devices(make_user, consultant):
    root = make_user(organisation_name=None, is_superuser=True, is_staff=True, with_device=True, organisation=None)
    client = sign_in(Client(), root)
    response = client.post(
        reverse("admin:otp_static_staticdevice_add"),
        {
            "user": consultant.pk,
            "name": "mijn",
            "confirmed": "on",
            "token_set-TOTAL_FORMS": "0",
            "token_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "vraag het aan" in response.content.decode()
    response = client.post(
        reverse("admin:otp_totp_totpdevice_changelist"),
        {"action": "delete_selected", "_selected_action": [TOTPDevice.objects.get(user=consultant).pk], "post": "yes"},
    )
    assert response.status_code == 403
    assert_untouched(consultant)


def test_the_user_form_keeps_another_organisations_username_and_email(operator_admins, consultant):
    client = sign_in(Client(), operator_admins[0])
    url = reverse("admin:accounts_user_change", args=[consultant.pk])
    page = client.get(url).content.decode()
    assert 'name="email"' not in page and 'name="username"' not in page
    assert reverse("credential_change", kwargs={"user_id": consultant.pk}) in page
    form = {
        "username": "overgenomen",
        "email": "beheerder@woonkans.example",
        "first_name": consultant.first_name,
        "last_name": consultant.last_name,
        "organisation": consultant.organisation_id,
        "is_active": "on",
        "role_assignments-TOTAL_FORMS": "0",
        "role_assignments-INITIAL_FORMS": "1",
    }
    client.post(url, form)
    assert_untouched(consultant)
    # And the service refuses it whatever screen calls it.
    consultant.email = "beheerder@woonkans.example"
    with pytest.raises(ValidationError):
        save_user(actor=operator_admins[0], user=consultant)
    consultant.refresh_from_db()
    assert consultant.email == "c@venlo.example"


# --- four eyes: asked, approved by a second administrator -------------------------


def test_a_reset_takes_effect_only_after_a_second_administrator_approves(
    operator_admins, consultant, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://woonkans.example"
    asker, approver = operator_admins
    client = sign_in(Client(), asker)
    response = client.post(
        reverse("credential_change", kwargs={"user_id": consultant.pk}),
        {"reset_login": "on", "new_email": "beheerder@woonkans.example"},
    )
    assert response.status_code == 302
    credential_request = CredentialResetRequest.objects.get(user=consultant)
    assert credential_request.status == RoleRequestStatus.PENDING
    assert not OutboxMessage.objects.exists()
    assert_untouched(consultant)

    # The requester cannot approve; the page says a second administrator decides.
    decide = reverse("credential_request_decide", kwargs={"request_id": credential_request.pk})
    page = client.post(decide, {"decision": "approve"}, follow=True).content.decode()
    assert "niet door de aanvrager" in page
    credential_request.refresh_from_db()
    assert credential_request.status == RoleRequestStatus.PENDING
    assert_untouched(consultant)

    second = sign_in(Client(), approver)
    page = second.get(reverse("role_requests")).content.decode()
    assert "wachtwoord en tweede factor herstellen" in page and decide in page
    with django_capture_on_commit_callbacks(execute=True):
        assert second.post(decide, {"decision": "approve"}).status_code == 302
    # The link goes to the address the second administrator approved, and holds no password.
    assert [message.to for message in mail.outbox] == [["beheerder@woonkans.example"]]
    assert "/wachtwoord-instellen/" in mail.outbox[0].body

    consultant.refresh_from_db()
    assert not consultant.has_usable_password()
    assert consultant.email == "beheerder@woonkans.example"
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert not StaticDevice.objects.filter(user=consultant).exists()
    assert sessions_of(consultant) == []
    (row,) = OutboxMessage.objects.all()
    assert row.recipient_ids == [consultant.pk]
    assert row.path.startswith("/wachtwoord-instellen/")
    assert PASSWORD not in row.intro
    purposes = set(
        AccessLog.objects.filter(object_type="accounts.credentialresetrequest").values_list("purpose", flat=True)
    )
    assert purposes == {"aanvraag inloggegevens (vier ogen)", "aanvraag inloggegevens goedgekeurd (vier ogen)"}
    requester, decider = (
        AccessLog.objects.filter(object_type="accounts.credentialresetrequest").order_by("id").values_list("user_id")
    )
    assert (requester[0], decider[0]) == (asker.pk, approver.pk)

    # The e-mailed link lets the user set a password once; then they log in and enrol a new factor.
    anonymous = Client()
    response = anonymous.get(row.path, follow=True)
    assert response.status_code == 200
    set_url = response.redirect_chain[-1][0]
    response = anonymous.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("password_set_done")
    consultant.refresh_from_db()
    assert consultant.check_password(NEW_PASSWORD)
    assert "niet (meer) geldig" in Client().get(row.path, follow=True).content.decode()


def test_the_access_review_shows_the_credential_request(operator_admins, consultant):
    from woonkans.accounts.reviews import open_reviews

    change_credentials(actor=operator_admins[0], user=consultant, reset_login=True)
    open_reviews()
    review = consultant.organisation.access_reviews.get()
    page = sign_in(Client(), operator_admins[1]).get(reverse("access_review", kwargs={"review_id": review.pk}))
    assert "wachtwoord en tweede factor herstellen" in page.content.decode()


def test_the_user_themselves_cannot_approve_a_reset_of_their_credentials(operator_admins, make_user):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True, email="a@venlo.example")
    credential_request = change_credentials(actor=operator_admins[0], user=venlo_admin, reset_login=True)
    with pytest.raises(ValidationError):
        approve_credential_request(actor=venlo_admin, credential_request=credential_request)
    venlo_admin.refresh_from_db()
    assert venlo_admin.check_password(PASSWORD)


def test_an_operator_administrators_credentials_need_four_eyes_even_within_the_operator(operator_admins):
    asker, target = operator_admins
    target.email = "b@woonkans.example"
    target.save()
    assert change_credentials(actor=asker, user=target, reset_login=True) is not None
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    response = sign_in(Client(), asker).get(reverse("admin:auth_user_password_change", args=[target.pk]))
    assert response.status_code == 403


# --- the organisation's own administrator: the helpdesk path, at once and logged -------


def test_an_organisations_administrator_resets_its_own_user_directly(make_user, consultant):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    client = sign_in(Client(), venlo_admin)
    response = client.post(reverse("credential_change", kwargs={"user_id": consultant.pk}), {"reset_login": "on"})
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert not consultant.has_usable_password()
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert sessions_of(consultant) == []
    assert not CredentialResetRequest.objects.exists()
    assert OutboxMessage.objects.count() == 1
    assert AccessLog.objects.filter(user=venlo_admin, purpose="inloggegevens hersteld (eigen organisatie)").exists()


def test_an_organisations_administrator_sets_a_password_and_deletes_a_device_in_the_admin(make_user, consultant):
    venlo_admin = make_user(Role.ADMINISTRATOR, "Gemeente Venlo", with_device=True)
    client = sign_in(Client(), venlo_admin)
    url = reverse("admin:auth_user_password_change", args=[consultant.pk])
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})
    assert response.status_code == 302
    consultant.refresh_from_db()
    assert consultant.check_password(NEW_PASSWORD)
    assert sessions_of(consultant) == []
    assert AccessLog.objects.filter(
        user=venlo_admin, purpose="wachtwoord ingesteld door beheerder (eigen organisatie)"
    ).exists()

    device = TOTPDevice.objects.get(user=consultant)
    response = client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=consultant).exists()
    assert AccessLog.objects.filter(user=venlo_admin, purpose="tweede factor verwijderd (eigen organisatie)").exists()


def test_an_organisations_administrator_cannot_reach_another_organisations_user(make_user, consultant):
    roermond_admin = make_user(Role.ADMINISTRATOR, "Gemeente Roermond", with_device=True)
    client = sign_in(Client(), roermond_admin)
    url = reverse("credential_change", kwargs={"user_id": consultant.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"reset_login": "on"}).status_code == 404
    assert_untouched(consultant)
    assert User.objects.get(pk=consultant.pk).check_password(PASSWORD)


def test_a_requested_username_or_address_is_validated_by_the_service(operator_admins, consultant):
    for kwargs in ({"new_username": "<script>"}, {"new_email": "geen-adres"}):
        with pytest.raises(ValidationError):
            change_credentials(actor=operator_admins[0], user=consultant, **kwargs)
    assert not CredentialResetRequest.objects.exists()
