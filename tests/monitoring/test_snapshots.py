"""The figures are computed once per version of the facts and stored (monitoring.snapshots): a view
after no change reads one row, a changed fact (however it was written) shows on the next view, and the
page, the CSV and a fresh computation agree."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring import snapshots
from monitoring.models import CaseFact, FactsVersion, FigureSnapshot
from monitoring.report import build_context, produce_report, render_csv
from monitoring.tasks import refresh_figures
from woonkans.parties.models import Organisation

from .test_figures_everywhere import PERIOD, fact

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


def housed_venlo(context):
    return context["municipalities"].rows["Gemeente Venlo"]["housed"].value


def housed_fact(**values):
    return fact(
        "Gemeente Venlo",
        "Woonwenz",
        submitted_on=datetime.date(2026, 2, 10),
        eligible=True,
        matched_on=datetime.date(2026, 3, 1),
        housed_on=datetime.date(2026, 4, 1),
        **values,
    )


@pytest.fixture
def six_housed():
    return [housed_fact() for _number in range(6)]


def fact_scans(queries):
    return [query["sql"] for query in queries if "monitoring_casefact" in query["sql"]]


def test_a_view_after_no_change_reads_the_stored_figures_and_scans_no_fact(six_housed):
    first = build_context(START, END)
    with CaptureQueriesContext(connection) as queries:
        again = build_context(START, END)
    assert fact_scans(queries) == []
    assert len([query for query in queries if "monitoring_figuresnapshot" in query["sql"]]) == 1
    assert render_csv(again) == render_csv(first)
    assert housed_venlo(again) == 6


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda facts: CaseFact.objects.filter(pk=facts[0].pk).update(housed_on=None), id="update"),
        pytest.param(lambda facts: CaseFact.objects.filter(pk=facts[0].pk).delete(), id="delete"),
        pytest.param(lambda facts: CaseFact.objects.bulk_create([CaseFact(**_copy(facts[0]))]), id="bulk-create"),
    ],
)
def test_a_changed_fact_shows_on_the_next_view_however_it_was_written(six_housed, change):
    assert housed_venlo(build_context(START, END)) == 6
    change(six_housed)
    expected = CaseFact.objects.filter(municipality__name="Gemeente Venlo", housed_on__range=(START, END)).count()
    assert expected != 6
    assert housed_venlo(build_context(START, END)) == expected


def _copy(case_fact):
    fields = [field.attname for field in CaseFact._meta.concrete_fields if field.name != "id"]
    return {name: getattr(case_fact, name) for name in fields}


def test_a_renamed_municipality_shows_on_the_next_view(six_housed):
    assert "Gemeente Venlo" in build_context(START, END)["municipalities"].rows
    Organisation.objects.filter(name="Gemeente Venlo").update(name="Gemeente Venlo-Blerick")
    assert "Gemeente Venlo-Blerick" in build_context(START, END)["municipalities"].rows


def test_a_new_day_recomputes_what_now_means(six_housed, monkeypatch):
    today = datetime.date(2026, 5, 1)
    monkeypatch.setattr(snapshots.timezone, "localdate", lambda: today)
    build_context(START, END)
    assert FigureSnapshot.objects.get().as_of == today
    today = datetime.date(2026, 5, 2)
    with CaptureQueriesContext(connection) as queries:
        build_context(START, END)
    assert fact_scans(queries)
    assert FigureSnapshot.objects.get().as_of == today


def test_the_stored_figures_are_the_computed_ones_on_the_page_and_in_the_report(client, signed_in, people, six_housed):
    for _number in range(3):
        fact("Gemeente Venray", submitted_on=datetime.date(2026, 2, 10), eligible=True)  # a "<5" cell
    signed_in(people["noord"])
    assert client.get(reverse("monitoring:monitoring"), PERIOD).status_code == 200
    stored = build_context(START, END)
    fresh = snapshots.compute(START, END)
    assert render_csv(stored) == render_csv({**stored, **fresh})
    page = client.get(reverse("monitoring:monitoring"), PERIOD).content.decode()
    assert stored["municipalities"].rows["Gemeente Venray"]["referrals"].shown == "<5"
    report = produce_report(start=START, end=END)
    response = client.get(reverse("monitoring:report_file", args=[report.pk, "csv"]))
    assert b"".join(response.streaming_content).decode() == render_csv(stored)
    assert ">6<" in page.replace(" ", "")


def test_the_task_recomputes_a_period_that_was_read_and_skips_one_that_was_not(six_housed, monkeypatch):
    monkeypatch.setattr(snapshots.timezone, "localdate", lambda: datetime.date(2026, 5, 1))
    monkeypatch.setattr("monitoring.tasks.timezone.localdate", lambda: datetime.date(2026, 5, 1))
    assert refresh_figures() is False  # nobody read the half year: nothing computed
    assert not FigureSnapshot.objects.exists()
    build_context(START, END)
    assert refresh_figures() is False  # read and current: nothing to do
    housed_fact()
    assert refresh_figures() is True
    assert FigureSnapshot.objects.get().version == FactsVersion.objects.get().version
    with CaptureQueriesContext(connection) as queries:
        context = build_context(START, END)
    assert fact_scans(queries) == [] and housed_venlo(context) == 7


@pytest.mark.parametrize("cold", [True, False], ids=["first-view", "later-view"])
def test_the_page_runs_the_same_queries_at_5_and_50_facts(client, signed_in, people, cold):
    signed_in(people["noord"])
    client.get(reverse("monitoring:reports"))  # the session's first request does its own bookkeeping
    counts = []
    for size in (5, 50):
        CaseFact.objects.all().delete()
        FigureSnapshot.objects.all().delete()
        for number in range(size):
            housed_fact(young_adult=number % 2 == 0, origin=("home", "shelter")[number % 2])
        if not cold:
            client.get(reverse("monitoring:monitoring"), PERIOD)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("monitoring:monitoring"), PERIOD).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_case_action_recomputes_the_half_year_that_was_read(people, django_capture_on_commit_callbacks):
    """The fact subscriber's commit is followed by the task: the next view finds the figures ready."""
    from django.utils import timezone

    from monitoring import figures

    from ..referrals.conftest import make_submitted

    start, end = figures.half_year(timezone.localdate())
    build_context(start, end)  # someone read the half year
    with django_capture_on_commit_callbacks(execute=True):
        referral = make_submitted(people["venlo"])
    assert CaseFact.objects.filter(pk=type(referral).objects.get(pk=referral.pk).fact_id).exists()
    assert FigureSnapshot.objects.get().version == FactsVersion.objects.get().version
    with CaptureQueriesContext(connection) as queries:
        context = build_context(start, end)
    assert fact_scans(queries) == []
    assert context["municipalities"].rows["Gemeente Venlo"]["referrals"].value == 1


