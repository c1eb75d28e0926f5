"""The consultant's and regisseur's route through the browser-facing views."""

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.models import Document, ExceptionRequest, FormDraft, Identity, ReferralEvent
from referrals.workflow import Status
from woonkans.audit.models import AccessLog, AccessOutcome

from ..confirming import post_confirmed
from .conftest import OTHER_BSN, PDF, VALID_BSN, adult_birth_date, make_ready, make_submitted, municipality

pytestmark = pytest.mark.django_db


def step_url(referral, step):
    return reverse("referrals:step", kwargs={"referral_id": referral.pk, "step": step})


def test_provider_reports_and_sees_only_the_coarse_status(
    client, signed_in, people, django_capture_on_commit_callbacks
):
    signed_in(people["moveoo"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("referrals:report_new"),
            {
                "municipality": municipality("Venlo").pk,
                "given_name": "Piet",
                "family_name": "Peters",
                "street_address": "Markt 2",
                "postcode": "5911AB",
                "city": "Venlo",
                "phone": "0611111111",
                "email": "",
                "mandate": "on",
            },
        )
    assert response.status_code == 302
    page = client.get(reverse("referrals:reports")).content.decode()
    assert "Piet Peters" in page and "Ontvangen" in page

    referral = Identity.objects.get(family_name="Peters").referral
    assert referral.reported_by == people["moveoo"].organisation
    # The consultants of Venlo are told, with a link and no personal data.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["venlo@example.org"]
    assert "Peters" not in mail.outbox[0].body and str(referral.pk) in mail.outbox[0].body

    # The provider never opens the case itself.
    assert client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).status_code == 404

    signed_in(people["leger"])
    assert "Peters" not in client.get(reverse("referrals:reports")).content.decode()


