"""`make bench`: every page of every demo role on PostgreSQL at 1,000, 10,000 and 100,000 cases.

For each size: a fresh database (dropped, created, migrated), `seed_demo --scale N`, the portal
served by gunicorn (loopback, 2 workers, benchmarks.wsgi which counts and times the queries), one
demo user per role logged in through the real login (password, then a TOTP code computed from the
seeded device). The pages are not listed here: benchmarks/crawl.py follows the links from each
role's home and the detail pages one click further. Every page is then requested in turn at each
size (warm-up, then BENCH_REQUESTS), plus the profile PDF, the half-yearly report, the EXPLAIN
(ANALYZE, BUFFERS) plans of the three slowest queries and a locust load run over the mixed role
pages. The results go to docs/benchmarks.md (benchmarks/report.py) and var/bench/results.json.

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/woonkans_bench; the databases
<name>_<size> are dropped and recreated, so the name must contain "bench"), BENCH_SIZES (default
1000,10000,100000; `make bench SIZES=1000,10000` for a quick run), BENCH_REQUESTS (default 30),
BENCH_LOCUST_USERS (100), BENCH_LOCUST_TIME (60s), BENCH_LOCUST_SIZE (10000).

`make load` (BENCH_LOAD_ONLY=1): only the load run, at BENCH_LOCUST_SIZE cases (seeded, or reused with
BENCH_REUSE=1), crawled as above; it rewrites only the load section of docs/benchmarks.md.
"""

import contextlib
import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg

if __package__ in (None, ""):  # run as a script: benchmarks/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import crawl, report
from benchmarks.portal import (
    BIN,
    ROOT,
    WORK,
    BenchError,
    Gunicorn,
    analyze,
    database_url,
    log,
    login,
    machine,
    manage,
    portal_env,
    post_form,
    recreate_database,
    table_counts,
)

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",") if size.strip()]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "30"))
WARMUP = 3
PDF_REQUESTS = 10
REPORT_RUNS = 3
LOCUST_USERS = int(os.environ.get("BENCH_LOCUST_USERS", "100"))
LOCUST_TIME = os.environ.get("BENCH_LOCUST_TIME", "60s")
LOCUST_SIZE = int(os.environ.get("BENCH_LOCUST_SIZE", "10000"))
CHAIR = "ketenregisseur.noord"  # plans the overleg measured with an agenda, asks the PDF and the report
AGENDA_ITEMS = 5
EXPLAINED = 3
# A page still measuring after this many seconds stops after its current round (at least 3 rounds).
PAGE_BUDGET_S = float(os.environ.get("BENCH_PAGE_BUDGET_S", "30"))
# BENCH_REUSE=1: measure the databases the previous run seeded (same sizes) instead of seeding again.
REUSE = os.environ.get("BENCH_REUSE") == "1"
LOAD_ONLY = os.environ.get("BENCH_LOAD_ONLY") == "1"


# --- setup during the run -------------------------------------------------------------------------


def plan_meeting(base, session):
    """The chair plans an overleg, checks in the parties and puts AGENDA_ITEMS profiles on the agenda.

    Planned before the crawl, two weeks ahead: the newest meeting, so the one /overleg/ links first.
    """
    profiles = session.get(f"{base}/profielen/", timeout=60).text
    codes = list(dict.fromkeys(re.findall(r"\bWK-[A-Z]-[0-9A-Z]{6}\b", profiles)))[:AGENDA_ITEMS]
    page = session.get(f"{base}/overleg/", timeout=30)
    date = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    created = post_form(session, f"{base}/overleg/", page.text, {"date": date})
    if created.status_code != 302:
        raise BenchError(f"Planning an overleg failed ({created.status_code})")
    path = created.headers["Location"].split("?")[0]
    path = path[path.index("/overleg/") :]
    detail = session.get(f"{base}{path}", timeout=60)
    organisations = re.findall(r'name="organisations" value="(\d+)"', detail.text)
    post_form(session, f"{base}{path}aanwezigheid/", detail.text, {"organisations": organisations[:8]})
    for code in codes:
        post_form(session, f"{base}{path}agendapunt/", detail.text, {"profile_code": code, "subject": ""})
    return path


