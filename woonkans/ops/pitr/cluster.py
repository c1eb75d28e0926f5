"""The PostgreSQL cluster a restore replaces: is it running, stop it, start it and wait for promotion."""

import re
import time
from pathlib import Path

from .config import BackupError, Config, run, server_bindir


def _pgdata(config: Config) -> Path:
    if config.pgdata is None:
        raise BackupError("BACKUP_PGDATA is niet ingesteld: de datamap van het PostgreSQL-cluster (pg1-path).")
    return config.pgdata


def is_running(config: Config) -> bool:
    pgdata = _pgdata(config)
    if not config.manage_cluster:
        # Another container's server: its pid file in the shared data folder is all we can see.
        return (pgdata / "postmaster.pid").exists()
    result = run(config, [str(server_bindir(config) / "pg_ctl"), "status", "-D", str(pgdata)], check=False)
    return result.returncode == 0


def stop(config: Config) -> None:
    run(config, [str(server_bindir(config) / "pg_ctl"), "stop", "-D", str(_pgdata(config)), "-m", "fast", "-w"])


def log_file(config: Config) -> Path:
    pgdata = _pgdata(config)
    return pgdata.with_name(pgdata.name + ".log")


def start_and_wait(config: Config, *, timeout: float = 600) -> None:
    """Start the restored cluster; it replays WAL to the target and promotes. Wait until it is in production."""
    pgdata = _pgdata(config)
    bindir = server_bindir(config)
    run(
        config,
        [
            str(bindir / "pg_ctl"),
            "start",
            "-D",
            str(pgdata),
            "-l",
            str(log_file(config)),
            "-w",
            "-t",
            str(int(timeout)),
        ],
        timeout=timeout + 30,
    )
    deadline = time.monotonic() + timeout
    while True:
        state = run(
            config,
            [str(bindir / "pg_controldata"), "-D", str(pgdata)],
            env={"LC_ALL": "C"},
        ).stdout
        if re.search(r"^Database cluster state:\s+in production$", state, re.MULTILINE):
            return
        if time.monotonic() > deadline:
            raise BackupError(f"Het cluster is na {int(timeout)} s nog niet gepromoveerd; zie {log_file(config)}.")
        time.sleep(0.1)
