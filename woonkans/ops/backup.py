"""Backup and restore of the portal: the PostgreSQL database plus the private case files.

`make dump` writes one folder, <BACKUP_DIR>/woonkans-<UTC time>/ (mode 0700), holding

    database.dump          pg_dump, custom format (-Fc)
    private-files.tar.gz   every file under PRIVATE_MEDIA_ROOT
    manifest.json          sha256 and size of each part, creation time, the Django migration state
                           and fingerprints (never the keys) of FIELD_ENCRYPTION_KEY

each file mode 0600: a backup holds special personal data. The encryption key is NOT in it; without
the key the encrypted fields of a restored database cannot be read.

`make restore-dump BACKUP=<folder> CONFIRM=yes` checks every checksum, refuses without the confirmation,
then replaces the database (pg_restore --clean --if-exists --no-owner, in one transaction) and the
private files with the backup's.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

MANIFEST = "manifest.json"
DATABASE_PART = "database.dump"
FILES_PART = "private-files.tar.gz"
PARTS = (DATABASE_PART, FILES_PART)
FORMAT_VERSION = 1
# Extracted files wait here (inside the private root, so the final move is a rename on one disk).
STAGING_PREFIX = ".restore-"
# libpq reads these; Django's OPTIONS for the same connection are passed on under these names.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
}


class BackupError(Exception):
    """Something that stops a backup or restore; the message is for the operator (Dutch)."""


# --- the database ------------------------------------------------------------------------------


def _connection():
    from django.db import DEFAULT_DB_ALIAS, connections

    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        raise BackupError(
            "Back-up en herstel werken alleen met PostgreSQL, maar DATABASE_URL wijst naar "
            f"{connection.vendor} (niet ingesteld? Dan is het de lokale SQLite-demo). "
            "Zet DATABASE_URL=postgres://gebruiker@host:5432/database."
        )
    return connection


def _describe(connection) -> str:
    settings_dict = connection.settings_dict
    host = settings_dict.get("HOST") or "localhost"
    port = settings_dict.get("PORT") or "5432"
    return f"database '{settings_dict['NAME']}' op {host}:{port}"


def _tool(name: str) -> str:
    """The path of pg_dump/pg_restore: from PG_BINDIR when set, else from PATH."""
    bindir = os.environ.get("PG_BINDIR")
    path = shutil.which(name, path=bindir) if bindir else shutil.which(name)
    if path is None:
        where = f"in PG_BINDIR={bindir}" if bindir else "op het PATH"
        raise BackupError(
            f"{name} is niet gevonden {where}. Installeer de PostgreSQL-client met dezelfde hoofdversie "
            "als de server (Debian: apt-get install postgresql-client-<versie>), of wijs PG_BINDIR "
            "naar de map waarin hij staat."
        )
    return path


def _tool_version(path: str) -> str:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout  # noqa: S603
    match = re.search(r"\)\s+(\d+)(?:\.(\d+))?", output)
    if match is None:
        raise BackupError(f"Kon de versie van {path} niet lezen: {output.strip()!r}")
    return match.group(1) + (f".{match.group(2)}" if match.group(2) else "")


def _check_version(tool: str, connection) -> tuple[str, int]:
    """pg_dump/pg_restore must be of the server's major version: older cannot read, newer writes too new."""
    version = _tool_version(tool)
    try:
        connection.ensure_connection()
    except Exception as error:  # noqa: BLE001 - any failure to connect is reported the same way
        raise BackupError(f"Kan geen verbinding maken met {_describe(connection)}: {error}") from error
    server = connection.pg_version  # e.g. 150020
    if int(version.split(".")[0]) != server // 10000:
        raise BackupError(
            f"{Path(tool).name} is versie {version}, de server is PostgreSQL {server // 10000}. Gebruik de "
            f"client van versie {server // 10000} (PG_BINDIR=/usr/lib/postgresql/{server // 10000}/bin)."
        )
    return version, server


