"""`make bench`: the portal's main pages on PostgreSQL at 1,000, 10,000 and 100,000 cases.

For each size: a fresh database (dropped, created, migrated), `seed_demo --scale N`, the portal
served by gunicorn (loopback, 2 workers, benchmarks.wsgi which counts queries and server time), the
demo users logged in through the real login (password, then a TOTP code computed from the seeded
device), and every role's main page requested sequentially (warm-up, then BENCH_REQUESTS). Plus the
profile PDF, the half-yearly report and, at 10,000 cases, a locust load run. The results go to
docs/benchmarks.md (and var/bench/results.json).

Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/woonkans_bench; the database is
dropped and recreated, so its name must contain "bench"), BENCH_SIZES (default 1000,10000,100000),
BENCH_REQUESTS (default 50), BENCH_LOCUST_USERS (50), BENCH_LOCUST_TIME (60s).
"""

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
BIN = Path(PYTHON).parent
WORK = ROOT / "var" / "bench"
DOC = ROOT / "docs" / "benchmarks.md"
NOTES = Path(__file__).resolve().parent / "NOTES.md"

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/woonkans_bench"
SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000,100000").split(",")]
REQUESTS = int(os.environ.get("BENCH_REQUESTS", "50"))
WARMUP = 5
PDF_REQUESTS = 10
REPORT_RUNS = 3
LOCUST_USERS = int(os.environ.get("BENCH_LOCUST_USERS", "50"))
LOCUST_TIME = os.environ.get("BENCH_LOCUST_TIME", "60s")
LOCUST_SIZE = int(os.environ.get("BENCH_LOCUST_SIZE", "10000"))
GOALS = {"ratio": 1.3, "p95_ms": 150, "pdf_s": 1.0, "report_s": 5.0, "load_p95_ms": 300}

# key, what, demo user, path (None: set up during the run)
PAGES = [
    ("referrals", "Consulent: aanmeldingen (/aanmeldingen/)", "consulent.venlo", "/aanmeldingen/"),
    (
        "inbox",
        "Ketenregisseur: nieuwe aanmeldingen (/nieuwe-aanmeldingen/)",
        "ketenregisseur.noord",
        "/nieuwe-aanmeldingen/",
    ),
    ("agenda", "Ketenregisseur: agenda Woonkans-overleg (/overleg/<id>/)", "ketenregisseur.noord", None),
    ("table", "Corporatie: matchingstabel (/matchingstabel/)", "corporatie.woonwenz", "/matchingstabel/"),
    ("claims", "Penningmeester: claims (/garantiefonds/claims/)", "penningmeester.mgr", "/garantiefonds/claims/"),
    ("monitoring", "Werkgroep: monitoring (/monitoring/)", "werkgroep.venray", "/monitoring/"),
]
CHAIR = "ketenregisseur.noord"
AGENDA_ITEMS = 5


class BenchError(RuntimeError):
    pass


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- database -------------------------------------------------------------------------------------


def database_url():
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise BenchError(f"Benchmarks run on PostgreSQL only; DATABASE_URL is {parts.scheme}://...")
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise BenchError(
            f"The benchmark drops and recreates its database; {name!r} does not look like one (no 'bench')."
        )
    return url, name, urlunsplit(parts._replace(path="/postgres"))


