"""Art. 15: the overview holds everything on the resident, purposes, recipients, retention, source and who looked."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from woonkans.audit.models import AccessLog

from ..matching.conftest import make_matched
from ..pdftext import pdf_text
from ..referrals.conftest import VALID_BSN
from .conftest import act_url, register

pytestmark = pytest.mark.django_db


def export_url(request, file_format):
    return reverse("subject_rights:export", kwargs={"request_id": request.pk, "file_format": file_format})


@pytest.fixture
def matched_case(people, client, signed_in):
    profile = make_matched(people)
    # The matched corporation reads the profile; the other one reads it too before the match decision.
    signed_in(people["woonwenz"])
    assert client.get(reverse("matching:corporation_profile", kwargs={"profile_id": profile.pk})).status_code == 200
    client.logout()
    return profile


def test_the_json_overview_holds_what_article_15_lists(client, signed_in, officer, matched_case, people):
    referral = matched_case.referral
    request = register(officer, referral, "access")
    signed_in(officer)
    response = client.get(export_url(request, "json"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store" and "attachment" in response["Content-Disposition"]
    overview = json.loads(response.content)
    text = json.dumps(overview, ensure_ascii=False)

    # The data itself: identity, BSN, research, documents, profile text, the match.
    for held in ("Jansen", VALID_BSN, "Kerkstraat 1", "Woont tijdelijk bij een vriend.", "Maasstraat 3, Venlo"):
        assert held in text, held
    titles = {section["title"] for section in overview["sections"]}
    assert {
        "Identiteit en contactgegevens",
        "Onderzoek (keukentafelgesprek)",
        "Documenten",
        "Match en traject",
    } <= titles
    assert "Gedeeld met corporaties" in titles
    # Purposes, legal basis, source, retention.
    assert len(overview["purposes"]) >= 3 and "Wmo" in overview["legal_basis"]
    assert "Wmo-consulent van Gemeente Venlo" in overview["source"]
    assert overview["retention"]["years"] == 15
    # Recipients: the region's regisseurs, both corporations the profile went to, the matched provider.
    recipients = {entry["organisation"]: entry["received"] for entry in overview["recipients"]}
    assert {"Gemeente Venlo", "Ketenregie Noord-Limburg", "Woonwenz", "Antares", "Moveoo"} <= set(recipients)
    assert any("identiteit" in item for item in recipients["Woonwenz"])
    assert recipients["Antares"] == ["het geanonimiseerde bemiddelingsprofiel"]
    # Who viewed it, when: organisation and role, never the employee's name or username.
    history = overview["access_history"]
    assert any(row["organisation"] == "Woonwenz" and row["roles"] == "Verhuurconsulent" for row in history)
    assert people["woonwenz"].username not in text and people["noord"].username not in text
    assert people["woonwenz"].last_name not in json.dumps(history)
    # Making the overview is itself logged as an export of this case.
    assert AccessLog.objects.filter(action="export", subject=str(referral.pk), username=officer.username).exists()


def test_the_pdf_overview_reads_the_same_for_the_resident(client, signed_in, officer, matched_case):
    request = register(officer, matched_case.referral, "access")
    signed_in(officer)
    response = client.get(export_url(request, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in ("Overzicht van uw gegevens", "Jansen", "Woonwenz", "Wie uw gegevens heeft ingezien", "15 jaar"):
        assert expected in text, expected


def test_access_is_granted_only_after_the_overview_was_made(client, signed_in, officer, matched_case):
    request = register(officer, matched_case.referral, "access")
    signed_in(officer)
    decide = {
        "besluiten-outcome": "granted",
        "besluiten-reason": "",
        "besluiten-informed_on": timezone.localdate().isoformat(),
    }
    page = client.post(act_url(request, "besluiten"), decide).content.decode()
    assert "Maak eerst het overzicht" in page
    request.refresh_from_db()
    assert request.status == "open"

    client.get(export_url(request, "pdf"))
    client.post(act_url(request, "besluiten"), decide)
    request.refresh_from_db()
    assert request.status == "granted" and request.decided_by == officer


def test_only_an_access_request_has_an_overview(client, signed_in, officer, matched_case):
    request = register(officer, matched_case.referral, "objection")
    signed_in(officer)
    assert client.get(export_url(request, "json")).status_code == 404


def test_every_label_in_the_overview_is_dutch(client, signed_in, officer, matched_case):
    from django.apps import apps

    from woonkans.privacy.personal_data import export_fields

    request = register(officer, matched_case.referral, "access")
    signed_in(officer)
    overview = json.loads(client.get(export_url(request, "json")).content)
    labels = {label for section in overview["sections"] for rows in section["records"] for label, _value in rows}
    english = {field.name.replace("_", " ") for model in apps.get_models() for field in model._meta.concrete_fields}
    english -= {"code", "status", "postcode", "regio"}  # the same word in Dutch
    assert not labels & english, labels & english
    # No field of the exported models falls back to its English name.
    for label in ("referrals.Referral", "matching.Match", "guarantee_fund.Claim", "subject_rights.SubjectRequest"):
        for field, dutch in export_fields(apps.get_model(label)):
            assert str(dutch) != field.name.replace("_", " ") or field.name in ("code", "status", "postcode")


def test_the_access_history_is_grouped_per_day_organisation_and_role_in_plain_dutch(
    client, signed_in, officer, matched_case, people
):
    referral = matched_case.referral
    # Twenty page views by the same corporation on one day: one line with a count, not twenty rows.
    signed_in(people["woonwenz"])
    for _ in range(20):
        client.get(reverse("matching:corporation_profile", kwargs={"profile_id": matched_case.pk}))
    client.logout()
    request = register(officer, referral, "access")
    signed_in(officer)
    overview = json.loads(client.get(export_url(request, "json")).content)
    history = overview["access_history"]
    woonwenz = [group for group in history if group["organisation"] == "Woonwenz"]
    assert len(woonwenz) == 1
    group = woonwenz[0]
    assert group["roles"] == "Verhuurconsulent" and group["count"] >= 21
    assert {"what": "Bemiddelingsprofiel bekeken", "count": group["count"]} in group["items"]
    # Short: one line per day, organisation and role, however often the case was opened.
    assert len(history) == len({(g["day"], g["organisation"], g["roles"]) for g in history}) <= 12
    text = json.dumps(history, ensure_ascii=False)
    assert str(referral.pk) not in text and "matching.profile" not in text and "corporation" not in text

    pdf = " ".join(pdf_text(client.get(export_url(request, "pdf")).content).split())  # cells wrap
    assert "Bemiddelingsprofiel bekeken" in pdf and "keer" in pdf
    assert "application/pdf" not in pdf and "referrals.referral" not in pdf
    assert "PDF-document" in pdf  # the documents' file type, in words


def history_url(request):
    return reverse("subject_rights:access_history", kwargs={"request_id": request.pk})


def test_the_officer_reads_the_access_history_as_a_page_with_the_pdfs_groups(
    client, signed_in, officer, matched_case, people
):
    from subject_rights.export import build_overview
    from woonkans.audit.models import AccessAction

    referral = matched_case.referral
    signed_in(people["woonwenz"])
    for _ in range(5):
        client.get(reverse("matching:corporation_profile", kwargs={"profile_id": matched_case.pk}))
    client.logout()
    request = register(officer, referral, "access")
    signed_in(officer)
    detail = client.get(reverse("subject_rights:detail", kwargs={"request_id": request.pk})).content.decode()
    assert history_url(request) in detail  # linked from the request

    response = client.get(history_url(request))
    assert response.status_code == 200
    page = response.content.decode()
    # One source: the page shows the groups the PDF and JSON get (the officer's own reads go on counting).
    groups = response.context["groups"]
    woonwenz = next(g for g in groups if g["organisation"] == "Woonwenz")
    assert woonwenz in build_overview(referral.pk)["access_history"]
    assert woonwenz["count"] >= 6
    assert "Verhuurconsulent" in page and "Bemiddelingsprofiel bekeken" in page
    assert f"({woonwenz['count']} keer)" in page
    # Plain Dutch: no model labels, role codes or the case's key.
    for raw in ("matching.profile", "referrals.referral", "corporation", "wmo_consultant", str(referral.pk)):
        assert raw not in page, raw
    assert 'data-label="Wat"' in page
    # The viewing is audited like the download, as a read of the overview.
    assert AccessLog.objects.filter(
        user=officer, action=AccessAction.READ, object_id=str(request.pk), purpose__contains="inzageoverzicht (html)"
    ).exists()


def test_the_access_history_page_is_refused_to_others(client, signed_in, officer, officer_venray, matched_case, people):
    from woonkans.audit.models import AccessOutcome

    request = register(officer, matched_case.referral, "access")
    objection = register(officer, matched_case.referral, "objection")
    signed_in(officer)
    assert client.get(history_url(objection)).status_code == 404  # only an access request has one
    for user in (officer_venray, people["venlo"], people["noord"], people["woonwenz"], people["treasurer"]):
        signed_in(user)
        assert client.get(history_url(request)).status_code == 404, user
    assert AccessLog.objects.filter(
        user=officer_venray, object_id=str(request.pk), outcome=AccessOutcome.DENIED
    ).exists()
