"""`make demo` and a quick `make test` run on SQLite, CI on PostgreSQL: the demo must work on both.

Two things broke `make demo` on a fresh machine while CI, on PostgreSQL, stayed green: an index that
orders its NULLs (CREATE INDEX ... NULLS LAST is a syntax error on SQLite), and the home's capped
counts (a column list after a table alias, "AS capped (start)", and MIN() read back as text).
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


# Each demo role's home, signed in as in the tests (the logging notice accepted): the page of counts.
HOMES = """
from django.test import Client
from tests.conftest import sign_in
from woonkans.accounts.models import User
from woonkans.accounts.services import accept_logging_notice
for user in User.objects.filter(is_demo=True, is_active=True).order_by("username"):
    accept_logging_notice(user=user)
    print("HOME", user.username, sign_in(Client(), user).get("/").status_code)
"""


def manage(env, *args):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=600
    )


def test_the_demo_migrates_seeds_and_shows_every_home_on_a_fresh_sqlite_database(tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEY,
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    migrated = manage(env, "migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    seeded = manage(env, "seed_demo", "--quiet")
    assert seeded.returncode == 0, seeded.stderr[-3000:]
    homes = manage(env, "shell", "-c", HOMES)
    assert homes.returncode == 0, homes.stderr[-3000:]
    answers = dict(line.split()[1:] for line in homes.stdout.splitlines() if line.startswith("HOME "))
    assert len(answers) >= 9 and set(answers.values()) == {"200"}, answers