@pytest.fixture
def audits(monkeypatch):
    """The small-number audits run (monitoring.figures.audited_tables), counted."""
    from monitoring import figures

    calls = []
    audited_tables = figures.audited_tables

    def counted(*args, **kwargs):
        calls.append(args)
        return audited_tables(*args, **kwargs)

    monkeypatch.setattr(figures, "audited_tables", counted)
    return calls


def test_a_change_the_period_does_not_show_takes_its_audit_over(six_housed, audits):
    """A report of a past half year after today's case actions: the facts moved on, the period's atoms did not."""
    build_context(START, END)
    assert len(audits) == 1
    fact("Gemeente Venlo", reported_on=datetime.date(2026, 9, 1))
    with CaptureQueriesContext(connection) as queries:
        context = build_context(START, END)
    assert len(audits) == 1  # read again, not audited again
    assert fact_scans(queries)  # the atoms, the lead times and the search areas are read
    assert FigureSnapshot.objects.get().version == FactsVersion.objects.get().version
    assert render_csv(context) == render_csv({**context, **snapshots.compute(START, END)})
    assert len(audits) == 2  # the fresh computation above
    housed_fact()  # a seventh housed in the period: its atoms change
    assert housed_venlo(build_context(START, END)) == 7
    assert len(audits) == 3


def test_a_renamed_municipality_is_audited_again_though_the_atoms_are_the_same(six_housed, audits):
    build_context(START, END)
    Organisation.objects.filter(name="Gemeente Venlo").update(name="Gemeente Venlo-Blerick")
    assert "Gemeente Venlo-Blerick" in build_context(START, END)["municipalities"].rows
    assert len(audits) == 2
