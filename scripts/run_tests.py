"""`make test`: the whole suite as three pytest processes side by side, or pytest as asked.

The browser journeys, the OpenID provider and the restore drill wait mostly on other processes
(Chromium, Node.js, PostgreSQL); the rest of the suite is CPU-bound in Python. Run side by side on the
two cores, the suite takes about the longest part instead of the sum. Processes rather than
pytest-xdist: each keeps pytest-django's ordering (transactional tests last), which xdist's
distribution breaks, so the reference data from the migrations survives a flush.

With arguments (`make test PYTEST_ARGS="tests/referrals -x"`) it is plain pytest.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = [sys.executable, "-m", "pytest"]
# Three halves-and-a-bit on two cores: the tests that mostly wait on a browser, a Node.js provider or a
# PostgreSQL cluster of their own (plus the page walks), and the CPU-bound rest in two parts. Each
# process keeps pytest-django's ordering and a test database of its own.
WAITING = ["tests/e2e", "tests/oidc", "tests/ops", "tests/security", "tests/crawl"]
FIRST_PART = [
    "tests/accounts",
    "tests/audit",
    "tests/events",
    "tests/guarantee_fund",
    "tests/leadtimes",
    "tests/lists",
    "tests/matching",
    "tests/monitoring",
    "tests/notifications",
    "tests/parties",
]


def main(argv):
    if argv:
        return subprocess.call([*PYTEST, *argv], cwd=ROOT)  # noqa: S603 (our own interpreter and pytest)
    logs = ROOT / "var" / "test-logs"
    logs.mkdir(parents=True, exist_ok=True)
    groups = {
        "browser, OpenID, restore, page walks": (WAITING, "_waiting"),
        "accounts to parties": (FIRST_PART, "_first"),
        # Everything else, so that a new folder of tests is never left out.
        "the rest": ([f"--ignore={path}" for path in WAITING + FIRST_PART], ""),
    }
    running = {}
    started = time.monotonic()
    for name, (args, suffix) in groups.items():
        env = dict(os.environ)
        if suffix and env.get("DATABASE_URL"):
            # PostgreSQL: a test database of its own. SQLite tests use an in-memory database per process.
            database = env["DATABASE_URL"].rsplit("/", 1)[1].split("?")[0]
            env["TEST_DATABASE_NAME"] = f"test_{database}{suffix}"
        log = (logs / f"{suffix.strip('_') or 'main'}.log").open("w")
        print(f"pytest ({name}): {' '.join(args[:2])}{' …' if len(args) > 2 else ''} → {log.name}", flush=True)
        process = subprocess.Popen(  # noqa: S603 (our own interpreter and pytest)
            [*PYTEST, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        running[name] = (process, log)
    status = 0
    for name, (process, log) in running.items():
        code = process.wait()
        log.close()
        print(f"\n===== pytest ({name}): exit {code} after {time.monotonic() - started:.0f} s =====", flush=True)
        print(Path(log.name).read_text(), flush=True)
        status = status or code
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
