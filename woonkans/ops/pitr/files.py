"""Snapshots of the private files (uploaded documents), restorable to the moment the database is.

A snapshot is snapshots/<UTC time>.json listing every file's relative path and sha256; the bytes are
stored once per content under objects/<2 hex>/<sha256>. A new snapshot only copies files that are new
or changed since the previous one (same size and mtime: reused), so taking one every quarter of an
hour costs a directory walk. Restoring verifies every object's hash, builds the tree aside in the
private root and then swaps it in: the root ends up holding exactly the snapshot's files.
"""

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .config import BackupError

SNAPSHOTS = "snapshots"
OBJECTS = "objects"
FORMAT = 1
# Shared with woonkans/ops/backup.py: a restore's staging folder inside the private root.
STAGING_PREFIX = ".restore-"
STAMP = "%Y%m%dT%H%M%S.%fZ"


@dataclass(frozen=True)
class Snapshot:
    taken_at: datetime
    path: Path

    def entries(self) -> dict[str, dict]:
        return json.loads(self.path.read_text())["files"]


@contextmanager
def _locked(repository: Path):
    """One writer at a time (the nightly backup and the quarter-hourly snapshot may meet)."""
    repository.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(repository / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def snapshots(repository: Path) -> list[Snapshot]:
    folder = repository / SNAPSHOTS
    if not folder.is_dir():
        return []
    found = []
    for path in folder.glob("*.json"):
        try:
            taken_at = datetime.strptime(path.stem, STAMP).replace(tzinfo=UTC)
        except ValueError:
            continue
        found.append(Snapshot(taken_at=taken_at, path=path))
    return sorted(found, key=lambda snapshot: snapshot.taken_at)


def snapshot_at(repository: Path, moment: datetime) -> Snapshot | None:
    """The newest snapshot taken at or before moment."""
    earlier = [snapshot for snapshot in snapshots(repository) if snapshot.taken_at <= moment]
    return earlier[-1] if earlier else None


def _object_path(repository: Path, sha256: str) -> Path:
    return repository / OBJECTS / sha256[:2] / sha256


def _store(repository: Path, source: Path) -> tuple[str, bool]:
    """Copy source into the object store while hashing it; returns (sha256, newly stored)."""
    objects = repository / OBJECTS
    objects.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.sha256()
    descriptor, temporary = tempfile.mkstemp(dir=objects, prefix=".incoming-")
    try:
        with open(source, "rb") as reader, os.fdopen(descriptor, "wb") as writer:
            for block in iter(lambda: reader.read(1024 * 1024), b""):
                digest.update(block)
                writer.write(block)
        sha256 = digest.hexdigest()
        final = _object_path(repository, sha256)
        if final.exists():
            os.unlink(temporary)
            return sha256, False
        final.parent.mkdir(exist_ok=True, mode=0o700)
        os.chmod(temporary, 0o600)
        os.rename(temporary, final)
        return sha256, True
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def take_snapshot(root: Path, repository: Path, *, now: datetime | None = None) -> dict:
    """Record every regular file under root. Stamped with the walk's START: a file that existed then is in it."""
    taken_at = now or datetime.now(UTC)
    with _locked(repository):
        previous_snapshots = snapshots(repository)
        previous = previous_snapshots[-1].entries() if previous_snapshots else {}
        entries, new_objects, new_bytes = {}, 0, 0
        for dirpath, dirnames, filenames in os.walk(root) if root.is_dir() else ():
            dirnames[:] = sorted(name for name in dirnames if not name.startswith(STAGING_PREFIX))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                if path.is_symlink() or not path.is_file():
                    continue
                relative = path.relative_to(root).as_posix()
                stat = path.stat()
                known = previous.get(relative)
                if (
                    known
                    and known["size"] == stat.st_size
                    and known["mtime_ns"] == stat.st_mtime_ns
                    and _object_path(repository, known["sha256"]).exists()
                ):
                    sha256 = known["sha256"]
                else:
                    sha256, stored = _store(repository, path)
                    new_objects += stored
                    new_bytes += stat.st_size if stored else 0
                entries[relative] = {"sha256": sha256, "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
        folder = repository / SNAPSHOTS
        folder.mkdir(exist_ok=True, mode=0o700)
        final = folder / f"{taken_at.astimezone(UTC):{STAMP}}.json"
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".incoming-")
        with os.fdopen(descriptor, "w") as stream:
            json.dump({"format": FORMAT, "taken_at": taken_at.isoformat(), "files": entries}, stream)
        os.chmod(temporary, 0o600)
        os.rename(temporary, final)
    return {"taken_at": taken_at, "files": len(entries), "new_objects": new_objects, "new_bytes": new_bytes}


def stage(snapshot: Snapshot, repository: Path, root: Path) -> Path:
    """Copy the snapshot's files, each checked against its hash, into a staging folder inside root."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        for relative, entry in snapshot.entries().items():
            parts = Path(relative).parts
            if Path(relative).is_absolute() or ".." in parts or not parts or parts[0].startswith(STAGING_PREFIX):
                raise BackupError(f"De bestandensnapshot bevat een ongeldig pad: {relative!r}")
            source = _object_path(repository, entry["sha256"])
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            digest = hashlib.sha256()
            try:
                with open(source, "rb") as reader, open(target, "wb") as writer:
                    for block in iter(lambda: reader.read(1024 * 1024), b""):
                        digest.update(block)
                        writer.write(block)
            except FileNotFoundError:
                raise BackupError(
                    f"Een bestand van de snapshot ontbreekt in de opslag ({entry['sha256'][:12]})."
                ) from None
            if digest.hexdigest() != entry["sha256"]:
                raise BackupError(f"Een bestand in de opslag is beschadigd ({entry['sha256'][:12]}).")
            os.chmod(target, 0o600)
            os.utime(target, ns=(entry["mtime_ns"], entry["mtime_ns"]))
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staging


def swap_in(staging: Path, root: Path) -> None:
    """Make root hold exactly the staged files (renames on one disk)."""
    for entry in root.iterdir():
        if entry == staging:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in staging.iterdir():
        entry.rename(root / entry.name)
    staging.rmdir()
    os.chmod(root, 0o700)


def prune(repository: Path, *, keep_from: datetime) -> dict:
    """Drop snapshots no restorable moment needs (older than the newest one at or before keep_from),
    then the objects no remaining snapshot refers to."""
    with _locked(repository):
        found = snapshots(repository)
        anchor = [snapshot for snapshot in found if snapshot.taken_at <= keep_from]
        dropped = [snapshot for snapshot in found if anchor and snapshot.taken_at < anchor[-1].taken_at]
        for snapshot in dropped:
            snapshot.path.unlink()
        referenced = {
            entry["sha256"] for snapshot in found if snapshot not in dropped for entry in snapshot.entries().values()
        }
        removed = 0
        objects = repository / OBJECTS
        for path in objects.glob("*/*") if objects.is_dir() else ():
            if path.name not in referenced and not path.name.startswith("."):
                path.unlink()
                removed += 1
    return {"snapshots": len(dropped), "objects": removed}
