"""Issue 15: one definition per figure on the page, the CSV and the PDF; every party reads the report;
"Geen doelgroep" counts a refused case; machine numbers in attributes."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from monitoring.models import CaseFact, HalfYearReport
from monitoring.report import previous_half_year, produce_report
from monitoring.tasks import produce_half_year_report
from woonkans.parties.models import Organisation

from ..pdftext import pdf_text
from ..referrals.conftest import VALID_BSN, make_ready, make_submitted

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)
PERIOD = {"van": "2026-01-01", "tot": "2026-06-30"}


def fact(municipality, corporation=None, **values):
    organisation = Organisation.objects.get(name=municipality)
    values.setdefault("reported_on", datetime.date(2026, 2, 1))
    return CaseFact.objects.create(
        region=organisation.region,
        municipality=organisation,
        corporation=Organisation.objects.get(name=corporation) if corporation else None,
        **values,
    )


@pytest.fixture
def small_fact_set():
    """By hand: Venlo 10 reported and submitted (eligible), 5 of them housed by Woonwenz and 5 waiting for
    their profile to be shared; Roermond 5 reported and refused (status holder). No cell from 1 to 4, so
    nothing is hidden and every figure below is counted from this list."""
    for number in range(10):
        housed = number < 5
        fact(
            "Gemeente Venlo",
            "Woonwenz" if housed else None,
            submitted_on=datetime.date(2026, 2, 10),
            eligibility_on=datetime.date(2026, 2, 10),
            eligible=True,
            shared_on=datetime.date(2026, 2, 20) if housed else None,
            matched_on=datetime.date(2026, 3, 1) if housed else None,
            housed_on=datetime.date(2026, 4, 1) if housed else None,
            young_adult=False,
            outcome="running" if housed else "open",
        )
    for _number in range(5):
        fact(
            "Gemeente Roermond",
            eligibility_on=datetime.date(2026, 3, 1),
            eligible=False,
            ineligible_reason="not_status_holder",
            ended_on=datetime.date(2026, 4, 1),
            outcome="stopped",
        )
    fact("Gemeente Roermond", reported_on=datetime.date(2025, 12, 31))  # outside the period


# Region, figure, value: the hand count of small_fact_set.
HAND_COUNT = {
    ("Noord-Limburg", "Meldingen"): "10",
    ("Noord-Limburg", "Aanmeldingen"): "10",
    ("Noord-Limburg", "Doelgroep"): "10",
    ("Noord-Limburg", "Profielen gedeeld"): "5",
    ("Noord-Limburg", "Gehuisvest"): "5",
    ("Midden-Limburg", "Meldingen"): "5",
    ("Midden-Limburg", "Geen doelgroep"): "5",
}


def csv_rows(text):
    return [line.split(";") for line in text.strip().splitlines()[1:]]


def test_the_hand_count_is_on_the_page_the_csv_and_the_pdf(client, signed_in, people, small_fact_set):
    signed_in(people["werkgroep_venlo"])
    page = client.get(reverse("monitoring:monitoring"), PERIOD).content.decode()
    region_table = page[page.index('id="h-regions"') : page.index('id="h-municipalities"')]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", region_table)
    header = cells[:8]
    for (region, column), value in HAND_COUNT.items():
        row = cells[cells.index(region) : cells.index(region) + 8]
        assert row[header.index(column)] == value, (region, column)

    report = produce_report(start=START, end=END)
    response = client.get(reverse("monitoring:report_file", args=[report.pk, "csv"]))
    rows = csv_rows(b"".join(response.streaming_content).decode())
    published = {(row[1], row[2]): row[3] for row in rows if row[0] == "Per regio"}
    for key, value in HAND_COUNT.items():
        assert published[key] == value, key

    response = client.get(reverse("monitoring:report_file", args=[report.pk, "pdf"]))
    # The PDF may break a region's name at its hyphen; the figures follow in column order.
    text = " ".join(pdf_text(b"".join(response.streaming_content)).split()).replace("- Limburg", "-Limburg")
    # Noord-Limburg's row: reports, referrals, not eligible, eligible, shared, matched, housed.
    assert "Noord-Limburg 10 10 0 10 5 5 5" in text
    assert "Midden-Limburg 5 0 5 0 0 0 0" in text


def test_geen_doelgroep_counts_a_refused_referral(people, django_capture_on_commit_callbacks):
    from referrals import services as referral_services

    with django_capture_on_commit_callbacks(execute=True):
        referral = make_ready(people["venlo"], status_holder=True)
        request = referral_services.request_exception(
            actor=people["venlo"], referral=referral, motivation="Geen netwerk."
        )
        referral_services.decide_exception(
            actor=people["noord"], request=request, granted=False, decision_text="Geen meerderheid."
        )
    referral.refresh_from_db()
    case_fact = CaseFact.objects.get(pk=referral.fact_id)
    assert case_fact.eligible is False and case_fact.ineligible_reason == "not_status_holder"
    from monitoring import figures

    today = case_fact.eligibility_on
    counts = figures.counts_by("municipality", today, today)
    assert counts[referral.municipality_id]["not_eligible"] == 1
    shown = figures.tables(figures.atoms(today, today))
    assert shown["not_eligible"].rows["Statushouder"]["not_eligible"].value == 1


def test_the_same_housed_count_on_every_page_that_shows_it(client, signed_in, people):
    year = datetime.date.today().year
    for number in range(6):
        fact("Gemeente Venlo", "Woonwenz", housed_on=datetime.date(year, 1, 1) + datetime.timedelta(number))
    fact("Gemeente Venlo", "Woonwenz", housed_on=datetime.date(year - 1, 12, 31))  # last year
    signed_in(people["noord"])
    profiles = client.get(reverse("matching:profiles")).content.decode()
    assert "6 van de 120 woningen" in profiles
    page = client.get(reverse("monitoring:monitoring"), {"van": f"{year}-01-01", "tot": f"{year}-12-31"})
    page = page.content.decode()
    assert "Noord-Limburg: 6 van 120" in " ".join(page.split())
    assert 'href="/monitoring/toelichting/#housed"' in profiles


def test_numbers_in_html_attributes_are_machine_numbers(client, signed_in, people, small_fact_set):
    signed_in(people["werkgroep_venlo"])
    page = client.get(reverse("monitoring:monitoring"), PERIOD).content.decode()
    assert 'max="59.5"' in page  # 120 x 181 / 365, not "59,5"
    for attribute, value in re.findall(r'\s(max|value|width|height|x|y|viewBox)="([^"]*)"', page):
        assert "," not in value, (attribute, value)


def test_the_charts_are_accessible_svg_with_values(client, signed_in, people, small_fact_set):
    signed_in(people["werkgroep_venlo"])
    page = client.get(reverse("monitoring:monitoring"), PERIOD).content.decode()
    main = page.split("<main", 1)[1].split("</main>")[0]  # the wordmark in the header is no chart
    svgs = re.findall(r"<svg[^>]*>.*?</svg>", main, flags=re.S)
    assert len(svgs) >= 3
    for svg in svgs:
        assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    target = next(svg for svg in svgs if "doelstelling" in svg.lower())
    assert "Noord-Limburg" in target and "Doelstelling naar rato" in target  # axis label and legend
    assert "Noord-Limburg: 5 gehuisvest" in target  # the text alternative carries the values
    assert "<script" not in page.split("</main>")[0].split("<main")[-1]


@pytest.mark.parametrize("key", ["woonwenz", "moveoo", "venlo", "treasurer"])
def test_every_party_reads_the_report_and_finds_no_case_data(client, signed_in, people, key):
    referral = make_submitted(people["venlo"])
    report = produce_report(start=START, end=END)
    signed_in(people[key])
    listing = client.get(reverse("monitoring:reports"))
    assert listing.status_code == 200
    assert reverse("monitoring:report_file", args=[report.pk, "pdf"]) in listing.content.decode()
    pdf = client.get(reverse("monitoring:report_file", args=[report.pk, "pdf"]))
    csv_file = client.get(reverse("monitoring:report_file", args=[report.pk, "csv"]))
    assert pdf.status_code == 200 and csv_file.status_code == 200
    text = pdf_text(b"".join(pdf.streaming_content)) + b"".join(csv_file.streaming_content).decode()
    assert "Jansen" not in text and VALID_BSN not in text and "WK-" not in text and str(referral.pk) not in text
    assert client.get(reverse("monitoring:definitions")).status_code == 200
    # The live page stays the werkgroep's.
    assert client.get(reverse("monitoring:monitoring")).status_code == 404


def test_every_party_is_told_once_on_the_first_of_january_and_july(people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = produce_half_year_report()
    told = {message.to[0] for message in mail.outbox}
    assert {"woonwenz@example.org", "moveoo@example.org", "venlo@example.org", "werkgroep_venlo@example.org"} <= told
    assert all("/monitoring/rapportages/" in message.body for message in mail.outbox)
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = produce_half_year_report()
    assert again == first and HalfYearReport.objects.count() == 1
    assert len(mail.outbox) == sent  # a rerun tells no one twice
    start, end = previous_half_year(datetime.date.today())
    assert HalfYearReport.objects.get().period_start == start