def _libpq_env(connection) -> dict[str, str]:
    """The environment that points pg_dump/pg_restore at exactly Django's database (password not on argv)."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"), ("PASSWORD", "PGPASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    for option, variable in LIBPQ_OPTIONS.items():
        if settings_dict.get("OPTIONS", {}).get(option) is not None:
            env[variable] = str(settings_dict["OPTIONS"][option])
    env["PGAPPNAME"] = "woonkans-backup"
    return env


def _run(command: list[str], *, env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(
            f"{Path(command[0]).name} is mislukt (exitcode {result.returncode}):\n{result.stderr.strip()}"
        )


def _applied_migrations(connection) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    state: dict[str, list[str]] = {}
    if recorder.has_table():
        for app, name in sorted(recorder.applied_migrations()):
            state.setdefault(app, []).append(name)
    return state


def _migrations_in_code():
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return set(loader.disk_migrations), set(loader.migrated_apps)


def _key_fingerprints() -> list[str]:
    """A short hash per FIELD_ENCRYPTION_KEY key: tells which keys the data needs, reveals nothing of them."""
    from django.conf import settings

    keys = [key.strip() for key in settings.FIELD_ENCRYPTION_KEY.split(",") if key.strip()]
    return [hashlib.sha256(b"woonkans backup key fingerprint\0" + key.encode()).hexdigest()[:16] for key in keys]


# --- the files ---------------------------------------------------------------------------------


def _private_root() -> Path:
    from django.conf import settings

    return Path(settings.PRIVATE_MEDIA_ROOT)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _archive_private_files(root: Path, target: Path, *, err) -> int:
    """Every regular file under root, as paths relative to it; returns the number of files."""
    count = 0
    with tarfile.open(target, "w:gz") as archive:
        if not root.is_dir():
            print(f"Let op: de bestandenmap {root} bestaat niet; de back-up bevat geen bestanden.", file=err)
            return 0
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = sorted(name for name in dirnames if not name.startswith(STAGING_PREFIX))
            for name in sorted(filenames):
                path = Path(dirpath) / name
                relative = path.relative_to(root).as_posix()
                if path.is_symlink() or not path.is_file():
                    print(f"Let op: {relative} is geen gewoon bestand en is overgeslagen.", file=err)
                    continue
                info = archive.gettarinfo(str(path), arcname=relative)
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                with path.open("rb") as stream:
                    archive.addfile(info, stream)
                count += 1
    return count


def _check_archive(path: Path) -> int:
    """Refuse an archive that could write outside the private root or make links; returns the file count."""
    count = 0
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                parts = PurePosixPath(member.name).parts
                if (
                    not (member.isfile() or member.isdir())
                    or member.name.startswith("/")
                    or ".." in parts
                    or (parts and parts[0].startswith(STAGING_PREFIX))
                ):
                    raise BackupError(f"Het bestandenarchief bevat een ongeldig item: {member.name!r}")
                count += member.isfile()
    except tarfile.TarError as error:
        raise BackupError(f"Het bestandenarchief is onleesbaar: {error}") from error
    return count


def _restore_private_files(archive_path: Path, root: Path) -> None:
    """Make root hold exactly the archive's files: extract aside first, then swap."""
    root.mkdir(parents=True, exist_ok=True, mode=0o700)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=root))
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            if hasattr(tarfile, "data_filter"):
                archive.extractall(staging, filter="data")
            else:  # Python < 3.11.4; _check_archive already refused links and escaping paths
                archive.extractall(staging)  # noqa: S202
        for dirpath, dirnames, filenames in os.walk(staging):
            for name in dirnames:
                os.chmod(Path(dirpath) / name, 0o700)
            for name in filenames:
                os.chmod(Path(dirpath) / name, 0o600)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
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


# --- backup ------------------------------------------------------------------------------------


