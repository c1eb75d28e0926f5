"""The restore drill: a real PostgreSQL cluster of its own, archived by pgBackRest, restored to a moment.

It never touches the machine's shared PostgreSQL: initdb in a fresh folder, a free port, its socket in
that folder. Skipped where pgBackRest or the server binaries are missing, except in CI
(CI_REQUIRE_SYSTEM_LIBS), where it must run. It writes its restore duration to var/restore-drill.json
(docs/backups.md quotes it as the recovery time objective's measurement).
"""

import json
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command

from woonkans.ops import pitr
from woonkans.ops.pitr.config import server_bindir
from woonkans.ops.tasks import nightly_backup

REPO = Path(__file__).resolve().parents[2]
STANZA = "drill"
pytestmark = pytest.mark.pitr


def _tools_missing():
    missing = [] if shutil.which("pgbackrest") else ["pgbackrest (apt-get install pgbackrest)"]
    try:
        server_bindir(pitr.Config(stanza="x", private_root=Path("."), files_repository=Path(".")))
    except pitr.BackupError:
        missing.append("the PostgreSQL server binaries (postgresql-<version>)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            missing.append("a 'postgres' user to run the cluster as (initdb refuses root)")
    return missing


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Drill:
    """A throw-away cluster with WAL archiving into a throw-away pgBackRest repository."""

    def __init__(self):
        self.run_as = "postgres" if os.geteuid() == 0 else None
        # Not pytest's tmp_path: that is root-only (0700), and the cluster runs as postgres.
        self.home = Path(tempfile.mkdtemp(prefix="woonkans-drill-"))
        self.pgdata = self.home / "pgdata"
        self.socket_dir = self.home / "socket"
        self.private = Path(tempfile.mkdtemp(prefix="woonkans-drill-private-"))
        self.port = _free_port()
        for folder in (self.socket_dir, self.home / "repo", self.home / "log", self.home / "lock"):
            folder.mkdir()
        if self.run_as:
            for path in (self.home, *self.home.iterdir()):
                shutil.chown(path, user=self.run_as)
        conf = self.home / "pgbackrest.conf"
        conf.write_text(
            "[global]\n"
            f"repo1-path={self.home / 'repo'}\n"
            "repo1-retention-full=2\n"
            f"log-path={self.home / 'log'}\n"
            f"lock-path={self.home / 'lock'}\n"
            "log-level-console=warn\n"
            "log-level-file=off\n"
            "start-fast=y\n"
            "compress-level=1\n"  # gz like production, at its fastest: the drill is about restoring
            # Encrypted like production (docker/pgbackrest.conf): archive-get and pg_waldump go through it.
            "repo1-cipher-type=aes-256-cbc\n"
            "repo1-cipher-pass=drill-only-passphrase\n"
            f"[{STANZA}]\n"
            f"pg1-path={self.pgdata}\n"
            f"pg1-port={self.port}\n"
            f"pg1-socket-path={self.socket_dir}\n"
            "pg1-user=postgres\n"
        )
        conf.chmod(0o644)  # its only secret is this throw-away repository's passphrase
        self.config = pitr.Config(
            stanza=STANZA,
            private_root=self.private,
            files_repository=self.home / "private-files",
            pgbackrest_config=conf,
            pgdata=self.pgdata,
            manage_cluster=True,
            run_as=self.run_as,
        )
        self.bindir = server_bindir(self.config)
        self._as_postgres([self.bindir / "initdb", "-D", self.pgdata, "-U", "postgres", "--auth=trust", "--no-sync"])
        with open(self.pgdata / "postgresql.conf", "a") as stream:
            stream.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.socket_dir}'\n"
                "wal_level = replica\n"
                "archive_mode = on\n"
                f"archive_command = 'pgbackrest --config={conf} --stanza={STANZA} archive-push %p'\n"
                "max_wal_senders = 2\n"
                "fsync = off\n"
                "shared_buffers = 16MB\n"
            )
        pitr.cluster.start_and_wait(self.config, timeout=60)

    def _as_postgres(self, argv):
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        subprocess.run([*prefix, *map(str, argv)], check=True, capture_output=True, timeout=120)

    def sql(self, statement, *params):
        with psycopg.connect(
            host=str(self.socket_dir), port=self.port, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            cursor = conn.execute(statement, params or None)
            return cursor.fetchall() if cursor.description else None

    def archive_now(self):
        """Close the current WAL segment and wait until pgBackRest has it (what archive_timeout does in production)."""
        started = time.monotonic()
        (segment,) = self.sql("SELECT pg_walfile_name(pg_switch_wal())")[0]
        while (self.sql("SELECT last_archived_wal FROM pg_stat_archiver")[0][0] or "") < segment:
            assert time.monotonic() < started + 30, "WAL archiving did not catch up in 30 s"
            time.sleep(0.02)
        self.archive_seconds = round(time.monotonic() - started, 2)

    def state(self):
        rows = [name for (name,) in self.sql("SELECT name FROM visits ORDER BY id")]
        files = sorted(p.relative_to(self.private).as_posix() for p in self.private.rglob("*") if p.is_file())
        return rows, files

    def close(self):
        if self.pgdata.exists():
            prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
            subprocess.run(
                [*prefix, str(self.bindir / "pg_ctl"), "stop", "-D", str(self.pgdata), "-m", "immediate"],
                capture_output=True,
                check=False,
            )
        shutil.rmtree(self.home, ignore_errors=True)
        shutil.rmtree(self.private, ignore_errors=True)


@pytest.fixture
def drill():
    missing = _tools_missing()
    if missing:
        message = "The restore drill needs " + ", ".join(missing)
        if os.environ.get("CI_REQUIRE_SYSTEM_LIBS"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    drill = Drill()
    yield drill
    drill.close()


def write_file(root, relative, content):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def use_drill_settings(settings, drill):
    settings.BACKUP_ENABLED = True
    settings.BACKUP_STANZA = STANZA
    settings.PRIVATE_MEDIA_ROOT = drill.private
    settings.BACKUP_FILES_REPOSITORY = drill.config.files_repository
    settings.BACKUP_PGBACKREST_CONFIG = str(drill.config.pgbackrest_config)
    settings.BACKUP_PGDATA = str(drill.pgdata)
    settings.BACKUP_MANAGE_CLUSTER = True
    settings.BACKUP_RUN_AS = drill.run_as or ""


# For measuring the recovery time on more data (docs/backups.md): WOONKANS_DRILL_MB=500 adds that much
# to the cluster before the backup; WOONKANS_DRILL_LOSE_DISK=1 empties the data folder before the
# restore (a lost disk: everything comes from the repository, nothing from a delta). CI runs neither.
DRILL_MB = int(os.environ.get("WOONKANS_DRILL_MB") or 0)
LOSE_DISK = bool(os.environ.get("WOONKANS_DRILL_LOSE_DISK"))


def test_restore_to_a_moment_brings_back_what_was_there_and_nothing_after(drill, settings, capsys):
    drill.sql("CREATE TABLE visits (id serial PRIMARY KEY, name text NOT NULL)")
    if DRILL_MB:
        drill.sql(
            "CREATE TABLE bulk AS SELECT g AS id, md5(g::text) || repeat(md5(random()::text), 30) AS filler "
            "FROM generate_series(1, %s) AS g",
            DRILL_MB * 1000,
        )
    write_file(drill.private, "referrals/1/intake.pdf", b"%PDF intake")
    before_any_backup = datetime.now(UTC)
    time.sleep(0.05)

    result = pitr.backup(drill.config, kind="auto")
    assert result["kind"] == "full" and not result["skipped"]
    # The nightly task again: a backup from minutes ago is enough, nothing runs twice.
    assert pitr.backup(drill.config, kind="auto")["skipped"]

    # Before the moment: rows and a file that must come back.
    drill.sql("INSERT INTO visits (name) VALUES ('kept-1'), ('kept-2')")
    write_file(drill.private, "referrals/1/report.pdf", b"%PDF report")
    pitr.snapshot_files(drill.config)
    drill.archive_now()
    (moment,) = drill.sql("SELECT clock_timestamp()")[0]
    time.sleep(0.05)
    # After the moment: rows and files that must be gone after the restore.
    drill.sql("INSERT INTO visits (name) VALUES ('lost-1')")
    write_file(drill.private, "referrals/2/late.pdf", b"%PDF late")
    (drill.private / "referrals/1/intake.pdf").write_bytes(b"%PDF intake, edited later")
    pitr.snapshot_files(drill.config)
    changed = drill.state()

    # The moment lies after the last transaction that reached the archive (lost-1 is still in the
    # server's current WAL segment): refused, the running cluster untouched.
    with pytest.raises(pitr.TargetRefused, match="na de laatst gearchiveerde transactie"):
        pitr.restore(drill.config, moment)
    assert drill.state() == changed

    drill.archive_now()
    # The operator's command without CONFIRM=yes: says what it would do, changes nothing.
    use_drill_settings(settings, drill)
    with pytest.raises(CommandError, match="Er is niets gewijzigd"):
        call_command("restore", target=moment.isoformat(), confirm="")
    assert drill.state() == changed
    assert "Hersteldoel" in capsys.readouterr().out
    # The beat task on the drill's repository: enabled, it finds tonight's backup and skips.
    assert nightly_backup()["skipped"] is True

    if LOSE_DISK:
        pitr.cluster.stop(drill.config)
        for entry in drill.pgdata.iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    database_bytes = sum(p.stat().st_size for p in drill.pgdata.rglob("*") if p.is_file())
    result = pitr.restore(drill.config, moment.isoformat())

    rows, files = drill.state()
    assert rows == ["kept-1", "kept-2"]
    assert files == ["referrals/1/intake.pdf", "referrals/1/report.pdf"]
    assert (drill.private / "referrals/1/intake.pdf").read_bytes() == b"%PDF intake"
    # Promoted: the restored portal can write again.
    drill.sql("INSERT INTO visits (name) VALUES ('after-restore')")
    assert drill.sql("SELECT pg_is_in_recovery()")[0][0] is False

    duration = result["duration_seconds"]
    with capsys.disabled():  # shown in every run's output, also when the test passes
        print(f"\nRestore drill: database and {result['files']} files restored to the moment in {duration} s")
    report = REPO / "var" / "restore-drill.json"
    report.parent.mkdir(exist_ok=True)
    report.write_text(
        json.dumps(
            {
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "restore_seconds": duration,
                "postgresql": drill.bindir.parent.name,
                "backup": result["backup"],
                "data_folder_mb_before": round(database_bytes / 1e6, 1),
                "database_mb_after": round(drill.sql("SELECT pg_database_size('postgres')")[0][0] / 1e6, 1),
                "lost_disk": LOSE_DISK,
                # From closing a WAL segment to its arrival in the repository: what a committed
                # transaction waits beyond archive_timeout before a restore can reach it (RPO).
                "archive_push_seconds": drill.archive_seconds,
            },
            indent=2,
        )
        + "\n"
    )
    assert duration < 60

    # Outside the archive: before the first backup ended, and in the future. Refused, nothing changed.
    restored = drill.state()
    with pytest.raises(pitr.TargetRefused, match="vóór het einde van de oudste back-up"):
        pitr.restore(drill.config, before_any_backup)
    with pytest.raises(pitr.TargetRefused, match="in de toekomst"):
        pitr.restore(drill.config, datetime.now(UTC) + timedelta(hours=1))
    assert drill.state() == restored
    assert drill.sql("SELECT pg_is_in_recovery()")[0][0] is False


def test_a_target_without_a_time_zone_is_refused():
    with pytest.raises(pitr.TargetRefused, match="geen tijdzone"):
        pitr.parse_target("2026-12-02 10:00:00")
    with pytest.raises(pitr.TargetRefused, match="geen tijdstip"):
        pitr.parse_target("gisteren")
    assert pitr.parse_target("2026-12-02 10:00:00+01") == datetime(2026, 12, 2, 9, 0, tzinfo=UTC)


def test_the_beat_tasks_do_nothing_unless_backups_are_enabled(settings):
    settings.BACKUP_ENABLED = False
    settings.BACKUP_PGBACKREST_CONFIG = "/nonexistent/pgbackrest.conf"  # would fail if it ran
    assert nightly_backup() == {"disabled": True}
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "woonkans.ops.tasks.nightly_backup",
        "woonkans.ops.tasks.snapshot_private_files",
        "woonkans.ops.tasks.check_backups",
    } <= tasks