def a_profile_pdf(base, session):
    """The demo's housed profile of the region (full text, a match), the same case at every size."""
    for query in ("?status=housed", ""):
        page = session.get(f"{base}/profielen/{query}", timeout=60)
        match = re.search(r'href="(/profielen/[0-9a-f-]{36}/)"', page.text)
        if match:
            return f"{match.group(1)}profiel.pdf"
    raise BenchError("No profile on /profielen/ for the PDF measurement")


def half_year():
    today = datetime.date.today()
    if today.month <= 6:
        return datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)
    return datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)


def produce_report(base, session):
    """The regisseur's on-demand half-yearly report (PDF and CSV) for the past half year."""
    start, end = half_year()
    page = session.get(f"{base}/monitoring/", timeout=120)
    timings, queries = [], []
    for _run in range(REPORT_RUNS):
        response = post_form(
            session,
            f"{base}/monitoring/rapportages/maken/",
            page.text,
            {"van": start.isoformat(), "tot": end.isoformat()},
        )
        if response.status_code != 302 or "rapportages" not in response.headers.get("Location", ""):
            raise BenchError(f"Producing the half-yearly report failed ({response.status_code})")
        timings.append(float(response.headers["X-Bench-Time-Ms"]) / 1000)
        queries.append(int(response.headers["X-Bench-Queries"]))
    return {
        "period": f"{start:%d-%m-%Y} – {end:%d-%m-%Y}",
        "median_s": round(statistics.median(timings), 2),
        "max_s": round(max(timings), 2),
        "runs": len(timings),
        "queries": statistics.mode(queries),
    }


# --- measuring ------------------------------------------------------------------------------------


def percentile(values, fraction):
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary(server, client, queries):
    return {
        "n": len(server),
        "queries": statistics.mode(queries),
        "queries_min": min(queries),
        "queries_max": max(queries),
        "median_ms": round(statistics.median(server), 1),
        "p95_ms": round(percentile(server, 0.95), 1),
        "max_ms": round(max(server), 1),
        "client_median_ms": round(statistics.median(client), 1),
    }


class Target:
    """One size: its own database (<name>_<size>), private files, gunicorn, sessions and pages."""

    def __init__(self, size, url, name):
        self.size = size
        self.name = f"{name}_{size}"
        self.url = url.replace(f"/{name}", f"/{self.name}", 1)
        self.slow_dir = WORK / f"slow-{size}"
        self.env = portal_env(self.url, WORK / f"private-{size}", BENCH_SLOW_DIR=str(self.slow_dir))
        self.result = {"size": size}
        self.server = None
        self.sessions = {}
        self.pages = {}  # (username, page key) -> path

    def prepare(self, maintenance_url):
        log(f"{self.size:,} cases: database {self.name}")
        shutil.rmtree(self.slow_dir, ignore_errors=True)
        self.slow_dir.mkdir(parents=True)
        manifest = WORK / f"manifest-{self.size}.json"
        if REUSE and manifest.exists():
            migrate_s = manage(self.env, "migrate", "--noinput")
            seed_s = None
            log(f"{self.size:,} cases: reused (migrated in {migrate_s:.1f} s)")
        else:
            recreate_database(maintenance_url, self.name)
            shutil.rmtree(WORK / f"private-{self.size}", ignore_errors=True)
            migrate_s = manage(self.env, "migrate", "--noinput")
            seed_s = manage(self.env, "seed_demo", "--scale", str(self.size), "--manifest", str(manifest), "--quiet")
            log(f"{self.size:,} cases: migrated in {migrate_s:.1f} s, seeded in {seed_s:.1f} s")
        analyze(self.url)
        users = json.loads(manifest.read_text())["users"]
        self.users = {user["username"]: user for user in users}
        # One demo user per role (the first the demo names), and the chair who runs the overleg.
        self.roles = {}
        for user in users:
            self.roles.setdefault(user["role"], user["username"])
        self.result.update(
            migrate_s=round(migrate_s, 1),
            seed_s=None if seed_s is None else round(seed_s, 1),
            counts=table_counts(self.url),
        )

    def start(self, stack):
        self.server = stack.enter_context(Gunicorn(self.env, self.size))
        for username in sorted({*self.roles.values(), CHAIR}):
            self.sessions[username] = login(self.server.base, self.users[username])
        self.agenda = plan_meeting(self.server.base, self.sessions[CHAIR])
        self.pdf = a_profile_pdf(self.server.base, self.sessions[CHAIR])
        for role, username in self.roles.items():
            found = crawl.discover(self.server.base, self.sessions[username], self.fetcher(username))
            for key, path in found:
                self.pages[(username, key)] = path
            log(f"{self.size:,} cases: {role} ({username}) {len(found)} pages")

    def fetcher(self, username):
        session = self.sessions[username]

        def fetch_html(path):
            response = session.get(f"{self.server.base}{path}", allow_redirects=False, timeout=120)
            if response.status_code != 200 or "text/html" not in response.headers.get("Content-Type", ""):
                return None
            return response.text

        return fetch_html


