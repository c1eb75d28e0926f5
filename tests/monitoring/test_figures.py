"""Figures against hand-computed expectations; suppression; no case data on the page."""

import datetime

import pytest
from django.urls import reverse

from monitoring import figures, suppression
from monitoring.models import CaseFact
from woonkans.parties.models import Organisation

from ..referrals.conftest import VALID_BSN, make_submitted

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def fact(municipality="Gemeente Venlo", **values):
    organisation = Organisation.objects.get(name=municipality)
    values.setdefault("reported_on", datetime.date(2026, 2, 1))
    return CaseFact.objects.create(region=organisation.region, municipality=organisation, **values)


def test_counts_per_region_and_municipality_match_a_hand_count():
    for _number in range(6):
        fact(submitted_on=datetime.date(2026, 2, 10), eligible=True)
    # Not in the target group: counted on the day of the check (a failed check is never submitted).
    fact(eligibility_on=datetime.date(2026, 2, 10), eligible=False, ineligible_reason="not_status_holder")
    fact(reported_on=datetime.date(2025, 12, 31))  # before the period
    fact(
        "Gemeente Roermond",
        submitted_on=datetime.date(2026, 3, 1),
        eligible=True,
        housed_on=datetime.date(2026, 5, 1),
        young_adult=True,
    )
    by_municipality = figures.counts_by("municipality", START, END)
    venlo = by_municipality[Organisation.objects.get(name="Gemeente Venlo").pk]
    assert (venlo["reports"], venlo["referrals"], venlo["eligible"], venlo["not_eligible"]) == (7, 6, 6, 1)
    roermond = by_municipality[Organisation.objects.get(name="Gemeente Roermond").pk]
    assert (roermond["reports"], roermond["housed"], roermond["young_adults_housed"]) == (1, 1, 1)


def test_housed_against_a_pro_rata_target():
    for _number in range(6):
        fact("Gemeente Roermond", housed_on=datetime.date(2026, 4, 1))
    shown = figures.tables(figures.atoms(START, END))
    rows = {row["region"].name: row for row in figures.housed_against_target(START, END, shown["regions"])}
    assert rows["Midden-Limburg"]["housed"].value == 6
    assert rows["Midden-Limburg"]["target"] == round(100 * 181 / 365, 1)
    assert rows["Noord-Limburg"]["target"] == round(120 * 181 / 365, 1)


def test_lead_time_median_and_90th_percentile():
    for days in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100):
        fact(reported_on=datetime.date(2026, 1, 1), submitted_on=datetime.date(2026, 1, 1) + datetime.timedelta(days))
    first = figures.lead_times(START, END)[0]
    assert first["count"] == 10
    assert 50 <= first["median"] <= 60
    assert 90 <= first["p90"] <= 100


def test_small_numbers_are_hidden_and_totals_give_nothing_away():
    def cells(values):
        # One table of one column: a row per value, atoms numbered per row, and its total.
        rows = [
            suppression.Cell(value, frozenset({index}) if value else frozenset()) for index, value in enumerate(values)
        ]
        total = suppression.Cell(sum(values), frozenset(index for index, value in enumerate(values) if value))
        suppression.protect([*rows, total], len(values))
        return [cell.shown for cell in rows], total.shown

    # With only B hidden, 22 - 12 - 7 would reveal it: the next smallest is hidden too, marked "·".
    assert cells([12, 3, 7]) == (["12", "<5", "·"], "22")
    assert cells([2, 1, 9]) == (["<5", "<5", "9"], "12")
    assert cells([1, 2]) == (["<5", "<5"], "<5")
    assert cells([0, 9]) == (["0", "9"], "9")


def test_the_route_keeps_an_anonymous_fact(people, django_capture_on_commit_callbacks):
    # The fact follows the case's events once each action commits (woonkans.events).
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_submitted(people["venlo"], age=22)
    referral.refresh_from_db()
    case_fact = CaseFact.objects.get(pk=referral.fact_id)
    assert case_fact.submitted_on is not None and case_fact.eligible is True
    assert case_fact.age_band == "18-22" and case_fact.young_adult is True
    field_names = {field.name for field in CaseFact._meta.get_fields()}
    assert not field_names & {"referral", "given_name", "family_name", "bsn", "birth_date", "code", "profile"}


