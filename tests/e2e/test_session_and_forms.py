"""In the browser: the idle-logout countdown and the draft that survives it, a wrong TOTP code, a refused upload."""

import datetime
import re
import time

import pytest
from django.utils import timezone

from guarantee_fund import services as fund_services
from matching import services as matching_services
from referrals import services as referral_services
from referrals.models import Document, FormDraft
from woonkans.accounts.roles import Role

from ..factories import PASSWORD
from ..matching.conftest import make_matched
from .conftest import enter_code, log_in, log_in_until_code, totp_code

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOT_A_PDF = b"Dit is platte tekst met de naam van een PDF.\n"
REFUSED = "Alleen PDF-, JPEG- of PNG-bestanden zijn toegestaan."


@pytest.fixture
def consultant(make_user):
    return make_user(
        Role.WMO_CONSULTANT,
        "Gemeente Venlo",
        with_device=True,
        username="consulent",
        first_name="Carla",
        last_name="Consulent",
    )


def error_of(page, field):
    """The error message shown with a field, found the way a screen reader finds it: aria-describedby."""
    described_by = field.get_attribute("aria-describedby") or ""
    messages = [page.locator(f"[id='{name}']").inner_text() for name in described_by.split() if name]
    return " ".join(messages)


def test_idle_countdown_then_logout_and_the_draft_is_still_there(e2e, consultant, settings):
    settings.SESSION_IDLE_TIMEOUT = 6
    settings.SESSION_IDLE_WARNING = 4
    referral = referral_services.start_referral(actor=consultant)
    step = f"/aanmeldingen/{referral.pk}/stap/persoon/"
    actor = e2e("consulent", consultant)
    page = log_in(actor, start=step)
    assert actor.url_path() == step

    page.get_by_label("Voornaam").fill("Noor")
    page.get_by_label("Achternaam").fill("Hendriks")
    page.get_by_label("Achternaam").press("Tab")  # leaving the field saves a draft on the server
    page.get_by_text(re.compile(r"^Concept opgeslagen om \d\d:\d\d$")).wait_for()
    assert FormDraft.objects.filter(referral=referral, step="persoon").exists()

    warning = page.get_by_role("alertdialog", name="Je wordt bijna uitgelogd")
    warning.wait_for(state="visible", timeout=(settings.SESSION_IDLE_TIMEOUT + 5) * 1000)
    assert re.search(r"over \d:\d\d automatisch uitgelogd", warning.inner_text())
    button = page.get_by_role("button", name="Ingelogd blijven")
    assert button.evaluate("element => element === document.activeElement")  # keyboard users land on it
    actor.seen("waarschuwing")

    # "Ingelogd blijven" renews the session on the server, and the warning goes away.
    button.click()
    warning.wait_for(state="hidden")
    assert actor.url_path() == step
    warning.wait_for(state="visible", timeout=(settings.SESSION_IDLE_TIMEOUT + 5) * 1000)

    # Now nobody clicks: the countdown ends at the server's idle limit and the login page explains why.
    page.wait_for_url(re.compile(r"/inloggen/"), timeout=(settings.SESSION_IDLE_WARNING + 10) * 1000)
    actor.seen("uitgelogd")
    assert page.get_by_text("Je bent automatisch uitgelogd omdat je een tijd niets hebt gedaan.").is_visible()
    assert page.get_by_label("Gebruikersnaam").is_visible()
    assert actor.page.context.request.get(actor.base_url + step, max_redirects=0).status == 302

    # Logging in again leads back to the step, with what was typed.
    page.get_by_label("Gebruikersnaam").fill(consultant.username)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    actor.press("Volgende", "code-vragen")
    enter_code(actor, totp_code(consultant))
    assert actor.url_path() == step
    assert page.get_by_label("Voornaam").input_value() == "Noor"
    assert page.get_by_label("Achternaam").input_value() == "Hendriks"
    assert page.get_by_text(re.compile("Dit is wat je op .* had ingevuld en nog niet was opgeslagen.")).is_visible()


def test_a_wrong_code_is_refused_in_dutch(e2e, consultant):
    actor = e2e("consulent", consultant)
    page = log_in_until_code(actor)
    right = totp_code(consultant)
    wrong = "000000" if right != "000000" else "111111"
    enter_code(actor, wrong)

    code = page.get_by_label("Verificatiecode")
    assert "De verificatiecode klopt niet. Probeer het opnieuw." in error_of(page, code)
    assert page.get_by_role("alert").filter(has_text="De verificatiecode klopt niet").is_visible()
    assert page.get_by_role("heading", name="Mijn werkvoorraad").count() == 0
    assert page.get_by_role("button", name="Uitloggen").count() == 0

    # django-otp lets a device try again after a pause that doubles with each failure (1 s after the first).
    time.sleep(1.2)
    enter_code(actor, totp_code(consultant))
    assert page.get_by_role("heading", name="Mijn werkvoorraad").is_visible()


def test_a_document_with_the_wrong_content_is_refused_next_to_the_field(e2e, consultant):
    referral = referral_services.start_referral(actor=consultant)
    actor = e2e("consulent", consultant)
    page = log_in(actor, start=f"/aanmeldingen/{referral.pk}/stap/documenten/")

    page.get_by_label("Soort document").select_option(label="Inkomensverklaring (IB60)")
    upload = page.get_by_label("Bestand")
    upload.set_input_files({"name": "ib60.pdf", "mimeType": "application/pdf", "buffer": NOT_A_PDF})
    actor.press("Uploaden", "geweigerd")

    assert REFUSED in error_of(page, page.get_by_label("Bestand"))
    assert page.get_by_label("Bestand").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Soort document").input_value() == "income_statement"
    assert page.get_by_role("listitem").filter(has_text="Nog geen documenten.").is_visible()
    assert not Document.objects.filter(referral=referral).exists()


def test_a_claim_invoice_with_the_wrong_content_is_refused_and_the_description_kept(e2e, make_user, people):
    woonwenz = make_user(Role.CORPORATION, "Woonwenz", with_device=True, username="woonwenz", email="w@example.org")
    people = {**people, "woonwenz": woonwenz}
    profile = make_matched(people)
    matching_services.record_housing(
        actor=people["noord"], profile=profile, lease_signed_on=timezone.localdate() - datetime.timedelta(days=90)
    )
    profile = matching_services.end_trajectory(
        actor=people["noord"], profile=profile, kind="left", ended_on=timezone.localdate(), evaluation="Vertrokken."
    )
    claim = fund_services.create_claim(
        actor=woonwenz,
        profile=profile,
        termination_date=timezone.localdate(),
        termination_kind="left",
        evaluation="Vertrokken met achterstand.",
        deposit_cents=0,
    )
    actor = e2e("woonwenz", woonwenz)
    page = log_in(actor, start=f"/garantiefonds/claims/{claim.pk}/")

    form = page.locator("form").filter(has=page.get_by_role("heading", name="Document toevoegen"))
    form.get_by_label("Omschrijving").fill("Factuur schilderwerk")
    form.get_by_label("Bestand").set_input_files(
        {"name": "factuur.pdf", "mimeType": "application/pdf", "buffer": NOT_A_PDF}
    )
    actor.submit(form.get_by_role("button", name="Uploaden"), "geweigerd")

    form = page.locator("form").filter(has=page.get_by_role("heading", name="Document toevoegen"))
    assert REFUSED in error_of(page, form.get_by_label("Bestand"))
    assert form.get_by_label("Omschrijving").input_value() == "Factuur schilderwerk"
    assert not claim.documents.exists()