def test_report_without_mandate_is_refused_and_input_kept(client, signed_in, people):
    signed_in(people["moveoo"])
    response = client.post(
        reverse("referrals:report_new"),
        {
            "municipality": municipality("Venlo").pk,
            "given_name": "Piet",
            "family_name": "Peters",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "alleen met zijn of haar mandaat" in page
    assert 'value="Peters"' in page


def test_consultant_researches_and_submits_in_the_browser(
    client, signed_in, people, django_capture_on_commit_callbacks
):
    consultant = people["venlo"]
    signed_in(consultant)
    response = client.post(reverse("referrals:start"))
    referral = consultant.organisation.referrals.get()
    assert response["Location"] == step_url(referral, "persoon")

    response = client.post(
        step_url(referral, "persoon"),
        {
            "given_name": "Jan",
            "family_name": "Jansen",
            "bsn": VALID_BSN,
            "birth_date": adult_birth_date(22).isoformat(),
            "sex": "male",
            "street_address": "Kerkstraat 1",
            "postcode": "5911aa",
            "city": "Venlo",
            "phone": "06 12345678",
            "email": "jan@example.org",
            "verder": "",
        },
    )
    assert response["Location"] == step_url(referral, "leefgebieden")
    client.post(step_url(referral, "leefgebieden"), {"housing_situation": "Bank van een vriend", "mobility": "OV"})
    client.post(
        step_url(referral, "ondersteuning"),
        {
            "support_need": "Hulp bij post en geld",
            "support_need_about_living": "on",
            "regular_route_motivation": "Huurschuld",
            "origin": "bw",
        },
    )
    response = client.post(
        step_url(referral, "wonen"),
        {
            "search_area": [municipality("Venlo").pk, municipality("Venray").pk],
            "contract_form": "linked_care",
        },
    )
    assert response.status_code == 302
    for kind in ("landlord_statement", "gba_extract", "income_statement"):
        upload = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
        assert client.post(step_url(referral, "documenten"), {"kind": kind, "file": upload}).status_code == 302
    client.post(
        step_url(referral, "toestemming"),
        {
            "support_plan_signed_on": timezone.localdate().isoformat(),
            "informed_of_sharing": "on",
            "informed_of_rights": "on",
        },
    )

    summary = client.get(step_url(referral, "controle")).content.decode()
    assert "Jan Jansen" in summary and VALID_BSN in summary and "Bank van een vriend" in summary
    assert "Jongvolwassene" in summary
    assert "Aanmelden bij Woonkans" in summary

    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(client, reverse("referrals:submit", kwargs={"referral_id": referral.pk}))
    referral.refresh_from_db()
    assert referral.status == Status.SUBMITTED and referral.eligible is True
    assert referral.retention_years == 15
    assert response["Location"] == reverse("referrals:detail", kwargs={"referral_id": referral.pk})

    # The region's regisseur sees it in the inbox, with everything the consultant recorded.
    assert {message.to[0] for message in mail.outbox} == {"noord@example.org"}
    assert "Jansen" not in mail.outbox[0].body and VALID_BSN not in mail.outbox[0].body
    signed_in(people["noord"])
    inbox = client.get(reverse("referrals:inbox")).content.decode()
    assert "Jan Jansen" in inbox and "Gemeente Venlo" in inbox
    detail = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).content.decode()
    assert VALID_BSN in detail and "Hulp bij post en geld" in detail and "Gemeente Venray" in detail
    # The other region's regisseur does not.
    signed_in(people["midden"])
    assert "Jan Jansen" not in client.get(reverse("referrals:inbox")).content.decode()


def test_a_failing_case_cannot_be_submitted_but_can_ask_for_an_exception(client, signed_in, people):
    consultant = people["venlo"]
    referral = make_ready(consultant, status_holder=True)
    signed_in(consultant)
    summary = client.get(step_url(referral, "controle")).content.decode()
    assert "Statushouders vallen niet onder de doelgroep" in summary
    assert "Aanmelden bij Woonkans</button>" not in summary

    response = client.post(reverse("referrals:submit", kwargs={"referral_id": referral.pk}), follow=True)
    assert "Statushouders vallen niet onder de doelgroep" in response.content.decode()
    referral.refresh_from_db()
    assert referral.status == Status.IN_RESEARCH

    response = client.post(
        reverse("referrals:exception", kwargs={"referral_id": referral.pk}),
        {"motivation": "Verblijft al tien jaar in de regio en heeft geen netwerk."},
    )
    assert response.status_code == 302
    request = ExceptionRequest.objects.get(referral=referral)
    assert request.failed_conditions == ["not_status_holder"] and request.region.name == "Noord-Limburg"
    referral.refresh_from_db()
    assert referral.status == Status.EXCEPTION_REQUESTED and referral.eligible is False
    assert referral.retention_years == 5


def test_submission_needs_every_document_and_consent(people):
    consultant = people["venlo"]
    referral = make_ready(consultant, guardianship=True)
    Document.objects.filter(referral=referral, kind="gba_extract").delete()
    referral.consent.delete()
    with pytest.raises(services.SubmissionIncomplete) as error:
        services.submit_referral(actor=consultant, referral=referral)
    messages = " ".join(error.value.messages)
    assert "Uittreksel BRP/GBA" in messages and "toestemming" in messages
    assert "Beschikking bewindvoering" not in messages  # that one is present


def test_guardianship_requires_the_decision(people):
    referral = make_ready(people["venlo"], guardianship=True)
    Document.objects.filter(referral=referral, kind="guardianship_decision").delete()
    with pytest.raises(services.SubmissionIncomplete, match="bewindvoering"):
        services.submit_referral(actor=people["venlo"], referral=referral)


def test_an_invalid_step_keeps_everything_typed_as_an_encrypted_draft(client, signed_in, people):
    consultant = people["venlo"]
    referral = services.start_referral(actor=consultant)
    signed_in(consultant)
    response = client.post(
        step_url(referral, "persoon"),
        {
            "given_name": "Fatima",
            "family_name": "Bakker",
            "bsn": "111222334",
            "city": "Venlo",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "elfproef" in page and 'value="Bakker"' in page and 'value="111222334"' in page
    assert not Identity.objects.filter(referral=referral).exists()

    draft = FormDraft.objects.get(referral=referral, step="persoon")
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM referrals_formdraft WHERE id = %s", [draft.pk])
        stored = cursor.fetchone()[0]
    assert "Bakker" not in stored and "111222334" not in stored

    # Later (after an idle logout, a closed tab) the step shows the typed values again.
    page = client.get(step_url(referral, "persoon")).content.decode()
    assert 'value="Bakker"' in page and "nog niet was opgeslagen" in page


def test_autosave_keeps_input_on_the_server(client, signed_in, people):
    consultant = people["venlo"]
    referral = services.start_referral(actor=consultant)
    signed_in(consultant)
    response = client.post(
        reverse("referrals:autosave", kwargs={"referral_id": referral.pk, "step": "leefgebieden"}),
        {"housing_situation": "Half getypte zin"},
    )
    assert response.status_code == 200 and "Concept opgeslagen" in response.content.decode()
    assert "Half getypte zin" in client.get(step_url(referral, "leefgebieden")).content.decode()


def test_bsn_is_encrypted_at_rest_and_duplicates_are_found_by_blind_index(client, signed_in, people):
    first = make_ready(people["venray"])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT bsn, bsn_index FROM referrals_identity WHERE referral_id = %s",
            [first.pk.hex if connection.vendor == "sqlite" else first.pk],
        )
        stored_bsn, index = cursor.fetchone()
    assert VALID_BSN not in stored_bsn and VALID_BSN not in index

    consultant = people["venlo"]
    referral = services.start_referral(actor=consultant)
    signed_in(consultant)
    response = client.post(
        step_url(referral, "persoon"),
        {
            "given_name": "Jan",
            "family_name": "Jansen",
            "bsn": VALID_BSN,
            "verder": "",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "loopt al een aanmelding bij Gemeente Venray" in page
    # Only the municipality is named: nothing of the other referral itself.
    assert str(first.pk) not in page

    other = services.start_referral(actor=consultant)
    response = client.post(
        step_url(other, "persoon"), {"given_name": "A", "family_name": "B", "bsn": OTHER_BSN}, follow=True
    )
    assert "loopt al een aanmelding" not in response.content.decode()


def test_withdrawn_referrals_no_longer_count_as_duplicates(people):
    first = make_ready(people["venray"])
    services.withdraw_referral(actor=people["venray"], referral=first, reason="Verhuisd")
    referral = services.start_referral(actor=people["venlo"])
    assert (
        services.save_identity(
            actor=people["venlo"], referral=referral, data={"given_name": "J", "family_name": "J", "bsn": VALID_BSN}
        )
        == []
    )


def test_consent_withdrawal_stops_the_case_and_revokes_every_grant(
    client, signed_in, people, django_capture_on_commit_callbacks
):
    referral = make_submitted(people["venlo"])
    signed_in(people["noord"])
    detail = reverse("referrals:detail", kwargs={"referral_id": referral.pk})
    assert client.get(detail).status_code == 200
    mail.outbox.clear()

    signed_in(people["venlo"])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_confirmed(
            client,
            reverse("referrals:consent_withdraw", kwargs={"referral_id": referral.pk}),
            {"reason": "De inwoner wil niet verder."},
        )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.status == Status.CONSENT_WITHDRAWN
    assert referral.consent.withdrawn_at is not None
    assert [message.to for message in mail.outbox] == [["noord@example.org"]]

    signed_in(people["noord"])
    assert client.get(detail).status_code == 404
    assert "Jansen" not in client.get(reverse("referrals:inbox")).content.decode()
    assert AccessLog.objects.filter(
        user=people["noord"], object_id=str(referral.pk), outcome=AccessOutcome.DENIED
    ).exists()
    # The municipality keeps its own file (retention), read-only.
    signed_in(people["venlo"])
    page = client.get(detail).content.decode()
    assert "Toestemming ingetrokken" in page and "Onderzoek bewerken" not in page


def test_withdraw_before_a_match_needs_a_reason(client, signed_in, people):
    referral = make_submitted(people["venlo"])
    signed_in(people["venlo"])
    url = reverse("referrals:withdraw", kwargs={"referral_id": referral.pk})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and "Dit veld is verplicht" in response.content.decode()
    post_confirmed(client, url, {"reason": "Inwoner heeft zelf een woning gevonden."})
    referral.refresh_from_db()
    assert referral.status == Status.WITHDRAWN and referral.closed_reason.startswith("Inwoner heeft")


def test_regisseur_feedback_lands_on_the_consultants_timeline(client, signed_in, people):
    referral = make_submitted(people["roermond"])
    signed_in(people["proces_midden"])
    url = reverse("referrals:feedback", kwargs={"referral_id": referral.pk})
    response = client.post(url, {"kind": 3, "text": "Woning per 1 maart."})
    assert "Kies de corporatie" in response.content.decode()
    corporation = people["wonenlimburg"].organisation
    client.post(
        url, {"kind": 3, "text": "Woning per 1 maart.", "corporation": corporation.pk, "intended_date": "2027-03-01"}
    )
    client.post(url, {"kind": 1, "text": "Eerst budgetbeheer regelen."})

    signed_in(people["roermond"])
    page = client.get(reverse("referrals:detail", kwargs={"referral_id": referral.pk})).content.decode()
    assert "Eerst budgetbeheer regelen." in page and "Wonen Limburg" in page and "01-03-2027" in page
    assert ReferralEvent.objects.filter(referral=referral, kind="feedback").count() == 2


def test_documents_are_judged_by_content(client, signed_in, people):
    consultant = people["venlo"]
    referral = services.start_referral(actor=consultant)
    signed_in(consultant)
    url = step_url(referral, "documenten")

    renamed_pdf = SimpleUploadedFile("foto.png", PDF, content_type="image/png")
    assert client.post(url, {"kind": "gba_extract", "file": renamed_pdf}).status_code == 302
    document = Document.objects.get(referral=referral)
    assert document.content_type == "application/pdf" and document.file_name == "foto.pdf"

    exe = SimpleUploadedFile("brief.pdf", b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")
    response = client.post(url, {"kind": "income_statement", "file": exe})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Alleen PDF-, JPEG- of PNG-bestanden" in page
    assert '<option value="income_statement" selected>' in page  # the rest of the form is kept
    assert Document.objects.filter(referral=referral).count() == 1


def test_document_download_is_an_attachment_and_logged(client, signed_in, people):
    referral = make_submitted(people["venlo"])
    document = referral.documents.first()
    signed_in(people["noord"])
    response = client.get(reverse("referrals:document", kwargs={"document_id": document.pk}))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    assert AccessLog.objects.filter(user=people["noord"], object_id=str(document.pk), action="export").exists()
