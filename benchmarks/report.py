"""docs/benchmarks.md from one `make bench` run (benchmarks/run.py), with benchmarks/NOTES.md below it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
NOTES = Path(__file__).resolve().parent / "NOTES.md"

# The goals of issue 17, in one place.
GOALS = {
    "ratio_10k": 1.2,  # median 10 000 : 1 000
    "ratio_100k": 1.5,  # median 100 000 : 1 000
    "p95_ms": 100,  # at 10 000 cases
    "pdf_s": 0.5,
    "report_s": 2.0,  # at 100 000 cases
    "load_p95_ms": 250,
}


def number(value):
    return f"{value:,}".replace(",", " ")


def fmt(value):
    return "–" if value is None else f"{value:,.1f}".replace(",", " ")


def verdict(ok):
    return "ja" if ok else "**nee**"


def ratio(figures, large, small=1000):
    if large not in figures or small not in figures or not figures[small]["median_ms"]:
        return None
    return figures[large]["median_ms"] / figures[small]["median_ms"]


def page_goals(figures):
    """Which of the issue's goals a page misses (empty: all met, as far as measured)."""
    missed = []
    counts = {f["queries"] for f in figures.values()}
    if len(counts) > 1 or any(f["queries_min"] != f["queries_max"] for f in figures.values()):
        missed.append("queries differ")
    r10, r100 = ratio(figures, 10000), ratio(figures, 100000)
    if r10 is not None and r10 > GOALS["ratio_10k"]:
        missed.append(f"ratio 10k {r10:.2f}")
    if r100 is not None and r100 > GOALS["ratio_100k"]:
        missed.append(f"ratio 100k {r100:.2f}")
    if 10000 in figures and figures[10000]["p95_ms"] > GOALS["p95_ms"]:
        missed.append(f"p95 {figures[10000]['p95_ms']:.0f} ms")
    return missed


def cells(figures, sizes, field):
    return " / ".join(fmt(figures[size][field]) if size in figures else "–" for size in sizes)


def queries(figures, sizes):
    parts = []
    for size in sizes:
        if size not in figures:
            parts.append("–")
            continue
        f = figures[size]
        parts.append(
            str(f["queries"])
            + (f" ({f['queries_min']}–{f['queries_max']})" if f["queries_min"] != f["queries_max"] else "")
        )
    return " / ".join(parts)


def page_table(rows, sizes):
    header = " / ".join(number(size) for size in sizes)
    lines = [
        f"| role | page | queries ({header}) | median ms | p95 ms | ratio 10k | ratio 100k | goals |",
        "| --- | --- | --- | --- | --- | ---: | ---: | --- |",
    ]
    for row in rows:
        figures = row["sizes"]
        r10, r100 = ratio(figures, 10000), ratio(figures, 100000)
        missed = page_goals(figures)
        lines.append(
            f"| {row['role']} | `{row['page']}` | {queries(figures, sizes)} | {cells(figures, sizes, 'median_ms')}"
            f" | {cells(figures, sizes, 'p95_ms')} | {'–' if r10 is None else f'{r10:.2f}'}"
            f" | {'–' if r100 is None else f'{r100:.2f}'} | {'; '.join(missed) if missed else 'ja'} |"
        )
    return lines


def write(results, info, started, finished, command, name, *, settings):
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(results, info, started, finished, command, name, settings))


def _int_keys(figures):
    return {int(size): values for size, values in figures.items()}


def normalise(results):
    """Sizes as int keys again: results.json (JSON) stores them as strings, and a size then finds no figures."""
    for row in results.get("pages", []):
        row["sizes"] = _int_keys(row["sizes"])
    if "agenda" in results:
        results["agenda"]["sizes"] = _int_keys(results["agenda"]["sizes"])
    if "pdf" in results:
        results["pdf"] = _int_keys(results["pdf"])
    for result in results.get("sizes", []):
        result["size"] = int(result["size"])
    return results


def write_load(results, info, command):
    """`make load`: replace only the load run's section of docs/benchmarks.md (the rest is make bench's)."""
    section = load_run(results, command=command, info=info)
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if line.startswith("## Load run")), None)
    if start is None:
        start = next((i for i, line in enumerate(lines) if line == "## Analysis"), len(lines))
        end = start
    else:
        end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    DOC.write_text("\n".join([*lines[:start], *section, *lines[end:]]))