def measure_interleaved(targets, username, paths, count, warmup=WARMUP, expect="text/html"):
    """One request per size in turn (the order rotating), so load from elsewhere hits every size alike.

    paths: {size: path}; a size where the page was not found is left out.
    """
    present = [target for target in targets if target.size in paths]
    samples = {target.size: ([], [], []) for target in present}
    began = time.monotonic()
    for number in range(warmup + count):
        if number >= warmup + 3 and time.monotonic() - began > PAGE_BUDGET_S:
            break  # a very slow page: fewer samples rather than the whole run's time
        shift = number % len(present)
        for target in present[shift:] + present[:shift]:
            path = paths[target.size]
            started = time.perf_counter()
            response = target.sessions[username].get(f"{target.server.base}{path}", allow_redirects=False, timeout=120)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200 or expect not in response.headers.get("Content-Type", ""):
                kind = response.headers.get("Content-Type")
                raise BenchError(f"GET {path} at {target.size} answered {response.status_code} {kind}")
            if number >= warmup:
                server, client, queries = samples[target.size]
                server.append(float(response.headers["X-Bench-Time-Ms"]))
                client.append(elapsed)
                queries.append(int(response.headers["X-Bench-Queries"]))
    return {size: summary(*values) for size, values in samples.items()}


def loadavg():
    return [round(value, 2) for value in os.getloadavg()]


def slowest_queries(target):
    """The EXPLAINED slowest statements (by median) one size's workers ran, each with its plan."""
    merged = {}
    for path in target.slow_dir.glob("*.json"):
        for row in json.loads(path.read_text()):
            known = merged.get(row["shape"])
            if known is None or row["max_ms"] > known["max_ms"]:
                merged[row["shape"]] = {**row, "median_ms": max(row["median_ms"], (known or row)["median_ms"])}
    slowest = sorted(merged.values(), key=lambda row: row["median_ms"], reverse=True)[:EXPLAINED]
    with psycopg.connect(target.url, autocommit=True) as connection:
        for row in slowest:
            try:
                plan = connection.execute(f"EXPLAIN (ANALYZE, BUFFERS) {row['sql']}").fetchall()  # noqa: S608
                row["plan"] = "\n".join(line for (line,) in plan)
            except psycopg.Error as error:
                row["plan"] = f"(no plan: {error})"
            row.pop("shape")
    return slowest


def run_locust(target):
    """Many users at once over every role's pages, each user with one role's session (locustfile.py).

    Served as deployed (portal.Gunicorn(deployed=True): woonkans.wsgi and gunicorn.conf.py), not by the
    instrumented two-worker server the pages were measured on; the sessions are the same.
    """
    with Gunicorn(target.env, target.size, deployed=True) as server:
        return {**locust_against(target, server.base), "workers": deployed_workers(target.env)}


