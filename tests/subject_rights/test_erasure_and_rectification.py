"""Art. 16, 17 and 21: correcting (and telling every recipient), erasing where no retention duty applies,
and objections recorded and decided."""

import os

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from monitoring.models import CaseFact
from referrals.models import Document, Identity, Referral, Research
from subject_rights.models import Rectification, SubjectRequest
from woonkans.audit.models import AccessLog

from ..confirming import post_confirmed
from ..matching.conftest import make_matched
from ..referrals.conftest import make_ready, make_submitted
from .conftest import act_url, detail_url, register

pytestmark = pytest.mark.django_db


def stored(path):
    return os.path.exists(os.path.join(django_settings.PRIVATE_MEDIA_ROOT, path))


def erase_form(ground="no_wmo_file", **extra):
    return {
        "wissen-ground": ground,
        "wissen-reason": "Geen Wmo-aanmelding gedaan.",
        "wissen-informed_on": timezone.localdate().isoformat(),
        **extra,
    }


def test_a_case_that_was_never_submitted_is_erased_files_and_all(
    client, signed_in, people, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # its monitoring fact follows each action
        referral = make_ready(people["venlo"])  # in research: no Wmo referral was made
    paths = list(Document.objects.filter(referral=referral).values_list("path", flat=True))
    assert paths and all(stored(path) for path in paths)
    request = register(officer, referral, "erasure", text="Verwijder alles over mij, Jan Jansen.")
    signed_in(officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(client, act_url(request, "wissen"), erase_form())
    assert response.status_code == 302
    referral.refresh_from_db()
    request.refresh_from_db()
    assert referral.purged_at is not None and referral.status == "withdrawn"
    assert not Identity.objects.filter(referral=referral).exists()
    assert not Research.objects.filter(referral=referral).exists()
    assert not Document.objects.filter(referral=referral).exists()
    assert not any(stored(path) for path in paths)
    # The request stays as proof of handling, without the resident's words; the figures stay.
    assert request.status == "granted" and request.request_text == ""
    assert CaseFact.objects.filter(pk=referral.fact_id, outcome="stopped").exists()
    entry = AccessLog.objects.get(action="delete", subject=str(referral.pk))
    assert "Jansen" not in entry.purpose


def test_a_submitted_case_is_not_erased_for_want_of_a_wmo_file_and_nothing_is_lost(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    request = register(officer, referral, "erasure")
    signed_in(officer)
    page = post_confirmed(client, act_url(request, "wissen"), erase_form()).content.decode()
    assert "Wmo-bewaartermijn" in page
    assert "Geen Wmo-aanmelding gedaan." in page  # the typed motivation is kept
    assert Identity.objects.filter(referral=referral).exists()
    request.refresh_from_db()
    assert request.status == "open"


def test_a_legal_hold_or_a_running_claim_blocks_erasure(people, officer):
    referral = make_ready(people["venlo"])
    Referral.objects.filter(pk=referral.pk).update(legal_hold=True)
    request = register(officer, referral, "erasure")
    from subject_rights import services

    blockers = services.erasure_blockers(SubjectRequest.objects.get(pk=request.pk), "unlawful")
    assert any("juridische bewaarplicht" in blocker for blocker in blockers)
    with pytest.raises(Exception, match="juridische bewaarplicht"):
        services.erase(actor=officer, request=request, ground="unlawful", reason="x", informed_on=timezone.localdate())
    assert Identity.objects.filter(referral=referral).exists()


def test_erasure_can_be_refused_with_reasons(client, signed_in, people, officer):
    referral = make_submitted(people["venlo"])
    request = register(officer, referral, "erasure")
    signed_in(officer)
    decide = {"besluiten-outcome": "refused", "besluiten-reason": "", "besluiten-informed_on": ""}
    page = client.post(act_url(request, "besluiten"), decide).content.decode()
    assert "Motiveer de afwijzing." in page
    decide.update({"besluiten-reason": "Wettelijke bewaartermijn Wmo.", "besluiten-informed_on": "2026-01-05"})
    client.post(act_url(request, "besluiten"), decide)
    request.refresh_from_db()
    assert request.status == "refused" and request.decision_reason == "Wettelijke bewaartermijn Wmo."


def test_rectification_corrects_the_data_and_tells_every_recipient(
    client, signed_in, people, officer, django_capture_on_commit_callbacks
):
    profile = make_matched(people)
    referral = profile.referral
    request = register(officer, referral, "rectification")
    signed_in(officer)
    url = reverse("subject_rights:rectify", kwargs={"request_id": request.pk})
    page = client.get(url).content.decode()
    assert 'value="Jansen"' in page

    identity = Identity.objects.get(referral=referral)
    form = {f"identiteit-{name}": getattr(identity, name) or "" for name in ("given_name", "family_name", "bsn", "sex")}
    form.update(
        {
            "identiteit-birth_date": identity.birth_date.isoformat(),
            "identiteit-street_address": identity.street_address,
            "identiteit-postcode": identity.postcode,
            "identiteit-city": identity.city,
            "identiteit-phone": identity.phone,
            "identiteit-email": identity.email,
            "reason": "Achternaam verkeerd gespeld.",
        }
    )
    research = Research.objects.get(referral=referral)
    for name in ("housing_situation", "support_need", "regular_route_motivation"):
        form[f"onderzoek-{name}"] = getattr(research, name)
    # A bad BSN is refused next to the field and nothing typed is lost.
    bad = {**form, "identiteit-family_name": "Janssen", "identiteit-bsn": "123456789"}
    page = client.post(url, bad).content.decode()
    assert "elfproef" in page and 'value="Janssen"' in page
    assert Identity.objects.get(referral=referral).family_name == "Jansen"

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**form, "identiteit-family_name": "Janssen"})
    assert response.status_code == 302
    assert Identity.objects.get(referral=referral).family_name == "Janssen"
    rectification = Rectification.objects.get()
    assert rectification.field == "family_name" and rectification.reason == "Achternaam verkeerd gespeld."
    assert {"Gemeente Venlo", "Ketenregie Noord-Limburg", "Woonwenz", "Antares", "Moveoo"} <= set(
        rectification.notified
    )
    told = {message.to[0] for message in mail.outbox}
    assert {"noord@example.org", "woonwenz@example.org", "antares@example.org", "moveoo@example.org"} <= told
    assert all("Jans" not in message.body for message in mail.outbox)
    # The correction is on the request page; the request can now be closed as granted.
    assert "achternaam" in client.get(detail_url(request)).content.decode()
    client.post(
        act_url(request, "besluiten"),
        {"besluiten-outcome": "granted", "besluiten-informed_on": timezone.localdate().isoformat()},
    )
    request.refresh_from_db()
    assert request.status == "granted"


def test_an_objection_is_recorded_and_decided(client, signed_in, people, officer, django_capture_on_commit_callbacks):
    referral = make_submitted(people["venlo"])
    request = register(officer, referral, "objection", text="Ik maak bezwaar tegen het delen met corporaties.")
    signed_in(officer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            act_url(request, "besluiten"),
            {
                "besluiten-outcome": "granted",
                "besluiten-reason": "Geen dwingende redenen.",
                "besluiten-informed_on": timezone.localdate().isoformat(),
            },
        )
    request.refresh_from_db()
    assert request.status == "granted" and request.resident_informed_on == timezone.localdate()
    assert "noord@example.org" in {message.to[0] for message in mail.outbox}
    page = client.get(detail_url(request)).content.decode()
    assert "Afgehandeld: toegewezen" in page and "Geen dwingende redenen." in page
    # A decided request cannot be decided again.
    response = client.post(act_url(request, "besluiten"), {"besluiten-outcome": "refused"}, follow=True)
    assert "kan bij dit verzoek nu niet meer" in response.content.decode()
