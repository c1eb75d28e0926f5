"""pgBackRest: the repository's backups, the reach of its WAL archive, backup and restore commands."""

import json
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import BackupError, Config, chown_to_run_as, pgbackrest_binary, run, server_bindir

SEGMENT = re.compile(r"(?:.*/)?([0-9A-F]{24})-[0-9a-f]{40}(?:\.\w+)?")
# pg_waldump -r Transaction: "desc: COMMIT 2026-12-02 09:00:01.123456 UTC" (TZ=UTC for the process).
TRANSACTION_END = re.compile(r"desc: (?:COMMIT|ABORT) (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?) UTC")
# How far back to look for the last archived transaction (16 MB segments): an idle night switches
# segments only on archive_timeout, and those carry no transaction, so look past a few of them.
SEGMENTS_TO_SEARCH = 12


@dataclass(frozen=True)
class Backup:
    label: str
    type: str  # full, diff, incr
    started: datetime
    stopped: datetime


@dataclass(frozen=True)
class Window:
    """The moments a time restore can reach: from the oldest backup's end to the last archived transaction."""

    earliest: datetime
    latest: datetime | None  # None: no transaction found in the newest archived WAL
    backups: tuple[Backup, ...]


def pgbackrest(config: Config, *args: str, timeout: float = 3600):
    argv = [pgbackrest_binary()]
    if config.pgbackrest_config is not None:
        argv.append(f"--config={config.pgbackrest_config}")
    argv += [f"--stanza={config.stanza}", *args]
    return run(config, argv, timeout=timeout)


def _moment(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def info(config: Config) -> dict:
    """The stanza's entry of `pgbackrest info` (status code 1: the stanza does not exist yet)."""
    output = pgbackrest(config, "info", "--output=json", timeout=120).stdout
    try:
        stanzas = json.loads(output)
    except ValueError as error:
        raise BackupError(f"pgbackrest info gaf geen JSON: {output[:200]!r}") from error
    return stanzas[0] if stanzas else {"status": {"code": 1}}


def stanza_missing(stanza_info: dict) -> bool:
    return stanza_info.get("status", {}).get("code") in (1, 3)


def backups(stanza_info: dict) -> list[Backup]:
    return sorted(
        (
            Backup(
                label=entry["label"],
                type=entry["type"],
                started=_moment(entry["timestamp"]["start"]),
                stopped=_moment(entry["timestamp"]["stop"]),
            )
            for entry in stanza_info.get("backup", [])
            if not entry.get("error")
        ),
        key=lambda backup: backup.stopped,
    )


def stanza_create(config: Config) -> None:
    pgbackrest(config, "stanza-create", timeout=300)


def run_backup(config: Config, kind: str) -> None:
    pgbackrest(config, "backup", f"--type={kind}")


def _archive_segments(config: Config, stanza_info: dict) -> list[str]:
    """The newest archived WAL segment names of the current database, newest first."""
    archives = stanza_info.get("archive") or []
    if not archives:
        return []
    archive_id = archives[-1]["id"]
    listing = pgbackrest(
        config, "repo-ls", "--recurse", "--output=json", f"archive/{config.stanza}/{archive_id}", timeout=120
    ).stdout
    names = {match.group(1) for name in json.loads(listing) if (match := SEGMENT.fullmatch(name))}
    # Timeline first in the name; the position (last 16 hex digits) says which is newer.
    return sorted(names, key=lambda name: (name[8:], name[:8]), reverse=True)[:SEGMENTS_TO_SEARCH]


def last_archived_transaction(config: Config, stanza_info: dict) -> datetime | None:
    """The commit (or abort) time of the last transaction in the archive: no restore target can lie beyond."""
    segments = _archive_segments(config, stanza_info)
    if not segments:
        return None
    waldump = str(server_bindir(config) / "pg_waldump")
    scratch = Path(tempfile.mkdtemp(prefix="woonkans-wal-"))
    try:
        chown_to_run_as(config, scratch)
        for segment in segments:
            target = scratch / segment
            pgbackrest(config, "archive-get", segment, str(target), timeout=300)
            # pg_waldump ends with an error at the segment's unused tail; what it printed before counts.
            output = run(
                config, [waldump, "-r", "Transaction", str(target)], env={"TZ": "UTC"}, check=False, timeout=300
            ).stdout
            target.unlink(missing_ok=True)
            moments = TRANSACTION_END.findall(output)
            if moments:
                return datetime.fromisoformat(moments[-1]).replace(tzinfo=UTC)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return None


def archive_window(config: Config) -> Window:
    stanza_info = info(config)
    found = backups(stanza_info)
    if stanza_missing(stanza_info) or not found:
        raise BackupError(
            f"Er is nog geen back-up in de repository (stanza '{config.stanza}'); herstellen kan pas na de "
            "eerste: manage.py backup --type full."
        )
    return Window(
        earliest=found[0].stopped,
        latest=last_archived_transaction(config, stanza_info),
        backups=tuple(found),
    )


def restore_command(config: Config, *, backup: Backup, target: datetime) -> None:
    """Replace the (stopped) cluster's files by the backup set, to replay WAL up to target and promote."""
    pgbackrest(
        config,
        "restore",
        f"--set={backup.label}",
        "--delta",
        "--type=time",
        f"--target={target.astimezone(UTC):%Y-%m-%d %H:%M:%S.%f}+00",
        "--target-action=promote",
    )