def render(results, info, started, finished, command, name, settings):
    results = normalise(results)
    by_size = {result["size"]: result for result in results["sizes"]}
    sizes = list(by_size)
    rows = results["pages"]
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`benchmarks/run.py`); every figure below comes from one run.",
        "",
        "## Machine and command",
        "",
        f'- Machine: {info["nproc"]} CPU cores (`nproc`), {info["ram_gib"]} GiB RAM, CPU model "{info["cpu"]}"',
        f"- PostgreSQL {info['postgresql']} on the same machine; Python {info['python']}; {info['os']}",
        f"- Run: {started:%Y-%m-%d %H:%M} – {finished:%H:%M} ({(finished - started).seconds // 60} min)",
        f"- Command: `{command}` (sizes: `make bench SIZES=1000,10000` for a quick run)",
        "- Load average (1/5/15 min; the machine is shared with other work): at the start"
        f" {results['load_start']}, when measuring started {results['load_measure_start']}, when it ended"
        f" {results['load_measure_end']}, after the load run {results['load_end']}.",
        "",
        "## Method",
        "",
        f"For each size ({', '.join(number(size) for size in sizes)} cases) a fresh database `{name}_<size>`"
        " (dropped, created, `migrate`), `manage.py seed_demo --scale <size>`, `VACUUM ANALYZE`; then one gunicorn"
        " per size on 127.0.0.1 (2 sync workers, persistent database connections as configured) serving"
        " `benchmarks.wsgi`: the portal plus two response headers, the number of queries (counted with"
        " `connection.execute_wrapper`, which also times each query) and the server time until the response"
        " headers were ready. One demo user per role logs in through `/inloggen/` with password and a TOTP code"
        " computed from the seeded device.",
        "",
        "The pages are not listed anywhere: `benchmarks/crawl.py` opens each role's home page, follows every"
        " same-origin link on it, and from those pages every link to a detail page (a path with an id) one click"
        " further; sign-out, the session keep-alive and downloads are not followed, and only 200 HTML answers"
        " count. A page is named by its path with the ids replaced; the first object linked stands for its kind."
        " A new page is measured without an edit here. Before the crawl the chair"
        f" ({settings['chair']}) plans an overleg two weeks ahead with {settings['agenda_items']} profiles on its"
        " agenda (added by code), so `/overleg/<id>/` is a meeting with an agenda at every size.",
        "",
        "Each page is requested one request at a time, alternating between the sizes (so load from other work"
        f" falls on every size alike): {settings['warmup']} warm-up rounds, then {settings['requests']} measured,"
        f" fewer (at least 3) for a page still measuring after {settings['budget_s']:.0f} s"
        " (`var/bench/results.json` has the count per page)."
        " Times are server times in ms.",
        "",
        "## Goals (issue 17)",
        "",
        f"For every page: the same number of queries at every size; median time ratio 10 000 : 1 000 ≤"
        f" {GOALS['ratio_10k']} and 100 000 : 1 000 ≤ {GOALS['ratio_100k']}; p95 ≤ {GOALS['p95_ms']} ms at 10 000"
        f" cases. The profile PDF ≤ {GOALS['pdf_s']} s; the half-yearly report ≤ {GOALS['report_s']:.0f} s at"
        f" 100 000 cases; the load run (100 users) without errors and p95 ≤ {GOALS['load_p95_ms']} ms.",
        "",
        "## Rows per size",
        "",
        "| rows | " + " | ".join(number(size) for size in sizes) + " |",
        "| --- |" + " ---: |" * len(sizes),
    ]
    kinds = list(next(iter(by_size.values()))["counts"])
    for kind in kinds:
        lines.append(f"| {kind} | " + " | ".join(number(by_size[size]["counts"].get(kind, 0)) for size in sizes) + " |")
    lines.append(
        "| migrate / seed s | "
        + " | ".join(f"{by_size[s]['migrate_s']} / {by_size[s]['seed_s'] or 'reused'}" for s in sizes)
        + " |"
    )
    missing = [row for row in rows if page_goals(row["sizes"])]
    lines += [
        "",
        "## Summary",
        "",
        f"{len(rows)} pages over {len({row['role'] for row in rows})} roles; {len(rows) - len(missing)} meet every"
        f" page goal measured in this run, {len(missing)} miss one or more:",
        "",
    ]
    lines += [f"- {row['role']} `{row['page']}`: {'; '.join(page_goals(row['sizes']))}" for row in missing] or [
        "- none"
    ]
    lines += ["", "## Every page", "", *page_table(rows, sizes), ""]
    lines += special_pages(results, by_size, sizes)
    lines += slowest(results)
    lines += load_run(results)
    if NOTES.exists():
        lines += [NOTES.read_text().strip(), ""]
    return "\n".join(lines)


