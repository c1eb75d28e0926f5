"""What `make bench` needs around the portal: its databases, a gunicorn per size, the real login."""

import base64
import hashlib
import hmac
import os
import platform
import re
import signal
import socket
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
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/woonkans_bench"


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


COUNTED_TABLES = {
    "referrals": "referrals_referral",
    "profiles": "matching_profile",
    "shares": "matching_profileshare",
    "offers": "matching_offer",
    "meetings": "matching_meeting",
    "agenda items": "matching_agendaitem",
    "matches": "matching_match",
    "evaluations": "matching_evaluation",
    "signals": "matching_signal",
    "claims": "guarantee_fund_claim",
    "ledger entries": "guarantee_fund_ledgerentry",
    "subject requests": "subject_rights_subjectrequest",
    "facts": "monitoring_casefact",
}


def table_counts(url):
    """Rows per kind of object (a table the schema does not have is left out)."""
    counts = {}
    with psycopg.connect(url) as connection:
        for key, table in COUNTED_TABLES.items():
            if connection.execute("SELECT to_regclass(%s)", [table]).fetchone()[0] is not None:
                counts[key] = connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
    return counts


# --- processes ------------------------------------------------------------------------------------


def portal_env(url, private_root, **extra):
    return {
        **os.environ,
        **extra,
        "DATABASE_URL": url,
        "PRIVATE_MEDIA_ROOT": str(private_root),
        "HTTPS": "False",
        "DJANGO_DEBUG": "False",
        "LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONUNBUFFERED": "1",
        # A role's session waits while the other roles and sizes are measured (over 15 minutes on a
        # slow machine at 100 000 cases): the idle logout is not what the benchmark measures.
        "SESSION_IDLE_TIMEOUT": str(4 * 60 * 60),
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
    """The portal under gunicorn on a free loopback port.

    The page measurements serve benchmarks.wsgi (query counts and timings) with two workers, asked one
    request at a time. The load run (deployed=True) serves woonkans.wsgi with the workers, timeout and
    the rest of gunicorn.conf.py, as the image does, so it measures the portal as it is deployed.
    """

    def __init__(self, env, size, deployed=False):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = WORK / f"gunicorn-{size}{'-deployed' if deployed else ''}.log"
        self.env = env
        self.deployed = deployed
        self.process = None

    def command(self):
        bind = ["--bind", f"127.0.0.1:{self.port}", "--chdir", str(ROOT)]
        if self.deployed:
            return [
                str(BIN / "gunicorn"),
                "woonkans.wsgi:application",
                "--config",
                str(ROOT / "gunicorn.conf.py"),
                *bind,
            ]
        return [str(BIN / "gunicorn"), "benchmarks.wsgi:application", "--workers", "2", "--timeout", "120", *bind]

    def __enter__(self):
        log_file = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            self.command(),
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
