"""`make demo` and a quick `make test` run on SQLite, CI on PostgreSQL: the migrations must apply on both.

An index that orders its NULLs (CREATE INDEX ... NULLS LAST) is a syntax error on SQLite; four list
indexes of issue 17 broke `make demo` on a fresh machine that way while CI, on PostgreSQL, stayed green.
"""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[2]


def test_every_migration_applies_on_a_fresh_sqlite_database(tmp_path):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEY,
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert (tmp_path / "db.sqlite3").stat().st_size > 0