def special_pages(results, by_size, sizes):
    agenda, pdf = results["agenda"], results["pdf"]
    lines = [
        "## The agenda, the profile PDF and the half-yearly report",
        "",
        "| what | queries | median ms | p95 ms | ratio 10k | ratio 100k |",
        "| --- | --- | --- | --- | ---: | ---: |",
    ]
    for label, figures in (
        (f"Overleg with {agenda['items']} agenda items (chair)", agenda["sizes"]),
        ("Profile PDF", pdf),
    ):
        r10, r100 = ratio(figures, 10000), ratio(figures, 100000)
        lines.append(
            f"| {label} | {queries(figures, sizes)} | {cells(figures, sizes, 'median_ms')}"
            f" | {cells(figures, sizes, 'p95_ms')}"
            f" | {'–' if r10 is None else f'{r10:.2f}'} | {'–' if r100 is None else f'{r100:.2f}'} |"
        )
    pdf_max = max(figures["max_ms"] for figures in pdf.values()) / 1000
    lines += [
        "",
        f"- Profile PDF, slowest request at any size: {pdf_max:.2f} s — ≤ {GOALS['pdf_s']} s:"
        f" {verdict(pdf_max <= GOALS['pdf_s'])}.",
    ]
    for size in sizes:
        rep = by_size[size]["report"]
        line = (
            f"- Half-yearly report {rep['period']} at {number(size)} cases (PDF and CSV, produced through the page,"
            f" {rep['runs']} runs, {rep['queries']} queries): median {rep['median_s']} s, slowest {rep['max_s']} s"
        )
        if size == 100000:
            line += f" — ≤ {GOALS['report_s']:.0f} s: {verdict(rep['max_s'] <= GOALS['report_s'])}"
        lines.append(line + ".")
    return [*lines, ""]


def slowest(results):
    data = results.get("slowest") or {}
    lines = [
        f"## The {len(data.get('queries', []))} slowest queries at {number(data.get('size', 0))} cases",
        "",
        "Timed by the query-count wrapper during the measurements (median over a worker's last 50 executions of"
        " the statement), then run once more as `EXPLAIN (ANALYZE, BUFFERS)` with the parameters of its slowest"
        " execution.",
        "",
    ]
    for number_, row in enumerate(data.get("queries", []), 1):
        lines += [
            f"### {number_}. `{row['page']}`: median {row['median_ms']:.1f} ms, slowest {row['max_ms']:.1f} ms",
            "",
            "```sql",
            row["sql"] if len(row["sql"]) < 3000 else row["sql"][:3000] + " …",
            "```",
            "",
            "```text",
            row["plan"],
            "```",
            "",
        ]
    return lines


def load_run(results, *, command=None, info=None):
    load = results.get("load")
    if not load:
        return []
    total = load["total"]
    worst = sorted(load["pages"].items(), key=lambda item: item[1]["p95_ms"] or 0, reverse=True)[:10]
    lines = [f"## Load run at {number(load['size'])} cases", ""]
    if command:  # a load run of its own (make load), not the one of the make bench run above
        lines += [
            f"From `{command}` ({load['started']} – {load['finished']}), not from the run above:"
            + (
                f" the database of {number(load['size'])} cases a previous run seeded (BENCH_REUSE=1)"
                if load.get("reused")
                else f" a fresh database of {number(load['size'])} cases (seeded in {load.get('seed_s')} s)"
            )
            + f", crawled as above. Machine: {info['nproc']} CPU cores, {info['ram_gib']} GiB RAM;"
            " load average (1/5/15 min; the machine is shared with other work)"
            f" at the start {load.get('load_start')}, at the end {load.get('load_end')}.",
            "",
        ]
    lines += [
        f"locust, headless, {load['users']} users (started 20 per second), `--run-time {load['run_time']}`,"
        f" host 127.0.0.1 (gunicorn as deployed: `woonkans.wsgi` with `gunicorn.conf.py`, {load.get('workers', '?')}"
        " sync workers; not the instrumented server of the page measurements), `benchmarks/locustfile.py`:"
        " each user takes the next role with that role's logged-in session and asks for one of the role's"
        " crawled pages at random every"
        " 1–3 s. Client-side times, as locust measures them (rounded to 10 ms above 100 ms).",
        "",
        "| requests | failures | median ms | p95 ms | max ms | requests/s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {total['requests']} | {total['failures']} | {fmt(total['median_ms'])} | {fmt(total['p95_ms'])}"
        f" | {fmt(total['max_ms'])} | {total['rps']} |",
        "",
        "Per role, and the ten pages with the highest p95:",
        "",
        "| role / page | requests | failures | median ms | p95 ms | requests/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, stats in [*load["roles"].items(), *worst]:
        lines.append(
            f"| {name} | {stats['requests']} | {stats['failures']} | {fmt(stats['median_ms'])}"
            f" | {fmt(stats['p95_ms'])} | {stats['rps']} |"
        )
    ok = total["failures"] == 0 and (total["p95_ms"] or 0) <= GOALS["load_p95_ms"]
    lines += ["", f"No errors and p95 ≤ {GOALS['load_p95_ms']} ms: {verdict(ok)}.", ""]
    return lines