def deployed_workers(env):
    """The number of workers gunicorn.conf.py gives under this environment (WEB_CONCURRENCY)."""
    read = "import runpy, sys; print(runpy.run_path(sys.argv[1])['workers'])"
    result = subprocess.run(  # noqa: S603 (our own interpreter and config file)
        [sys.executable, "-c", read, str(ROOT / "gunicorn.conf.py")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout)


def locust_against(target, base):
    plan = [
        {
            "role": role,
            "cookies": target.sessions[username].cookies.get_dict(),
            "pages": [
                {"name": f"{role} {key}", "path": path}
                for (user, key), path in target.pages.items()
                if user == username
            ],
        }
        for role, username in target.roles.items()
    ]
    plan_path = WORK / "locust-plan.json"
    plan_path.write_text(json.dumps(plan))
    plan_path.chmod(0o600)
    stats_path = WORK / "locust-stats"
    command = [
        str(BIN / "locust"),
        "-f",
        str(Path(__file__).resolve().parent / "locustfile.py"),
        "--headless",
        "--users",
        str(LOCUST_USERS),
        "--spawn-rate",
        "20",
        "--run-time",
        LOCUST_TIME,
        "--stop-timeout",
        "10",
        "--host",
        base,
        "--json-file",
        str(stats_path),
        "--loglevel",
        "WARNING",
    ]
    log("locust " + " ".join(command[1:]))
    result = subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env={**os.environ, "BENCH_LOCUST_PLAN": str(plan_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    (WORK / "locust.log").write_text(result.stdout + result.stderr)
    plan_path.unlink()
    entries = json.loads(Path(f"{stats_path}.json").read_text())
    if not entries:
        raise BenchError(f"locust made no requests:\n{(result.stdout + result.stderr)[-3000:]}")
    # Requests per second over the whole run: a page asked once has no span of its own to divide by.
    seconds = max(entry["last_request_timestamp"] for entry in entries) - min(entry["start_time"] for entry in entries)
    pages = {entry["name"]: locust_row([entry], seconds) for entry in sorted(entries, key=lambda entry: entry["name"])}
    roles = {}
    for entry in entries:
        roles.setdefault(entry["name"].split(" ")[0], []).append(entry)
    return {
        "users": LOCUST_USERS,
        "run_time": LOCUST_TIME,
        "size": target.size,
        "exit_code": result.returncode,
        "pages": pages,
        "roles": {role: locust_row(group, seconds) for role, group in sorted(roles.items())},
        "total": locust_row(entries, seconds),
    }


def locust_row(entries, seconds):
    """Requests, failures and percentiles from locust's response-time histogram (as locust computes them)."""
    histogram = {}
    for entry in entries:
        for millis, count in entry["response_times"].items():
            histogram[float(millis)] = histogram.get(float(millis), 0) + count
    total = sum(histogram.values())

    def at(fraction):
        seen = 0
        for millis in sorted(histogram):
            seen += histogram[millis]
            if seen >= fraction * total:
                return millis
        return None

    requests_ = sum(entry["num_requests"] for entry in entries)
    return {
        "requests": requests_,
        "failures": sum(entry["num_failures"] for entry in entries),
        "median_ms": at(0.5),
        "p95_ms": at(0.95),
        "max_ms": max(histogram) if histogram else None,
        "rps": round(requests_ / seconds, 1) if seconds > 0 else None,
    }


def measure_pages(targets):
    """Every page found at any size, measured at every size where it was found."""
    keys = sorted({key for target in targets for key in target.pages})
    rows = []
    for username, key in keys:
        paths = {target.size: target.pages[(username, key)] for target in targets if (username, key) in target.pages}
        figures = measure_interleaved(targets, username, paths, REQUESTS)
        role = next(role for target in targets for role, user in target.roles.items() if user == username)
        rows.append({"role": role, "user": username, "page": key, "sizes": figures})
        log(
            f"{username:<24} {key:<48} "
            + "  ".join(f"{s:,}: {f['queries']}q {f['median_ms']}ms" for s, f in figures.items())
        )
    return rows


def run(url, name, maintenance_url):
    targets = [Target(size, url, name) for size in SIZES]
    results = {"load_start": loadavg()}
    for target in targets:
        target.prepare(maintenance_url)
    with contextlib.ExitStack() as stack:
        for target in targets:
            target.start(stack)
        results["load_measure_start"] = loadavg()
        log(f"measuring; load average {results['load_measure_start']}")
        results["pages"] = measure_pages(targets)
        pdf = measure_interleaved(targets, CHAIR, {t.size: t.pdf for t in targets}, PDF_REQUESTS, 2, "application/pdf")
        results["pdf"] = pdf
        agenda = measure_interleaved(targets, CHAIR, {t.size: t.agenda for t in targets}, REQUESTS)
        results["agenda"] = {"items": AGENDA_ITEMS, "sizes": agenda}
        for target in targets:
            target.result["report"] = produce_report(target.server.base, target.sessions[CHAIR])
            log(f"{'report':<11} {target.size:>7,} {target.result['report']}")
        results["load_measure_end"] = loadavg()
        largest = targets[-1]
        results["slowest"] = {"size": largest.size, "queries": slowest_queries(largest)}
        load_target = next((target for target in targets if target.size == LOCUST_SIZE), None)
        if load_target:
            results["load"] = run_locust(load_target)
            log(f"locust      {results['load']['total']}")
    results["load_end"] = loadavg()
    results["sizes"] = [target.result for target in targets]
    return results


def run_load(url, name, maintenance_url):
    """make load: one size, its pages crawled, then only the locust run."""
    target = Target(LOCUST_SIZE, url, name)
    target.prepare(maintenance_url)
    load = {"load_start": loadavg(), "started": f"{datetime.datetime.now():%Y-%m-%d %H:%M}"}
    with contextlib.ExitStack() as stack:
        target.start(stack)
        load.update(run_locust(target))
    load.update(load_end=loadavg(), finished=f"{datetime.datetime.now():%H:%M}", seed_s=target.result["seed_s"])
    log(f"locust      {load['total']}")
    return {"load": load}


def command_line(make_target):
    overrides = [f"{key}={os.environ[key]}" for key in sorted(os.environ) if key.startswith("BENCH_")]
    overrides = [item for item in overrides if item != "BENCH_LOAD_ONLY=1"]
    return f"{' '.join(overrides)} make {make_target}".strip()


def main():
    url, name, maintenance_url = database_url()
    WORK.mkdir(parents=True, exist_ok=True)
    info = machine(maintenance_url)
    started = datetime.datetime.now()
    log(f"machine {info}")
    if LOAD_ONLY:
        results = run_load(url, name, maintenance_url)
        (WORK / "load.json").write_text(json.dumps({"machine": info, **results}, indent=2, default=str))
        report.write_load(results, info, command_line("load"))
        log(f"written the load section of {report.DOC.relative_to(ROOT)} and {(WORK / 'load.json').relative_to(ROOT)}")
        return
    results = run(url, name, maintenance_url)
    finished = datetime.datetime.now()
    (WORK / "results.json").write_text(json.dumps({"machine": info, **results}, indent=2, default=str))
    command = command_line("bench")
    report.write(
        results,
        info,
        started,
        finished,
        command,
        name,
        settings={
            "requests": REQUESTS,
            "warmup": WARMUP,
            "agenda_items": AGENDA_ITEMS,
            "chair": CHAIR,
            "budget_s": PAGE_BUDGET_S,
        },
    )
    log(f"written {report.DOC.relative_to(ROOT)} and {(WORK / 'results.json').relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"make bench: {error}", file=sys.stderr)
        sys.exit(1)