def create_backup(base_dir: Path, *, out=sys.stdout, err=sys.stderr) -> Path:
    """Dump the database and archive the private files into a new folder under base_dir; return it."""
    connection = _connection()
    pg_dump = _tool("pg_dump")
    pg_dump_version, server_version = _check_version(pg_dump, connection)
    if not base_dir.exists():
        base_dir.mkdir(parents=True, mode=0o700)
    created_at = datetime.now(UTC)
    name = f"woonkans-{created_at:%Y%m%dT%H%M%SZ}"
    final = base_dir / name
    if final.exists():
        raise BackupError(f"{final} bestaat al; probeer het over een seconde opnieuw.")
    # Built under a hidden name and renamed when complete: a half backup never looks like one.
    work = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=base_dir))
    try:
        migrations = _applied_migrations(connection)
        env = _libpq_env(connection)
        database = connection.settings_dict["NAME"]
        connection.close()
        print(f"Database dumpen: {_describe(connection)} ...", file=out)
        # Database first, files second: a file uploaded in between is a harmless extra,
        # while the other order could miss the file of a row that is in the dump.
        _run(
            [pg_dump, "--format=custom", "--no-password", f"--file={work / DATABASE_PART}", f"--dbname={database}"],
            env=env,
        )
        root = _private_root()
        print(f"Bestanden inpakken: {root} ...", file=out)
        file_count = _archive_private_files(root, work / FILES_PART, err=err)
        parts = {}
        for part in PARTS:
            os.chmod(work / part, 0o600)
            parts[part] = {"sha256": _sha256(work / part), "bytes": (work / part).stat().st_size}
        parts[FILES_PART]["files"] = file_count
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": created_at.isoformat(),
            "database": {
                "name": database,
                "server_version": server_version,
                "pg_dump_version": pg_dump_version,
            },
            "parts": parts,
            "migrations": migrations,
            "field_encryption_key_fingerprints": _key_fingerprints(),
        }
        descriptor = os.open(work / MANIFEST, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as stream:
            json.dump(manifest, stream, indent=2, sort_keys=True)
            stream.write("\n")
        os.chmod(work, 0o700)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    print(f"Back-up klaar: {final} ({file_count} bestanden). Bevat persoonsgegevens: bewaar hem versleuteld.", file=out)
    print("FIELD_ENCRYPTION_KEY zit er NIET in: bewaar die sleutel apart, anders is herstel zinloos.", file=out)
    return final


# --- restore -----------------------------------------------------------------------------------


def verify_backup(path: Path) -> dict:
    """The manifest of a complete, undamaged backup folder; BackupError otherwise."""
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(f"Geen back-up in {path}: {MANIFEST} ontbreekt.") from None
    except (OSError, ValueError) as error:
        raise BackupError(f"{path / MANIFEST} is onleesbaar: {error}") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{path / MANIFEST} heeft een onbekend formaat.")
    parts = manifest.get("parts") or {}
    if set(parts) != set(PARTS):
        raise BackupError(f"Het manifest noemt {sorted(parts)}, verwacht {sorted(PARTS)}.")
    for part in PARTS:
        if not (path / part).is_file():
            raise BackupError(f"{path / part} ontbreekt.")
        if _sha256(path / part) != parts[part].get("sha256"):
            raise BackupError(f"Controlesom van {part} klopt niet: de back-up is beschadigd of gewijzigd.")
    if _check_archive(path / FILES_PART) != parts[FILES_PART].get("files"):
        raise BackupError(f"{FILES_PART} bevat niet het aantal bestanden dat het manifest noemt.")
    return manifest


def restore_backup(path: Path, *, confirm: str, out=sys.stdout, err=sys.stderr) -> None:
    manifest = verify_backup(path)
    print(f"Controlesommen kloppen ({manifest['created_at']}).", file=out)

    from django.conf import settings
    from django.db import DEFAULT_DB_ALIAS, connections

    target = connections[DEFAULT_DB_ALIAS]
    if confirm != "yes":
        raise BackupError(
            f"Herstellen vervangt ALLE gegevens in {_describe(target)} en alle bestanden in "
            f"{settings.PRIVATE_MEDIA_ROOT} door die uit de back-up. Stop eerst web, worker en beat, "
            f"en bevestig met: make restore-dump BACKUP={path} CONFIRM=yes"
        )
    connection = _connection()

    disk_migrations, migrated_apps = _migrations_in_code()
    unknown = sorted(
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if app in migrated_apps and (app, name) not in disk_migrations
    )
    if unknown:
        raise BackupError(
            "De back-up komt van een nieuwere versie van het portaal (migraties die deze code niet kent: "
            f"{', '.join(unknown)}). Herstel met de code van die versie."
        )
    missing_keys = [key for key in manifest["field_encryption_key_fingerprints"] if key not in _key_fingerprints()]
    if missing_keys:
        raise BackupError(
            "FIELD_ENCRYPTION_KEY bevat niet alle sleutels waarmee deze back-up is versleuteld "
            f"(vingerafdrukken {', '.join(missing_keys)}); de versleutelde velden zouden onleesbaar zijn. "
            "Zet de sleutel van toen in FIELD_ENCRYPTION_KEY (meerdere sleutels: komma-gescheiden)."
        )

    pg_restore = _tool("pg_restore")
    _check_version(pg_restore, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        others = cursor.fetchone()[0]
    if others:
        print(f"Let op: nog {others} andere verbinding(en) met de database; herstel wacht op hun locks.", file=err)
    env = _libpq_env(connection)
    database = connection.settings_dict["NAME"]
    connection.close()

    print(f"Database herstellen: {_describe(connection)} ...", file=out)
    # One transaction: if anything fails, the database is left exactly as it was.
    _run(
        [
            pg_restore,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--no-password",
            f"--dbname={database}",
            str(path / DATABASE_PART),
        ],
        env=env,
    )
    root = _private_root()
    print(f"Bestanden herstellen: {root} ...", file=out)
    _restore_private_files(path / FILES_PART, root)

    restored = _applied_migrations(connection)
    if restored != manifest["migrations"]:
        raise BackupError("Na het herstel wijkt de migratiestand af van het manifest: controleer de database.")
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    print(f"Herstel klaar: {manifest['parts'][FILES_PART]['files']} bestanden.", file=out)
    if pending:
        print(f"Nog {len(pending)} migratie(s) uit te voeren: python manage.py migrate", file=out)


# --- command line ------------------------------------------------------------------------------


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/backup.py", description="Back-up en herstel van het portaal.")
    commands = parser.add_subparsers(dest="command", required=True)
    backup = commands.add_parser("backup", help="database en bestanden in een nieuwe back-upmap")
    backup.add_argument("--dir", default=os.environ.get("BACKUP_DIR") or "var/backups", help="standaard var/backups")
    restore = commands.add_parser("restore", help="een back-up terugzetten (vervangt alles)")
    restore.add_argument("backup", help="de back-upmap")
    restore.add_argument("--confirm", default="", help="'yes' om echt te herstellen")
    verify = commands.add_parser("verify", help="alleen de controlesommen nakijken")
    verify.add_argument("backup")
    args = parser.parse_args(argv)

    os.umask(0o077)  # whatever pg_dump or tar write is for this user only
    import django

    django.setup()
    try:
        if args.command == "backup":
            create_backup(Path(args.dir))
        elif args.command == "restore":
            if not args.backup:
                raise BackupError("Geef de back-up op: make restore-dump BACKUP=var/backups/woonkans-... CONFIRM=yes")
            restore_backup(Path(args.backup), confirm=args.confirm)
        else:
            manifest = verify_backup(Path(args.backup))
            print(f"In orde: back-up van {manifest['created_at']}.")
    except BackupError as error:
        print(f"FOUT: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
