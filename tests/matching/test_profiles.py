"""Writing the profile: prefill, the identifying-data scan, overrides, sharing, optimistic locking."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from matching import services
from matching.models import ProfileShare, ProfileStatus, ProfileVersion
from matching.models.profile import SECTIONS
from woonkans.audit.models import AccessLog

from ..pdftext import pdf_text
from .conftest import make_matched, make_profile, org

pytestmark = pytest.mark.django_db


def facts_data(profile):
    """The facts of steps 4–5 as the edit form posts them (what the profile holds now)."""
    values = {
        "safety_plan_needed": "" if profile.safety_plan_needed is None else str(profile.safety_plan_needed),
        "safety_plan_provider": profile.safety_plan_provider_id or "",
        "safety_plan_agreed_on": profile.safety_plan_agreed_on or "",
        "care_provider": profile.care_provider_id or "",
        "care_provider_other": profile.care_provider_other,
        "care_funding": profile.care_funding,
        "registered_on": profile.registered_on or "",
        "registered_by": profile.registered_by_id or "",
    }
    return values


def edit_data(profile, **changes):
    data = {field: getattr(profile, field) for field, _label in SECTIONS}
    data.update(
        search_area=[m.pk for m in profile.search_area.all()],
        contract_form="linked_care",
        version=profile.version,
        **facts_data(profile),
    )
    data.update(changes)
    return data


def test_the_profile_starts_from_the_research_with_a_code_and_an_age_band(people):
    profile = make_profile(people["noord"], people["venlo"], age=24)
    assert profile.code.startswith("WK-N-") and len(profile.code) == 11
    assert profile.age_band == "23-27" and profile.young_adult
    assert profile.housing_situation == "Woont tijdelijk bij een vriend."
    assert list(profile.search_area.values_list("name", flat=True)) == ["Gemeente Venlo"]
    assert "Jansen" not in profile.code


def test_sharing_is_refused_while_identifying_data_is_in_the_text(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    url = reverse("matching:profile_edit", kwargs={"profile_id": profile.pk})
    response = client.post(url, edit_data(profile, finances="Schulden; BSN 111222333, belt op 06-12345678."))
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "BSN-achtig nummer" in page and "Telefoonnummer" in page
    assert '<mark class="wk-pii"' in page

    with pytest.raises(services.IdentifyingDataFound):
        services.share_profile(actor=people["noord"], profile=profile, corporations=[org("Woonwenz")])
    response = client.post(
        reverse("matching:profile_share", kwargs={"profile_id": profile.pk}),
        {"corporations": [org("Woonwenz").pk]},
        follow=True,
    )
    assert "identificerende gegevens" in response.content.decode()
    assert not ProfileShare.objects.exists()

    profile.refresh_from_db()
    client.post(url, edit_data(profile, finances="Schulden in een saneringstraject."))
    profile.refresh_from_db()
    shared = services.share_profile(actor=people["noord"], profile=profile, corporations=[org("Woonwenz")])
    assert shared.status == ProfileStatus.SHARED


def saved_messages(response):
    return [(message.level_tag, str(message)) for message in get_messages(response.wsgi_request)]


def test_saving_with_open_findings_warns_how_many_remain_instead_of_a_green_success(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    signed_in(people["noord"])
    url = reverse("matching:profile_edit", kwargs={"profile_id": profile.pk})

    response = client.post(url, edit_data(profile, housing_situation="Slaapt bij een vriend op Maasboulevard 12b."))
    assert response.status_code == 302
    [(level, text)] = saved_messages(response)
    assert level == "warning"
    assert text.startswith("Het profiel is opgeslagen, maar er staat nog 1 mogelijk identificerend gegeven in.")
    profile.refresh_from_db()
    assert profile.housing_situation == "Slaapt bij een vriend op Maasboulevard 12b."  # saved all the same

    response = client.post(
        url, edit_data(profile, finances="Schulden; belt vanaf Kerkstraat 4 met 06-12345678."), follow=True
    )
    page = response.content.decode()
    assert "utrecht-alert--warning" in page and "utrecht-alert--ok" not in page
    assert "er staan nog 3 mogelijk identificerende gegevens in" in page
    assert "Straat met huisnummer" in page  # the findings are marked next to the text

    profile.refresh_from_db()
    clean = edit_data(profile, housing_situation="Slaapt bij een vriend.", finances="Schulden in een sanering.")
    response = client.post(url, clean)
    assert saved_messages(response) == [("success", "Het profiel is opgeslagen.")]


def test_the_residents_own_name_is_found(people):
    profile = make_profile(people["noord"], people["venlo"])
    profile.conclusion = "Jan Jansen is gemotiveerd."
    profile.save()
    findings = services.open_findings(profile, names=services.profiles.resident_names(profile))
    assert {finding.kind for finding in findings["conclusion"]} == {"name"}


def test_an_override_needs_a_reason_and_is_logged(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    profile.finances = "Afbetaling sinds 01-02-2024 geregeld."
    profile.save()
    findings = services.open_findings(profile, names=[])
    finding = findings["finances"][0]
    signed_in(people["noord"])
    url = reverse("matching:finding_override", kwargs={"profile_id": profile.pk})
    from woonkans.privacy.pii_scan import fingerprint

    client.post(url, {"fingerprint": fingerprint(finding), "kind": finding.kind, "reason": ""})
    assert services.open_findings(profile, names=[])
    client.post(
        url,
        {
            "fingerprint": fingerprint(finding),
            "kind": finding.kind,
            "reason": "Datum van de schuldregeling, niet herleidbaar.",
        },
    )
    profile.refresh_from_db()
    assert services.open_findings(profile, names=[]) == {}
    assert profile.pii_overrides[0]["reason"].startswith("Datum van")
    assert AccessLog.objects.filter(user=people["noord"], purpose__startswith="PII-melding overschreven").exists()


def test_only_corporations_with_stock_in_the_search_area_can_be_chosen(people):
    profile = make_profile(people["noord"], people["venlo"])  # search area: Venlo
    eligible = set(services.eligible_corporations(profile).values_list("name", flat=True))
    assert eligible == {"Antares", "Nester", "Woonwenz"}
    with pytest.raises(ValidationError):
        services.share_profile(actor=people["noord"], profile=profile, corporations=[org("ZOwonen")])


def test_two_regisseurs_editing_the_second_save_is_refused_with_a_diff(client, signed_in, people):
    profile = make_profile(people["midden"], people["roermond"])
    stale = edit_data(profile, conclusion="Mijn conclusie.")
    services.update_profile(
        actor=people["proces_midden"],
        profile=profile,
        expected_version=profile.version,
        data={"conclusion": "Conclusie van de collega."},
    )
    signed_in(people["midden"])
    response = client.post(reverse("matching:profile_edit", kwargs={"profile_id": profile.pk}), stale)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Iemand anders heeft dit profiel opgeslagen" in page
    assert "Conclusie van de collega." in page and "Mijn conclusie." in page  # diff, and own text kept
    profile.refresh_from_db()
    assert profile.conclusion == "Conclusie van de collega."
    assert ProfileVersion.objects.filter(profile=profile).count() == 2


def test_versions_are_kept(client, signed_in, people):
    profile = make_profile(people["noord"], people["venlo"])
    services.update_profile(actor=people["noord"], profile=profile, expected_version=1, data={"conclusion": "A"})
    profile.refresh_from_db()
    services.update_profile(actor=people["noord"], profile=profile, expected_version=2, data={"conclusion": "B"})
    signed_in(people["noord"])
    page = client.get(reverse("matching:profile_versions", kwargs={"profile_id": profile.pk})).content.decode()
    assert "Versie 3" in page and "Versie 1" in page


def test_profile_pdf_shows_the_code_and_never_the_identity(client, signed_in, people, shared_profile):
    signed_in(people["woonwenz"])
    response = client.get(reverse("matching:corporation_profile_pdf", kwargs={"profile_id": shared_profile.pk}))
    assert response.status_code == 200 and response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].startswith("attachment")
    text = pdf_text(response.content)
    assert shared_profile.code in text and "Woont tijdelijk bij een vriend." in text
    assert "Jansen" not in text and "111222333" not in text


def test_a_shared_profile_never_saves_new_identifying_text(client, signed_in, people, shared_profile):
    signed_in(people["noord"])
    url = reverse("matching:profile_edit", kwargs={"profile_id": shared_profile.pk})
    response = client.post(url, edit_data(shared_profile, mobility="Fietst; telefoon 06-87654321."))
    page = response.content.decode()
    assert response.status_code == 200
    assert "al gedeeld met corporaties" in page and "06-87654321" in page  # the typed text is kept
    shared_profile.refresh_from_db()
    assert "06-87654321" not in shared_profile.mobility
    signed_in(people["woonwenz"])
    corporation_page = client.get(reverse("matching:corporation_profile", kwargs={"profile_id": shared_profile.pk}))
    assert "06-87654321" not in corporation_page.content.decode()


def test_a_new_profile_draws_again_when_its_code_is_taken(people, monkeypatch):
    from matching.models import profile as profile_module

    first = make_profile(people["noord"], people["venlo"])
    drawn = iter([first.code, first.code, "WK-N-ABCDEF"])
    monkeypatch.setattr(profile_module, "new_code", lambda letter: next(drawn))
    second = make_profile(people["noord"], people["venray"])
    assert second.code == "WK-N-ABCDEF"


def test_the_regisseurs_profile_is_read_without_the_eleven_join_query(client, signed_in, people):
    """Profile, its six parties and the match's four in one SELECT took PostgreSQL 3-10 ms to plan (0.5 ms
    to run) on every profile page; the match with its parties is a prefetch of its own (selectors.py)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    profile = make_matched(people)
    signed_in(people["noord"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("matching:profile", kwargs={"profile_id": profile.pk}))
    assert response.status_code == 200
    assert "Maasstraat 3, Venlo" in response.content.decode()  # the match is still shown
    reads = [q["sql"] for q in queries if q["sql"].startswith('SELECT "matching_profile"."id"')]
    assert reads and max(sql.count(" JOIN ") for sql in reads) <= 6
