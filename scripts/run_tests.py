"""`make test`: the whole suite as two pytest processes side by side, or pytest as asked.

The browser journeys, the OpenID provider and the restore drill wait mostly on other processes
(Chromium, Node.js, PostgreSQL); the rest of the suite is CPU-bound in Python. Run side by side on the
two cores, the suite takes the longer of the two instead of their sum. Two processes rather than
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
# Tests that mostly wait on a browser, a Node.js provider or a PostgreSQL cluster of their own, plus the
# page walks (security matrix and query ceilings, the demo crawl) so that both halves take about as long.
WAITING = ["tests/e2e", "tests/oidc", "tests/ops", "tests/security", "tests/crawl"]


def main(argv):
    if argv:
        return subprocess.call([*PYTEST, *argv], cwd=ROOT)  # noqa: S603 (our own interpreter and pytest)
    logs = ROOT / "var" / "test-logs"
    logs.mkdir(parents=True, exist_ok=True)
    groups = {
        "browser, OpenID, restore, page walks": (WAITING, "_waiting"),
        "the rest": ([f"--ignore={path}" for path in WAITING], ""),
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
        print(f"pytest ({name}): {' '.join(args[:3])}{' …' if len(args) > 3 else ''} → {log.name}", flush=True)
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