def admin_connection(maintenance_url):
    try:
        return psycopg.connect(maintenance_url, autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        raise BenchError(f"PostgreSQL is not reachable ({maintenance_url}): {error}") from error


def recreate_database(maintenance_url, name):
    with admin_connection(maintenance_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def server_version(url):
    with psycopg.connect(url, connect_timeout=5) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def analyze(url):
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def table_counts(url):
    tables = {
        "referrals": "referrals_referral",
        "profiles": "matching_profile",
        "shares": "matching_profileshare",
        "claims": "guarantee_fund_claim",
        "facts": "monitoring_casefact",
    }
    with psycopg.connect(url) as connection:
        return {key: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for key, table in tables.items()}  # noqa: S608


# --- processes ------------------------------------------------------------------------------------


def portal_env(url, private_root):
    return {
        **os.environ,
        "DATABASE_URL": url,
        "PRIVATE_MEDIA_ROOT": str(private_root),
        "HTTPS": "False",
        "DJANGO_DEBUG": "False",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args):
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise BenchError(f"manage.py {' '.join(args)} failed:\n{result.stdout[-2000:]}\n{result.stderr[-4000:]}")
    return time.perf_counter() - started


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Gunicorn:
    def __init__(self, env, size):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = WORK / f"gunicorn-{size}.log"
        self.env = env
        self.process = None

    def __enter__(self):
        log_file = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(BIN / "gunicorn"),
                "benchmarks.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--timeout",
                "120",
                "--chdir",
                str(ROOT),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            self.wait_until_ready()
        except BaseException:
            self.__exit__()
            raise
        return self

    def wait_until_ready(self):
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn stopped at start:\n{self.log_path.read_text()[-3000:]}")
            try:
                if requests.get(f"{self.base}/healthz", timeout=15).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise BenchError(f"gunicorn did not answer /healthz within 90 s:\n{self.log_path.read_text()[-3000:]}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- login ----------------------------------------------------------------------------------------


def totp(secret_b32, at=None):
    """RFC 6238 (SHA-1, 30 s, 6 digits): what django-otp's TOTPDevice accepts."""
    key = base64.b32decode(secret_b32 + "=" * (-len(secret_b32) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


def form_fields(html):
    """The hidden inputs of the page's forms (CSRF token, wizard step)."""
    fields = {}
    for tag in re.findall(r"<input[^>]*>", html):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields


def post_form(session, url, page_html, data):
    hidden = form_fields(page_html)
    payload = {"csrfmiddlewaretoken": hidden.get("csrfmiddlewaretoken", ""), **data}
    return session.post(url, data=payload, headers={"Referer": url}, allow_redirects=False, timeout=60)


def login(base, user):
    """Password, TOTP code, logging notice: the same steps as a person in the browser."""
    session = requests.Session()
    login_url = f"{base}/inloggen/"
    page = session.get(login_url, timeout=30)
    step_field = next((name for name in form_fields(page.text) if name.endswith("current_step")), None)
    if step_field is None:
        raise BenchError("No login wizard on /inloggen/")
    page = post_form(
        session,
        login_url,
        page.text,
        {step_field: "auth", "auth-username": user["username"], "auth-password": user["password"]},
    )
    if page.status_code != 200 or "otp_token" not in page.text:
        raise BenchError(f"Password step for {user['username']} failed ({page.status_code})")
    done = post_form(session, login_url, page.text, {step_field: "token", "token-otp_token": totp(user["totp_secret"])})
    if done.status_code != 302:
        raise BenchError(f"TOTP step for {user['username']} failed ({done.status_code})")
    home = session.get(f"{base}/", allow_redirects=False, timeout=30)
    if home.status_code == 302 and "logging-akkoord" in home.headers["Location"]:
        accept_url = f"{base}/logging-akkoord/"
        page = session.get(accept_url, timeout=30)
        accepted = post_form(session, accept_url, page.text, {"accept": "on"})
        if accepted.status_code != 302:
            raise BenchError(f"Logging notice for {user['username']} not accepted ({accepted.status_code})")
        home = session.get(f"{base}/", allow_redirects=False, timeout=30)
    if home.status_code != 200:
        raise BenchError(f"{user['username']} is not logged in after the second factor ({home.status_code})")
    return session


# --- setup during the run -------------------------------------------------------------------------


def plan_meeting(base, session):
    """The chair plans an overleg, checks in the parties and puts AGENDA_ITEMS profiles on the agenda."""
    page = session.get(f"{base}/overleg/", timeout=30)
    date = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    created = post_form(session, f"{base}/overleg/", page.text, {"date": date})
    if created.status_code != 302:
        raise BenchError(f"Planning an overleg failed ({created.status_code})")
    path = urlsplit(created.headers["Location"]).path
    detail = session.get(f"{base}{path}", timeout=60)
    organisations = re.findall(r'name="organisations" value="(\d+)"', detail.text)
    post_form(session, f"{base}{path}aanwezigheid/", detail.text, {"organisations": organisations[:8]})
    subjects = re.findall(r'value="(profile:[0-9a-f-]+)"', detail.text)[:AGENDA_ITEMS]
    for subject in subjects:
        post_form(session, f"{base}{path}agendapunt/", detail.text, {"kind": "profile", "subject": subject})
    return path


def a_profile_pdf(base, session):
    """The demo's housed profile of the region (full text, a match), the same case at every size."""
    for query in ("?status=housed", ""):
        page = session.get(f"{base}/profielen/{query}", timeout=60)
        match = re.search(r'href="(/profielen/[0-9a-f-]{36}/)"', page.text)
        if match:
            return f"{match.group(1)}profiel.pdf"
    raise BenchError("No profile on /profielen/ for the PDF measurement")


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


def produce_report(base, session):
    """The regisseur's on-demand half-yearly report (PDF and CSV) for the past half year."""
    today = datetime.date.today()
    if today.month <= 6:
        start, end = datetime.date(today.year - 1, 7, 1), datetime.date(today.year - 1, 12, 31)
    else:
        start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 6, 30)
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


def run_locust(base, sessions, paths):
    plan = [
        {"page": key, "path": paths[key], "cookies": sessions[user].cookies.get_dict()}
        for key, _label, user, _path in PAGES
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
        "10",
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
    pages = {entry["name"]: locust_row([entry]) for entry in sorted(entries, key=lambda entry: entry["name"])}
    pages["Aggregated"] = locust_row(entries)
    return {"users": LOCUST_USERS, "run_time": LOCUST_TIME, "exit_code": result.returncode, "pages": pages}


def locust_row(entries):
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

    seconds = max(entry["last_request_timestamp"] for entry in entries) - min(entry["start_time"] for entry in entries)
    requests_ = sum(entry["num_requests"] for entry in entries)
    return {
        "requests": requests_,
        "failures": sum(entry["num_failures"] for entry in entries),
        "median_ms": at(0.5),
        "p95_ms": at(0.95),
        "max_ms": max(histogram) if histogram else None,
        "rps": round(requests_ / seconds, 1) if seconds > 0 else None,
    }


class Target:
    """One size: its own database (<name>_<size>), private files, gunicorn and logged-in sessions."""

    def __init__(self, size, url, name):
        self.size = size
        self.name = f"{name}_{size}"
        self.url = url.replace(f"/{name}", f"/{self.name}", 1)
        self.env = portal_env(self.url, WORK / f"private-{size}")
        self.result = {"size": size}
        self.server = None
        self.sessions = {}
        self.paths = {}

    def prepare(self, maintenance_url):
        log(f"{self.size:,} cases: database {self.name}")
        recreate_database(maintenance_url, self.name)
        shutil.rmtree(WORK / f"private-{self.size}", ignore_errors=True)
        migrate_s = manage(self.env, "migrate", "--noinput")
        manifest = WORK / f"manifest-{self.size}.json"
        seed_s = manage(self.env, "seed_demo", "--scale", str(self.size), "--manifest", str(manifest), "--quiet")
        log(f"{self.size:,} cases: migrated in {migrate_s:.1f} s, seeded in {seed_s:.1f} s")
        analyze(self.url)
        self.users = {user["username"]: user for user in json.loads(manifest.read_text())["users"]}
        self.result.update(migrate_s=round(migrate_s, 1), seed_s=round(seed_s, 1), counts=table_counts(self.url))

    def start(self, stack):
        self.server = stack.enter_context(Gunicorn(self.env, self.size))
        for username in sorted({user for _key, _label, user, _path in PAGES}):
            self.sessions[username] = login(self.server.base, self.users[username])
        self.paths = {key: path for key, _label, _user, path in PAGES}
        self.paths["agenda"] = plan_meeting(self.server.base, self.sessions[CHAIR])
        self.paths["pdf"] = a_profile_pdf(self.server.base, self.sessions[CHAIR])


def measure_interleaved(targets, key, username, count, warmup=WARMUP, expect="text/html"):
    """One request per size in turn (the order rotating), so load from elsewhere hits every size alike."""
    samples = {target.size: ([], [], []) for target in targets}
    for number in range(warmup + count):
        shift = number % len(targets)
        for target in targets[shift:] + targets[:shift]:
            path = target.paths[key]
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
        for target in targets:
            target.result["pages"] = {}
        for key, _label, username, _path in PAGES:
            for size, figures in measure_interleaved(targets, key, username, REQUESTS).items():
                next(target for target in targets if target.size == size).result["pages"][key] = figures
                log(f"{key:<11} {size:>7,} {figures}")
        for size, figures in measure_interleaved(targets, "pdf", CHAIR, PDF_REQUESTS, 4, "application/pdf").items():
            next(target for target in targets if target.size == size).result["pdf"] = figures
            log(f"{'pdf':<11} {size:>7,} {figures}")
        for target in targets:
            target.result["report"] = produce_report(target.server.base, target.sessions[CHAIR])
            log(f"{'report':<11} {target.size:>7,} {target.result['report']}")
        results["load_measure_end"] = loadavg()
        load_target = next((target for target in targets if target.size == LOCUST_SIZE), None)
        if load_target:
            results["load"] = run_locust(load_target.server.base, load_target.sessions, load_target.paths)
            log(f"locust      {results['load']['pages']['Aggregated']}")
    results["load_end"] = loadavg()
    results["sizes"] = [target.result for target in targets]
    return results


# --- report ---------------------------------------------------------------------------------------


def machine(url):
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": os.cpu_count(),
        "ram_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": cpu,
        "postgresql": server_version(url),
        "python": platform.python_version(),
        "os": platform.platform(),
    }


def fmt(value, unit=""):
    return "–" if value is None else f"{value:,.1f}{unit}".replace(",", " ")


def verdict(ok):
    return "ja" if ok else "**nee**"


def render(results, info, started, finished, command, name):
    by_size = {result["size"]: result for result in results["sizes"]}
    labels = {key: label for key, label, _user, _path in PAGES}
    users = {key: user for key, _label, user, _path in PAGES}
    sizes = ", ".join(f"{size:,}".replace(",", " ") for size in by_size)
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
        f"- Command: `{command}`",
        "- Load average (1/5/15 min; the machine is shared with other work): at the start"
        f" {results['load_start']}, when measuring started {results['load_measure_start']}, when it ended"
        f" {results['load_measure_end']}, after the load run {results['load_end']}.",
        "",
        "## Method",
        "",
        f"For each size ({sizes} cases) a fresh database `{name}_<size>` (dropped, created, `migrate`),"
        " `manage.py seed_demo --scale <size>`, `VACUUM ANALYZE`; then one gunicorn per size on 127.0.0.1 (a free"
        " port, 2 sync workers) serving `benchmarks.wsgi`: the portal's WSGI application plus two response headers,"
        " the number of queries (counted with `connection.execute_wrapper`) and the server time until the response"
        " headers were ready. Normal runs serve `woonkans.wsgi` without them. The demo users log in through"
        " `/inloggen/` with password and a TOTP code computed from their seeded device, and accept the logging"
        " notice. Each page is then requested one request at a time, alternating between the sizes (so load from"
        f" other work on the machine falls on every size alike): {WARMUP} warm-up rounds, then {REQUESTS} measured."
        " Times are server times in ms unless marked client (the round trip the benchmark saw). The agenda page"
        f" is an overleg the chair planned during the run, with {AGENDA_ITEMS} profiles on its agenda.",
        "",
        f"Goals: the same number of queries per request at 1 000 and 10 000 cases; median time ratio"
        f" 10 000 : 1 000 under {GOALS['ratio']}; p95 under {GOALS['p95_ms']} ms at 10 000 cases; profile PDF under"
        f" {GOALS['pdf_s']:.0f} s; half-yearly report under {GOALS['report_s']:.0f} s at 100 000 cases; load run"
        f" without errors and p95 under {GOALS['load_p95_ms']} ms.",
        "",
    ]
    for size, result in by_size.items():
        counts, pdf, report = result["counts"], result["pdf"], result["report"]
        lines += [
            f"## {size:,} cases".replace(",", " "),
            "",
            f"Migrate {result['migrate_s']} s, seed {result['seed_s']} s. Rows: {counts['referrals']} referrals,"
            f" {counts['profiles']} profiles, {counts['shares']} shares with corporations, {counts['claims']} claims,"
            f" {counts['facts']} monitoring facts.",
            "",
            "| page | user | queries | median ms | p95 ms | max ms | client median ms |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for key, page in result["pages"].items():
            lines.append(row(labels[key], users[key], page))
        lines += [
            row(f"Profiel-PDF, the housed demo profile ({pdf['n']} requests)", CHAIR, pdf),
            "",
            f"Half-yearly report {report['period']} (PDF and CSV, produced through the page, {report['runs']} runs,"
            f" {report['queries']} queries): median {report['median_s']} s, max {report['max_s']} s.",
            "",
        ]
    if 1000 in by_size and 10000 in by_size:
        lines += ratio_table(by_size[1000], by_size[10000], "10 000 : 1 000", labels, goals=True)
    if 1000 in by_size and 100000 in by_size:
        lines += ratio_table(by_size[1000], by_size[100000], "100 000 : 1 000", labels, goals=False)
    lines += ["## Goals outside the page table", ""]
    pdf_max = max(result["pdf"]["max_ms"] for result in by_size.values()) / 1000
    lines.append(f"- Profile PDF, slowest request at any size: {pdf_max:.2f} s — under 1 s: {verdict(pdf_max < 1)}.")
    if 100000 in by_size:
        report = by_size[100000]["report"]
        lines.append(
            f"- Half-yearly report at 100 000 cases: median {report['median_s']} s, slowest {report['max_s']} s —"
            f" under {GOALS['report_s']:.0f} s: {verdict(report['max_s'] < GOALS['report_s'])}."
        )
    lines.append("")
    load_result = results.get("load")
    if load_result:
        total = load_result["pages"]["Aggregated"]
        lines += [
            f"## Load run at {LOCUST_SIZE:,} cases".replace(",", " "),
            "",
            f"locust, headless, {load_result['users']} users (started 10 per second), `--run-time"
            f" {load_result['run_time']}`, host 127.0.0.1 (the gunicorn above), `benchmarks/locustfile.py`: each user"
            " takes the next role's main page in turn with that role's logged-in session and asks for it every 1–3 s."
            " Client-side times, as locust measures them (rounded to 10 ms above 100 ms).",
            "",
            "| page | requests | failures | median ms | p95 ms | max ms | requests/s |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for page_name, stats in load_result["pages"].items():
            lines.append(
                f"| {page_name} | {stats['requests']} | {stats['failures']} | {fmt(stats['median_ms'])}"
                f" | {fmt(stats['p95_ms'])} | {fmt(stats['max_ms'])} | {stats['rps']} |"
            )
        ok = total["failures"] == 0 and total["p95_ms"] < GOALS["load_p95_ms"]
        lines += ["", f"No errors and p95 under {GOALS['load_p95_ms']} ms: {verdict(ok)}.", ""]
    if NOTES.exists():
        lines += [NOTES.read_text().strip(), ""]
    return "\n".join(lines)


def row(label, user, page):
    queries = str(page["queries"])
    if page["queries_min"] != page["queries_max"]:
        queries += f" ({page['queries_min']}–{page['queries_max']})"
    return (
        f"| {label} | {user} | {queries} | {fmt(page['median_ms'])} | {fmt(page['p95_ms'])} | {fmt(page['max_ms'])}"
        f" | {fmt(page['client_median_ms'])} |"
    )


def ratio_table(small, large, title, labels, *, goals):
    size = f"{large['size']:,}".replace(",", " ")
    lines = [
        f"## Ratio {title}",
        "",
        f"| page | queries | same | median ratio | p95 ratio | p95 ms at {size} |"
        + (f" ratio < {GOALS['ratio']} | p95 < {GOALS['p95_ms']} ms |" if goals else ""),
        "| --- | ---: | --- | ---: | ---: | ---: |" + (" --- | --- |" if goals else ""),
    ]
    for key, b in large["pages"].items():
        a = small["pages"][key]
        ratio = b["median_ms"] / a["median_ms"]
        line = (
            f"| {labels[key]} | {a['queries']} / {b['queries']} | {verdict(a['queries'] == b['queries'])}"
            f" | {ratio:.2f} | {b['p95_ms'] / a['p95_ms']:.2f} | {fmt(b['p95_ms'])} |"
        )
        if goals:
            line += f" {verdict(ratio < GOALS['ratio'])} | {verdict(b['p95_ms'] < GOALS['p95_ms'])} |"
        lines.append(line)
    return [*lines, ""]


def main():
    url, name, maintenance_url = database_url()
    admin_connection(maintenance_url).close()
    WORK.mkdir(parents=True, exist_ok=True)
    info = machine(maintenance_url)
    started = datetime.datetime.now()
    log(f"machine {info}")
    results = run(url, name, maintenance_url)
    finished = datetime.datetime.now()
    (WORK / "results.json").write_text(json.dumps({"machine": info, **results}, indent=2, default=str))
    command = "make bench"
    overrides = [f"{key}={os.environ[key]}" for key in sorted(os.environ) if key.startswith("BENCH_")]
    if overrides:
        command = f"{' '.join(overrides)} make bench"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(render(results, info, started, finished, command, name))
    log(f"written {DOC.relative_to(ROOT)} and {(WORK / 'results.json').relative_to(ROOT)}")


if __name__ == "__main__":
    try:
        main()
    except BenchError as error:
        print(f"make bench: {error}", file=sys.stderr)
        sys.exit(1)
