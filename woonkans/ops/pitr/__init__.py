"""Point-in-time recovery: pgBackRest for the database, content-addressed snapshots for the private files.

Used by `manage.py backup` / `manage.py restore --target` (and so `make backup` / `make restore`), the
Celery beat tasks in woonkans/ops/tasks.py and the restore drill (tests/ops/test_restore_drill.py).
See docs/backups.md.
"""

import logging
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from . import cluster, files, repository
from .config import BackupError, Config, TargetRefused

__all__ = [
    "BackupError",
    "Config",
    "TargetRefused",
    "backup",
    "parse_target",
    "plan_restore",
    "restore",
    "snapshot_files",
    "status",
]

logger = logging.getLogger("woonkans.ops.backup")

KINDS = ("full", "diff", "incr")


def _local(moment: datetime) -> str:
    """A moment as operators in Limburg read it, with its offset: 2026-12-02 10:00:00+01:00."""
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo("Europe/Amsterdam")).isoformat(sep=" ", timespec="seconds")


def snapshot_files(config: Config, *, now: datetime | None = None) -> dict:
    result = files.take_snapshot(config.private_root, config.files_repository, now=now)
    logger.info(
        "Private files snapshot: %s files, %s new (%s bytes)",
        result["files"],
        result["new_objects"],
        result["new_bytes"],
    )
    return result


def _choose_kind(found: list[repository.Backup], config: Config, now: datetime) -> str:
    fulls = [backup for backup in found if backup.type == "full"]
    # Half a day of slack: the weekly full lands on the same night each week even if one ran late.
    if not fulls or now - fulls[-1].started >= timedelta(days=config.full_every_days) - timedelta(hours=12):
        return "full"
    return "diff"


def backup(config: Config, *, kind: str = "auto", now: datetime | None = None) -> dict:
    """One backup: the private files' snapshot, then pgBackRest (full weekly, else differential).

    kind="auto" (the beat task) does nothing when a backup finished less than min_interval_hours ago,
    so a retried or doubled run is harmless; an explicit kind always runs. The files go first: every
    moment a restore can reach (after the backup's end) then has a snapshot at or before it."""
    now = now or datetime.now(UTC)
    stanza_info = repository.info(config)
    if repository.stanza_missing(stanza_info):
        logger.info("pgBackRest stanza %s does not exist yet: creating it", config.stanza)
        repository.stanza_create(config)
        stanza_info = repository.info(config)
    found = repository.backups(stanza_info)
    if kind == "auto":
        if found and now - found[-1].stopped < timedelta(hours=config.min_interval_hours):
            logger.info(
                "Backup skipped: the newest (%s) finished less than %s h ago",
                found[-1].label,
                config.min_interval_hours,
            )
            return {"skipped": True, "label": found[-1].label}
        kind = _choose_kind(found, config, now)
    if kind not in KINDS:
        raise BackupError(f"Onbekend soort back-up {kind!r}; kies uit {', '.join(KINDS)}.")
    if kind != "full" and not any(b.type == "full" for b in found):
        kind = "full"  # pgBackRest would do so itself; say it
    started = time.monotonic()
    snapshot = snapshot_files(config, now=now)
    repository.run_backup(config, kind)
    after = repository.backups(repository.info(config))
    newest = after[-1]
    pruned = files.prune(config.files_repository, keep_from=after[0].stopped)
    duration = round(time.monotonic() - started, 1)
    logger.info(
        "Backup done: %s %s in %s s; files snapshot %s files; pruned %s old snapshots",
        kind,
        newest.label,
        duration,
        snapshot["files"],
        pruned["snapshots"],
    )
    return {"skipped": False, "kind": kind, "label": newest.label, "duration": duration, "files": snapshot["files"]}


def status(config: Config, *, now: datetime | None = None) -> dict:
    """The newest backup and whether it is too old (max_age_hours); logs an ERROR then, for the alerting."""
    now = now or datetime.now(UTC)
    stanza_info = repository.info(config)
    found = [] if repository.stanza_missing(stanza_info) else repository.backups(stanza_info)
    newest = found[-1] if found else None
    age_hours = round((now - newest.stopped).total_seconds() / 3600, 1) if newest else None
    stale = newest is None or age_hours > config.max_age_hours
    if stale:
        logger.error(
            "BACKUP STALE: newest backup %s (limit %s h)",
            f"{age_hours} h old" if newest else "missing",
            config.max_age_hours,
        )
    return {
        "stale": stale,
        "newest": newest.label if newest else None,
        "newest_stopped": newest.stopped if newest else None,
        "age_hours": age_hours,
        "backups": len(found),
    }


