"""docs/benchmarks.md from one run (benchmarks/report.py): every page with its figures, also from results.json."""

import datetime
import json

from benchmarks import report


def figures(median):
    return {
        "n": 10,
        "queries": 12,
        "queries_min": 12,
        "queries_max": 12,
        "median_ms": median,
        "p95_ms": median * 1.5,
        "max_ms": median * 2,
        "client_median_ms": median + 1,
    }


def results():
    size = {"counts": {"referrals": 1}, "migrate_s": 1.0, "seed_s": 2.0}
    size["report"] = {"period": "x", "median_s": 1, "max_s": 1, "runs": 1, "queries": 3}
    return {
        "load_start": [1, 1, 1],
        "load_measure_start": [1, 1, 1],
        "load_measure_end": [1, 1, 1],
        "load_end": [1, 1, 1],
        "sizes": [{"size": 1000, **size}, {"size": 10000, **size}],
        "pages": [
            {"role": "treasurer", "user": "t", "page": "/claims/", "sizes": {1000: figures(20), 10000: figures(22)}}
        ],
        "pdf": {1000: figures(100), 10000: figures(110)},
        "agenda": {"items": 5, "sizes": {1000: figures(30), 10000: figures(31)}},
        "slowest": {
            "size": 10000,
            "queries": [{"page": "/claims/", "median_ms": 5, "max_ms": 6, "sql": "SELECT 1", "plan": "Result"}],
        },
    }


def render(data):
    info = {"nproc": 2, "ram_gib": 23.5, "cpu": "x", "postgresql": "15", "python": "3.11", "os": "Linux"}
    now = datetime.datetime(2026, 12, 2, 15, 0)
    settings = {"requests": 30, "warmup": 3, "agenda_items": 5, "chair": "c", "budget_s": 30}
    return report.render(data, info, now, now, "make bench", "woonkans_bench", settings)


def test_every_page_has_its_figures_also_when_read_back_from_results_json():
    for data in (results(), json.loads(json.dumps(results()))):  # JSON turns the sizes into strings
        text = render(data)
        assert "| treasurer | `/claims/` | 12 / 12 | 20.0 / 22.0 | 30.0 / 33.0 | 1.10 | – | ja |" in text
        assert "- Command: `make bench`" in text and "2 CPU cores" in text
        assert "### 1. `/claims/`" in text and "Result" in text
