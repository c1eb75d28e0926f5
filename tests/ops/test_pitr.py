"""The point-in-time recovery module without a cluster: file snapshots, the backup schedule's choices,
the staleness alarm and the refusals. The real thing end to end: test_restore_drill.py."""

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from woonkans.ops import pitr
from woonkans.ops.pitr import files, repository

T0 = datetime(2026, 12, 1, 1, 30, tzinfo=UTC)


@pytest.fixture
def config(tmp_path):
    return pitr.Config(
        stanza="test",
        private_root=tmp_path / "private",
        files_repository=tmp_path / "repo" / "private-files",
        pgdata=tmp_path / "pgdata",
    )


def write(root, relative, content):
    path = Path(root) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def tree(root):
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in Path(root).rglob("*") if p.is_file()}


def restore_files(config, moment):
    snapshot = files.snapshot_at(config.files_repository, moment)
    files.swap_in(files.stage(snapshot, config.files_repository, config.private_root), config.private_root)


def test_files_come_back_as_they_were_at_each_snapshot(config):
    root, store = config.private_root, config.files_repository
    write(root, "referrals/1/intake.pdf", b"intake")
    first = files.take_snapshot(root, store, now=T0)
    assert first["files"] == 1 and first["new_objects"] == 1

    write(root, "referrals/2/brief.pdf", b"brief")
    write(root, "referrals/3/kopie.pdf", b"intake")  # same bytes: stored once
    second = files.take_snapshot(root, store, now=T0 + timedelta(minutes=15))
    assert second["files"] == 3 and second["new_objects"] == 1
    # Nothing changed: a walk, no copies.
    assert files.take_snapshot(root, store, now=T0 + timedelta(minutes=30))["new_objects"] == 0

    (root / "referrals/1/intake.pdf").unlink()
    write(root, "referrals/2/brief.pdf", b"brief, changed")

    restore_files(config, T0 + timedelta(minutes=20))
    assert tree(root) == {
        "referrals/1/intake.pdf": b"intake",
        "referrals/2/brief.pdf": b"brief",
        "referrals/3/kopie.pdf": b"intake",
    }
    assert {oct(p.stat().st_mode & 0o777) for p in root.rglob("*") if p.is_file()} == {"0o600"}
    restore_files(config, T0 + timedelta(minutes=5))
    assert tree(root) == {"referrals/1/intake.pdf": b"intake"}
    assert files.snapshot_at(store, T0 - timedelta(seconds=1)) is None


def test_a_damaged_store_stops_the_restore_before_any_file_changes(config):
    root, store = config.private_root, config.files_repository
    write(root, "a.pdf", b"original")
    files.take_snapshot(root, store, now=T0)
    write(root, "a.pdf", b"current")
    write(root, "b.pdf", b"current too")
    (stored,) = (store / "objects").glob("*/*")
    stored.write_bytes(b"tampered")

    with pytest.raises(pitr.BackupError, match="beschadigd"):
        files.stage(files.snapshot_at(store, T0), store, root)
    assert tree(root) == {"a.pdf": b"current", "b.pdf": b"current too"}  # and no staging folder left


def test_pruning_keeps_every_snapshot_a_restorable_moment_needs(config):
    root, store = config.private_root, config.files_repository
    for minute, content in enumerate([b"one", b"two", b"three", b"four"]):
        write(root, "doc.pdf", content)
        files.take_snapshot(root, store, now=T0 + timedelta(minutes=minute * 10))

    # The oldest restorable moment is 25 minutes in: the snapshot of minute 20 serves it, 0 and 10 go.
    assert files.prune(store, keep_from=T0 + timedelta(minutes=25)) == {"snapshots": 2, "objects": 2}
    assert [s.taken_at.minute for s in files.snapshots(store)] == [50, 0]  # 01:50, 02:00
    restore_files(config, T0 + timedelta(minutes=25))
    assert tree(root) == {"doc.pdf": b"three"}


def backup_at(label, kind, stopped):
    return repository.Backup(label=label, type=kind, started=stopped - timedelta(minutes=5), stopped=stopped)


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], "full"),
        ([backup_at("F", "full", T0 - timedelta(days=3))], "diff"),
        ([backup_at("F", "full", T0 - timedelta(days=7)), backup_at("D", "diff", T0 - timedelta(days=1))], "full"),
    ],
    ids=["first-ever", "mid-week", "a-week-after-the-full"],
)
def test_the_nightly_run_chooses_a_weekly_full_and_otherwise_a_differential(config, existing, expected):
    assert pitr._choose_kind(existing, config, T0) == expected