def parse_target(text: str) -> datetime:
    """'2026-12-02 10:00:00+01' (or ISO 8601 with T); an offset is required: a bare time is ambiguous."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TargetRefused(
            f'Hersteldoel {text!r} is geen tijdstip. Schrijf het als "2026-12-02 10:00:00+01" (met tijdzone).'
        ) from None
    if moment.tzinfo is None:
        raise TargetRefused(
            f"Hersteldoel {text!r} heeft geen tijdzone. Voeg die toe, bijvoorbeeld +01 (winter) of +02 (zomer)."
        )
    return moment.astimezone(UTC)


@dataclass(frozen=True)
class Plan:
    target: datetime
    backup: repository.Backup
    snapshot: files.Snapshot
    window: repository.Window


def plan_restore(config: Config, target: datetime, *, now: datetime | None = None) -> Plan:
    """Check the target against the archive and choose the backup set and files snapshot; changes nothing."""
    now = now or datetime.now(UTC)
    if target > now:
        raise TargetRefused(
            f"Hersteldoel {_local(target)} ligt in de toekomst (nu: {_local(now)}). Er is niets gewijzigd."
        )
    window = repository.archive_window(config)
    reach = (
        f"Het archief reikt van {_local(window.earliest)} tot "
        + (f"{_local(window.latest)}" if window.latest else "(geen transactie in het archief gevonden)")
        + ". Er is niets gewijzigd."
    )
    if target < window.earliest:
        raise TargetRefused(f"Hersteldoel {_local(target)} ligt vóór het einde van de oudste back-up. {reach}")
    if window.latest is None or target > window.latest:
        raise TargetRefused(f"Hersteldoel {_local(target)} ligt na de laatst gearchiveerde transactie. {reach}")
    backup_set = [backup for backup in window.backups if backup.stopped <= target][-1]
    snapshot = files.snapshot_at(config.files_repository, target)
    if snapshot is None:
        raise TargetRefused(
            f"Er is geen snapshot van de bestanden van vóór {_local(target)} in {config.files_repository}. "
            "Er is niets gewijzigd."
        )
    return Plan(target=target, backup=backup_set, snapshot=snapshot, window=window)


def describe(plan: Plan) -> str:
    return (
        f"Hersteldoel {_local(plan.target)}: database uit back-up {plan.backup.label} "
        f"(klaar {_local(plan.backup.stopped)}) plus het WAL-archief tot dat moment; bestanden uit de snapshot "
        f"van {_local(plan.snapshot.taken_at)} ({len(plan.snapshot.entries())} bestanden)."
    )


def restore(config: Config, target: str | datetime, *, now: datetime | None = None) -> dict:
    """Restore database and private files to target. Refuses (TargetRefused) before touching anything."""
    started = time.monotonic()  # the whole restore, checks included: what the RTO is made of
    moment = parse_target(target) if isinstance(target, str) else target.astimezone(UTC)
    plan = plan_restore(config, moment, now=now)
    if cluster.is_running(config) and not config.manage_cluster:
        raise BackupError(
            "PostgreSQL draait nog. Stop eerst web, worker, beat en postgres (docker compose stop web worker "
            "beat postgres) en start het herstel opnieuw. Er is niets gewijzigd."
        )
    # Files first into a staging folder: a damaged store stops here, before the database is touched.
    staging = files.stage(plan.snapshot, config.files_repository, config.private_root)
    try:
        if config.manage_cluster and cluster.is_running(config):
            cluster.stop(config)
        repository.restore_command(config, backup=plan.backup, target=plan.target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    files.swap_in(staging, config.private_root)
    if config.manage_cluster:
        cluster.start_and_wait(config)
    duration = round(time.monotonic() - started, 2)
    logger.info("Restore done: backup %s to target %s in %s s", plan.backup.label, plan.target.isoformat(), duration)
    return {
        "target": plan.target,
        "backup": plan.backup.label,
        "files_snapshot": plan.snapshot.taken_at,
        "files": len(plan.snapshot.entries()),
        "duration_seconds": duration,
        "started_cluster": config.manage_cluster,
    }