def test_monitoring_page_shows_figures_only(client, signed_in, people):
    make_submitted(people["venlo"])
    for key in ("werkgroep_venlo", "noord", "admin"):
        signed_in(people[key])
        response = client.get(reverse("monitoring:monitoring"))
        page = response.content.decode()
        assert response.status_code == 200
        assert "Jansen" not in page and VALID_BSN not in page and "WK-" not in page
        assert "/aanmeldingen/" not in page
    # The live page is the werkgroep's; the other parties read the half-yearly report (SOK Art. 8.8).
    for key in ("venlo", "woonwenz", "moveoo", "treasurer"):
        signed_in(people[key])
        assert client.get(reverse("monitoring:monitoring")).status_code == 404
        assert client.get(reverse("monitoring:reports")).status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_monitoring_queries_do_not_grow(client, signed_in, people, rows, django_assert_max_num_queries):
    for number in range(rows):
        fact(
            submitted_on=datetime.date(2026, 2, 1) + datetime.timedelta(number % 20),
            eligible=True,
            housed_on=datetime.date(2026, 5, 1),
            young_adult=number % 2 == 0,
            origin="mo",
        )
    signed_in(people["werkgroep_venlo"])
    with django_assert_max_num_queries(40):
        response = client.get(reverse("monitoring:monitoring"), {"van": "2026-01-01", "tot": "2026-06-30"})
    assert response.status_code == 200


def test_the_half_year_report_task_makes_both_files_and_notifies(
    client, signed_in, people, django_capture_on_commit_callbacks, settings
):
    from django.core import mail

    from monitoring.models import HalfYearReport
    from monitoring.report import previous_half_year
    from monitoring.tasks import produce_half_year_report

    from ..pdftext import pdf_text

    assert any(
        job["task"] == "monitoring.tasks.produce_half_year_report" for job in settings.CELERY_BEAT_SCHEDULE.values()
    )
    make_submitted(people["venlo"])
    start, end = previous_half_year(datetime.date.today())
    fact(reported_on=start)
    with django_capture_on_commit_callbacks(execute=True):
        produce_half_year_report()
    report = HalfYearReport.objects.get()
    assert (report.period_start, report.period_end) == (start, end)
    assert "werkgroep_venlo@example.org" in {message.to[0] for message in mail.outbox}
    assert all("Jansen" not in message.body for message in mail.outbox)

    signed_in(people["werkgroep_venlo"])
    assert "Halfjaarrapportages" in client.get(reverse("monitoring:reports")).content.decode()
    pdf = client.get(reverse("monitoring:report_file", args=[report.pk, "pdf"]))
    text = pdf_text(b"".join(pdf.streaming_content))
    assert "Per gemeente" in text and "Jansen" not in text and VALID_BSN not in text and "WK-" not in text
    csv_text = b"".join(client.get(reverse("monitoring:report_file", args=[report.pk, "csv"])).streaming_content)
    assert b"Gemeente Venlo" in csv_text and b"Jansen" not in csv_text and VALID_BSN.encode() not in csv_text


def test_a_regisseur_produces_a_report_on_demand_and_others_cannot(client, signed_in, people):
    from monitoring.models import HalfYearReport

    signed_in(people["werkgroep_venlo"])
    assert (
        client.post(reverse("monitoring:report_produce"), {"van": "2026-01-01", "tot": "2026-06-30"}).status_code == 404
    )
    signed_in(people["noord"])
    client.post(reverse("monitoring:report_produce"), {"van": "2026-01-01", "tot": "2026-06-30"})
    assert HalfYearReport.objects.filter(period_start=datetime.date(2026, 1, 1)).exists()


def test_origins_are_shown_by_their_dutch_name(client, signed_in, people):
    for number in range(6):
        fact(reported_on=datetime.date(2026, 2, 1) + datetime.timedelta(number), origin="mo")
    signed_in(people["werkgroep_venlo"])
    page = client.get(reverse("monitoring:monitoring"), {"van": "2026-01-01", "tot": "2026-06-30"}).content.decode()
    assert "Maatschappelijke opvang" in page
    assert ">mo<" not in page