def fake_info(monkeypatch, backups):
    entries = [
        {
            "label": b.label,
            "type": b.type,
            "timestamp": {"start": int(b.started.timestamp()), "stop": int(b.stopped.timestamp())},
        }
        for b in backups
    ]
    monkeypatch.setattr(repository, "info", lambda config: {"status": {"code": 0}, "backup": entries})


def test_a_backup_older_than_a_day_is_an_alarm(config, monkeypatch, caplog, settings, tmp_path):
    fake_info(monkeypatch, [backup_at("20261130-013000F", "full", T0 - timedelta(hours=30))])
    with caplog.at_level(logging.ERROR, logger="woonkans.ops.backup"):
        state = pitr.status(config, now=T0)
    assert state["stale"] and state["age_hours"] == 30.0
    assert "BACKUP STALE" in caplog.text

    settings.BACKUP_PGBACKREST_CONFIG = str(tmp_path / "unused.conf")
    with pytest.raises(CommandError, match="ouder dan 26.0 uur"):
        call_command("backup", check=True)

    caplog.clear()
    fake_info(monkeypatch, [backup_at("20261201-013000F", "full", datetime.now(UTC) - timedelta(hours=2))])
    with caplog.at_level(logging.ERROR, logger="woonkans.ops.backup"):
        assert not pitr.status(config)["stale"]
    assert caplog.text == ""
    call_command("backup", check=True)


def test_a_nightly_run_right_after_a_backup_does_nothing(config, monkeypatch):
    fake_info(monkeypatch, [backup_at("20261201-013000F", "full", T0 - timedelta(hours=1))])
    monkeypatch.setattr(repository, "run_backup", lambda *a: pytest.fail("no second backup"))
    assert pitr.backup(config, kind="auto", now=T0) == {"skipped": True, "label": "20261201-013000F"}


def test_restore_refuses_while_another_containers_postgres_runs(config, monkeypatch):
    """Compose: the operator stops postgres; until then nothing is touched (not even the files)."""
    write(config.private_root, "a.pdf", b"now")
    files.take_snapshot(config.private_root, config.files_repository, now=T0)
    write(config.private_root, "a.pdf", b"later")
    window = repository.Window(
        earliest=T0 - timedelta(hours=1),
        latest=T0 + timedelta(hours=1),
        backups=(backup_at("20261201-003000F", "full", T0 - timedelta(hours=1)),),
    )
    monkeypatch.setattr(repository, "archive_window", lambda config: window)
    monkeypatch.setattr(repository, "restore_command", lambda *a, **k: pytest.fail("must not restore"))
    write(config.pgdata, "postmaster.pid", b"123\n")

    with pytest.raises(pitr.BackupError, match="PostgreSQL draait nog"):
        pitr.restore(config, T0 + timedelta(minutes=30), now=T0 + timedelta(hours=2))
    assert tree(config.private_root) == {"a.pdf": b"later"}


def test_restore_refuses_when_no_files_snapshot_precedes_the_target(config, monkeypatch):
    window = repository.Window(
        earliest=T0 - timedelta(hours=1),
        latest=T0 + timedelta(hours=1),
        backups=(backup_at("20261201-003000F", "full", T0 - timedelta(hours=1)),),
    )
    monkeypatch.setattr(repository, "archive_window", lambda config: window)
    with pytest.raises(pitr.TargetRefused, match="geen snapshot van de bestanden"):
        pitr.plan_restore(config, T0, now=T0 + timedelta(hours=2))


@pytest.mark.django_db
def test_healthz_turns_unhealthy_while_wal_archiving_fails(client, monkeypatch):
    from woonkans import views

    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["wal_archive"] == "off"  # the test database does not archive

    # pg_stat_archiver: a failed archive_command that has not succeeded since is "failing".
    earlier, later = T0, T0 + timedelta(minutes=1)
    for row, expected in [
        (("on", earlier, later), "failing"),
        (("on", None, later), "failing"),
        (("on", later, earlier), "ok"),
        (("on", None, None), "ok"),
    ]:
        monkeypatch.setattr(views, "_archiver_row", lambda row=row: row)
        assert views._wal_archive_state() == expected

    monkeypatch.setattr(views, "_wal_archive_state", lambda: "failing")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["wal_archive"] == "failing" and response.json()["status"] == "error"
