"""Where the point-in-time backups live and how to reach the cluster: settings (BACKUP_*) or a test's own."""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path


class BackupError(Exception):
    """Something that stops a backup or restore; the message is for the operator (Dutch)."""


class TargetRefused(BackupError):
    """A restore target the archive cannot reach; raised before anything is stopped or changed."""


@dataclass(frozen=True)
class Config:
    stanza: str
    private_root: Path
    # Content-addressed snapshots of the private files, next to the pgBackRest repository.
    files_repository: Path
    # pgbackrest.conf with [global] repo1-path and [<stanza>] pg1-path; None: pgBackRest's default.
    pgbackrest_config: Path | None = None
    # The cluster's data directory (pg1-path): restore checks it is stopped, and with manage_cluster
    # stops and starts it itself (pg_ctl); without, the operator stops PostgreSQL (docker compose stop).
    pgdata: Path | None = None
    manage_cluster: bool = False
    # pg_ctl, pg_controldata, pg_waldump; None: found on PATH or under /usr/lib/postgresql/<newest>/bin.
    bindir: Path | None = None
    # The OS user that owns the cluster and the repository; commands run as it (runuser) when we are root.
    run_as: str | None = None
    full_every_days: float = 7.0
    # A nightly run finding a backup younger than this does nothing (a retried or doubled beat run).
    min_interval_hours: float = 12.0
    # The newest backup older than this is an alarm (log ERROR, `manage.py backup --check` exits 1).
    max_age_hours: float = 26.0

    @classmethod
    def from_settings(cls) -> "Config":
        from django.conf import settings

        def path(value):
            return Path(value) if value else None

        return cls(
            stanza=settings.BACKUP_STANZA,
            private_root=Path(settings.PRIVATE_MEDIA_ROOT),
            files_repository=Path(settings.BACKUP_FILES_REPOSITORY),
            pgbackrest_config=path(settings.BACKUP_PGBACKREST_CONFIG),
            pgdata=path(settings.BACKUP_PGDATA),
            manage_cluster=settings.BACKUP_MANAGE_CLUSTER,
            bindir=path(settings.BACKUP_PG_BINDIR),
            run_as=settings.BACKUP_RUN_AS or None,
            full_every_days=settings.BACKUP_FULL_EVERY_DAYS,
            min_interval_hours=settings.BACKUP_MIN_INTERVAL_HOURS,
            max_age_hours=settings.BACKUP_MAX_AGE_HOURS,
        )


def pgbackrest_binary() -> str:
    path = shutil.which("pgbackrest")
    if path is None:
        raise BackupError(
            "pgbackrest is niet gevonden op het PATH. Installeer het (Debian: apt-get install pgbackrest)."
        )
    return path


def server_bindir(config: Config) -> Path:
    """The folder with pg_ctl, pg_controldata and pg_waldump (Debian keeps them off the PATH)."""
    if config.bindir is not None:
        candidates = [config.bindir]
    else:
        on_path = shutil.which("pg_ctl")
        candidates = [Path(on_path).parent] if on_path else []
        versions = sorted(
            Path("/usr/lib/postgresql").glob("*/bin"),
            key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
            reverse=True,
        )
        candidates += versions
    for candidate in candidates:
        if all((candidate / tool).is_file() for tool in ("pg_ctl", "pg_controldata", "pg_waldump")):
            return candidate
    raise BackupError(
        "De PostgreSQL-serverprogramma's (pg_ctl, pg_controldata, pg_waldump) zijn niet gevonden. "
        "Installeer postgresql-<versie> of zet BACKUP_PG_BINDIR=/usr/lib/postgresql/<versie>/bin."
    )


def _as_user(config: Config) -> list[str]:
    if config.run_as and os.geteuid() == 0 and config.run_as != "root":
        return ["runuser", "-u", config.run_as, "--"]
    return []


def run(
    config: Config,
    argv: list[str],
    *,
    timeout: float = 3600,
    env: dict | None = None,
    check: bool = True,
    binary: bool = False,
    as_owner: bool = True,
):
    """Run a tool (as the cluster's user unless as_owner=False); on failure a BackupError with its last lines.

    pgBackRest and PostgreSQL print paths, labels and LSNs, never table contents: safe to show."""
    command = (_as_user(config) if as_owner else []) + argv
    result = subprocess.run(  # noqa: S603 - fixed argv, no shell
        command,
        capture_output=True,
        text=not binary,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        check=False,
    )
    if check and result.returncode != 0:
        stderr = result.stderr.decode(errors="replace") if binary else result.stderr
        message = (stderr.strip() or ("" if binary else result.stdout.strip()))[-2000:]
        raise BackupError(
            f"{Path(argv[0]).name} {argv_summary(argv)} is mislukt (exitcode {result.returncode}):\n{message}"
        )
    return result


def argv_summary(argv: list[str]) -> str:
    """The subcommand of a pgbackrest/pg_ctl call, for messages (no option values)."""
    words = [word for word in argv[1:] if not word.startswith("-") and re.fullmatch(r"[a-z-]+", word)]
    return words[0] if words else ""
