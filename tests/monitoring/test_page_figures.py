"""The monitoring page and the report count every dimension from one grouped scan: same figures as a hand count."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring import figures
from monitoring.models import CaseFact
from monitoring.report import build_context
from woonkans.parties.models import Organisation

pytestmark = pytest.mark.django_db
START, END = datetime.date(2026, 1, 1), datetime.date(2026, 6, 30)


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
def facts():
    for _number in range(6):
        fact("Gemeente Venlo", submitted_on=datetime.date(2026, 2, 10), eligible=True)
    fact("Gemeente Venlo", eligibility_on=datetime.date(2026, 2, 10), eligible=False)
    for _number in range(2):
        fact(
            "Gemeente Venlo",
            "Woonwenz",
            submitted_on=datetime.date(2026, 2, 10),
            eligible=True,
            matched_on=datetime.date(2026, 3, 1),
            housed_on=datetime.date(2026, 4, 1),
        )
    fact("Gemeente Venray", "Woonwenz", reported_on=datetime.date(2025, 5, 1), housed_on=datetime.date(2026, 5, 1))
    for _number in range(5):
        fact("Gemeente Roermond", "Wonen Limburg", matched_on=datetime.date(2026, 6, 1))
    fact("Gemeente Roermond", reported_on=datetime.date(2025, 12, 31))  # outside the period


def values(table):
    return {name: {column: cell.value for column, cell in cells.items()} for name, cells in table.rows.items()}


def test_every_dimension_matches_a_hand_count(facts):
    context = build_context(START, END)
    municipalities = values(context["municipalities"])
    assert municipalities["Gemeente Venlo"] == {
        "reports": 9,
        "referrals": 8,
        "eligible": 8,
        "not_eligible": 1,
        "shared": 0,
        "matched": 2,
        "housed": 2,
    }
    assert municipalities["Gemeente Venray"]["reports"] == 0 and municipalities["Gemeente Venray"]["housed"] == 1
    assert municipalities["Gemeente Roermond"]["reports"] == 5 and municipalities["Gemeente Roermond"]["matched"] == 5
    regions = values(context["regions"])
    assert regions["Noord-Limburg"]["reports"] == 9 and regions["Noord-Limburg"]["housed"] == 3
    assert regions["Midden-Limburg"]["reports"] == 5 and regions["Midden-Limburg"]["matched"] == 5
    assert values(context["corporations"]) == {
        "Woonwenz": {"matched": 2, "housed": 3},
        "Wonen Limburg": {"matched": 5, "housed": 0},
    }
    assert context["municipalities"].total["reports"].value == 14
    target = {row["region"].name: row["housed"].value for row in context["target"]}
    assert target == {"Noord-Limburg": 3, "Midden-Limburg": 0}


def test_the_tables_agree_with_one_query_per_dimension(facts):
    shown = figures.tables(figures.atoms(START, END))
    names = dict(Organisation.objects.values_list("pk", "name"))
    for dimension, key in (("municipality", "municipalities"), ("corporation", "corporations")):
        expected = figures.counts_by(dimension, START, END)
        for pk, counts in expected.items():
            row = shown[key].rows.get(names[pk])
            if row is None:
                assert not any(counts[column] for column in figures.MAIN_COLUMNS if column in shown[key].columns)
                continue
            assert {column: cell.value for column, cell in row.items()} == {column: counts[column] for column in row}


def test_the_facts_are_scanned_once_for_all_counts(facts):
    with CaptureQueriesContext(connection) as queries:
        build_context(START, END)
    grouped = [
        query["sql"] for query in queries if "monitoring_casefact" in query["sql"] and "GROUP BY" in query["sql"]
    ]
    assert len([sql for sql in grouped if "CASE WHEN" in sql.upper()]) == 1
    if connection.vendor == "postgresql":
        # Count, median and 90th percentile of every lead time in one read of the facts, not one per step.
        lead = [query["sql"] for query in queries if "percentile_cont" in query["sql"]]
        assert len(lead) == 1 and lead[0].count("percentile_cont") == 2 * len(figures.STEPS)


def test_the_fund_figures_read_the_ledger_once_for_the_trend_and_once_for_the_period(facts):
    with CaptureQueriesContext(connection) as queries:
        build_context(START, END)
    assert len([query for query in queries if "guarantee_fund_ledgerentry" in query["sql"]]) == 2


@pytest.mark.parametrize(
    ("state", "value", "shown"),
    [
        ("", 1234, ">1234</td>"),
        ("primary", 3, '<abbr title="minder dan 5">&lt;5</abbr></td>'),
        (
            "secondary",
            12,
            '·<span class="wk-visually-hidden"> verborgen om een ander getal te beschermen</span></a></td>',
        ),  # noqa: E501
    ],
)
def test_a_cell_shows_its_number_or_its_mark(state, value, shown):
    from django.template import engines
    from django.utils import translation

    from monitoring.suppression import Cell

    template = engines["django"].from_string("{% load figures %}{% figure_cell cell %}")
    with translation.override("nl"):
        html = template.render({"cell": Cell(value, state=state)})
    assert html.startswith('<td class="utrecht-table__cell utrecht-table__cell--numeric">') and html.endswith(shown)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem is PostgreSQL's")
def test_the_grouped_read_has_the_memory_to_hash_its_groups_and_gives_it_back(facts):
    """PostgreSQL overestimates the atoms' groups ~13x at 100 000 facts and sorts them on disk
    (benchmarks/NOTES.md item 29): the grouped read runs with more work_mem, the rest of the transaction not."""
    settings_seen = []

    def watch(execute, sql, params, many, context):
        if "GROUP BY" in sql and "monitoring_casefact" in sql:
            with connection.cursor() as cursor:
                cursor.execute("SHOW work_mem")
                settings_seen.append(cursor.fetchone()[0])
        return execute(sql, params, many, context)

    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        default = cursor.fetchone()[0]
    with connection.execute_wrapper(watch):
        figures.atoms(START, END)
    assert settings_seen == [figures.GROUPING_WORK_MEM]
    with connection.cursor() as cursor:
        cursor.execute("SHOW work_mem")
        assert cursor.fetchone()[0] == default
