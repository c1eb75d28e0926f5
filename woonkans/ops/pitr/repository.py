"""pgBackRest: the repository's backups, the reach of its WAL archive, backup and restore commands."""

import bz2
import gzip
import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import BackupError, Config, pgbackrest_binary, run, server_bindir

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


def pgbackrest(config: Config, *args: str, timeout: float = 3600, binary: bool = False):
    argv = [pgbackrest_binary()]
    if config.pgbackrest_config is not None:
        argv.append(f"--config={config.pgbackrest_config}")
    argv += [f"--stanza={config.stanza}", *args]
    return run(config, argv, timeout=timeout, binary=binary)


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


def _archive_segments(config: Config, stanza_info: dict) -> list[tuple[str, str]]:
    """The newest archived WAL segments of the current database, newest first: (name, repository path)."""
    archives = stanza_info.get("archive") or []
    if not archives:
        return []
    folder = f"archive/{config.stanza}/{archives[-1]['id']}"
    listing = pgbackrest(config, "repo-ls", "--recurse", "--output=json", folder, timeout=120).stdout
    found = {}
    for path in json.loads(listing):
        if match := SEGMENT.fullmatch(path):
            found[match.group(1)] = f"{folder}/{path}"
    # Timeline first in the name; the position (last 16 hex digits) says which is newer.
    newest = sorted(found, key=lambda name: (name[8:], name[:8]), reverse=True)[:SEGMENTS_TO_SEARCH]
    return [(name, found[name]) for name in newest]


def _decompress(path: str, data: bytes) -> bytes:
    suffix = Path(path).suffix
    if suffix == ".gz":
        return gzip.decompress(data)
    if suffix == ".bz2":
        return bz2.decompress(data)
    if suffix in (".lz4", ".zst"):
        tool = {".lz4": "lz4", ".zst": "zstd"}[suffix]
        if shutil.which(tool) is None:
            raise BackupError(f"Het WAL-archief is met {tool} gecomprimeerd; installeer {tool} om het te lezen.")
        return subprocess.run([tool, "-d", "-c"], input=data, capture_output=True, check=True).stdout  # noqa: S603
    return data


def last_archived_transaction(config: Config, stanza_info: dict) -> datetime | None:
    """The commit (or abort) time of the last transaction in the archive: no restore target can lie beyond.

    Read with repo-get (decrypts) rather than archive-get, which wants the cluster's pg_control: after
    a lost disk there is none, and that is when this check matters most."""
    segments = _archive_segments(config, stanza_info)
    if not segments:
        return None
    waldump = str(server_bindir(config) / "pg_waldump")
    scratch = Path(tempfile.mkdtemp(prefix="woonkans-wal-"))
    try:
        for name, path in segments:
            data = pgbackrest(config, "repo-get", path, timeout=300, binary=True).stdout
            target = scratch / name
            target.write_bytes(_decompress(path, data))
            # pg_waldump ends with an error at the segment's unused tail; what it printed before counts.
            output = run(
                config,
                [waldump, "-r", "Transaction", str(target)],
                env={"TZ": "UTC"},
                check=False,
                timeout=300,
                as_owner=False,
            ).stdout
            target.unlink()
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
