"""In the browser: an administrator adds a user with a role in one save, on screens axe finds no fault in;
a role in another organisation waits for a second administrator, who approves it."""

import re

import pytest

from woonkans.accounts import reviews
from woonkans.accounts.models import RoleGrantRequest, RoleRequestStatus, User
from woonkans.accounts.roles import Role

from .conftest import log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEW_PASSWORD = "Een-lang-genoeg-wachtwoord-2026"


def test_add_a_user_with_a_role_in_one_save_and_approve_it_with_four_eyes(e2e, make_user):
    first = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.a")
    second = make_user(Role.ADMINISTRATOR, "Functioneel beheer Woonkans", with_device=True, username="beheer.b")

    admin_a = e2e("beheerder-a", first)
    log_in(admin_a, start="/beheer/")
    page = admin_a.goto("/beheer/", "beheer-start")
    page = admin_a.goto("/beheer/accounts/user/", "gebruikers")
    page = admin_a.goto("/beheer/accounts/user/add/", "gebruiker-toevoegen")

    page.get_by_label("Gebruikersnaam").fill("nieuwe.consulent")
    page.get_by_label("Organisatie").select_option(label="Gemeente Venlo")
    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill("kort")
    page.get_by_label("Bevestiging wachtwoord").fill("kort")
    page.get_by_role("combobox", name="Rol", exact=True).first.select_option(label="Wmo-consulent")
    page = admin_a.submit(page.get_by_role("button", name="Opslaan", exact=True), "te-kort-wachtwoord")
    assert page.get_by_text("Dit wachtwoord is te kort").is_visible()
    assert not User.objects.filter(username="nieuwe.consulent").exists()

    page.get_by_label(re.compile(r"^Wachtwoord:?$")).fill(NEW_PASSWORD)
    page.get_by_label("Bevestiging wachtwoord").fill(NEW_PASSWORD)
    page = admin_a.submit(page.get_by_role("button", name="Opslaan", exact=True), "gebruiker-opgeslagen")
    assert page.get_by_text(re.compile("gaat pas in als een tweede beheerder")).first.is_visible()
    user = User.objects.get(username="nieuwe.consulent")
    assert user.organisation.name == "Gemeente Venlo"
    assert not user.has_role(Role.WMO_CONSULTANT)

    # The requester's own page of requests: no approve button for them.
    page = admin_a.goto("/toegangscontrole/rolaanvragen/", "rolaanvragen-aanvrager")
    assert page.get_by_text("Door jou aangevraagd").is_visible()
    assert page.get_by_role("button", name=re.compile("^Goedkeuren")).count() == 0
    # One's own account: shown, not changeable.
    page = admin_a.goto(f"/beheer/accounts/user/{first.pk}/change/", "eigen-account")
    assert page.get_by_text("Dit is je eigen account").is_visible()

    admin_b = e2e("beheerder-b", second)
    log_in(admin_b, start="/toegangscontrole/rolaanvragen/")
    page = admin_b.seen("rolaanvragen-tweede-beheerder")
    page = admin_b.submit(page.get_by_role("button", name=re.compile("^Goedkeuren")), "goedgekeurd")
    assert page.get_by_text(re.compile("De rol is goedgekeurd")).is_visible()
    assert RoleGrantRequest.objects.get(user=user).status == RoleRequestStatus.APPROVED
    assert User.objects.get(pk=user.pk).has_role(Role.WMO_CONSULTANT)
    page = admin_b.goto(f"/beheer/accounts/user/{user.pk}/change/", "gebruiker-wijzigen")
    page = admin_b.goto(f"/beheer/accounts/user/{user.pk}/password/", "wachtwoord-instellen")
    page = admin_b.goto("/beheer/axes/accessattempt/", "inlogpogingen")
    assert page.get_by_role("heading", name=re.compile("inlogpoging")).count() >= 1

    review = next(review for review in reviews.open_reviews() if review.organisation.name == "Gemeente Venlo")
    page = admin_b.goto(f"/toegangscontrole/{review.pk}/", "toegangscontrole-venlo")
    assert page.get_by_role("heading", name="Rollen met goedkeuring door een tweede beheerder").is_visible()
    assert page.get_by_text("Goedgekeurd").first.is_visible()
