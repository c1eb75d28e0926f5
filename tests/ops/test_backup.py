"""`make dump` / `make restore-dump` (the portable pg_dump export): the real script, run as the operator runs it.

The PostgreSQL tests dump and restore pytest's own test database (settings.DATABASES at test time,
`test_<name>`), never another one, so they need committed data: transaction=True.
"""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from guarantee_fund import services as fund_services
from guarantee_fund.models import Claim, ClaimDocument, Fund, LedgerEntry
from referrals import services as referral_services
from referrals.models import Document, DocumentKind, Referral

from ..guarantee_fund.conftest import approved_claim, fund_with
from ..pdfs import build_pdf
from ..referrals.conftest import OTHER_BSN, make_ready

REPO = Path(__file__).resolve().parents[2]
TRIGGERS = {
    "guarantee_fund_ledgerentry_append_only",
    "audit_accesslog_append_only",
    "audit_loginevent_append_only",
}


def needs_postgres(test):
    """PostgreSQL, committed data; skipped on SQLite except in CI (CI_REQUIRE_POSTGRES), where it must run."""
    marks = [
        pytest.mark.postgres,
        pytest.mark.skipif(
            connection.vendor != "postgresql" and not os.environ.get("CI_REQUIRE_POSTGRES"),
            reason="pg_dump/pg_restore need PostgreSQL",
        ),
        pytest.mark.django_db(transaction=True, serialized_rollback=True),
        pytest.mark.usefixtures("rebuild_if_left_wiped"),
    ]
    for mark in marks:
        test = mark(test)
    return test


def database_url(settings_dict):
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    port = f":{settings_dict['PORT']}" if settings_dict.get("PORT") else ""
    return f"postgres://{credentials}{settings_dict.get('HOST') or ''}{port}/{quote(settings_dict['NAME'], safe='')}"


def run_script(*args, database=None, path=None):
    """scripts/backup.py in a fresh process, pointed at this test's database and private files."""
    env = dict(os.environ)
    env.pop("BACKUP_DIR", None)
    env.update(
        DATABASE_URL=database or database_url(connection.settings_dict),
        PRIVATE_MEDIA_ROOT=str(settings.PRIVATE_MEDIA_ROOT),
        FIELD_ENCRYPTION_KEY=settings.FIELD_ENCRYPTION_KEY,
        SECRET_KEY=settings.SECRET_KEY,
    )
    if path is not None:
        env["PATH"] = path
    connection.close()  # hold no connection (or lock) while pg_dump/pg_restore work
    return subprocess.run(
        [sys.executable, str(REPO / "scripts" / "backup.py"), *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def unique_pdf(label):
    """A valid small PDF whose bytes belong to this one document only."""
    return build_pdf(filler=b"% " + label.encode() + b" " + os.urandom(16).hex().encode() + b"\n")


def seed(people):
    """Two cases with documents, a claim with its invoice, a payout: money and files to lose."""
    treasurer = people["treasurer"]
    fund_with(5_000_000, treasurer=treasurer)
    claim = approved_claim(people)
    fund_services.pay_claim(
        actor=treasurer, claim=claim, paid_on=timezone.localdate(), reference="BET-0001", idempotency_key="bet-1"
    )
    second = make_ready(people["venray"], bsn=OTHER_BSN)
    for label in ("brief-bewindvoerder", "huurcontract"):
        referral_services.add_document(
            actor=people["venray"],
            referral=second,
            kind=DocumentKind.OTHER,
            uploaded_file=SimpleUploadedFile(f"{label}.pdf", unique_pdf(label), content_type="application/pdf"),
        )


def private_files():
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def snapshot():
    """What an operator must find back: every case, every stored file's bytes, the ledger and balance."""
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    documents = [*Document.objects.all(), *ClaimDocument.objects.all()]
    files = {document.path: (root / document.path).read_bytes() for document in documents}
    for document in documents:
        assert hashlib.sha256(files[document.path]).hexdigest() == document.sha256
    return {
        "cases": {
            referral.pk: (referral.status, referral.identity.family_name, referral.identity.bsn)
            for referral in Referral.objects.select_related("identity")
        },
        "files": files,
        "ledger": list(
            LedgerEntry.objects.order_by("pk").values_list(
                "pk", "kind", "amount_cents", "balance_after_cents", "reference", "idempotency_key"
            )
        ),
        "balance": Fund.get().balance_cents,
        "claims": list(Claim.objects.order_by("pk").values_list("pk", "status")),
    }


def make_backup(tmp_path):
    result = run_script("backup", "--dir", str(tmp_path / "backups"))
    assert result.returncode == 0, result.stderr
    (backup,) = (tmp_path / "backups").iterdir()
    return backup


def user_triggers():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def rebuild_if_left_wiped():
    """If a test fails between wiping and restoring, give the next tests their schema back."""
    yield
    connection.close()
    if "guarantee_fund_ledgerentry" not in connection.introspection.table_names():
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


@needs_postgres
def test_backup_wipe_restore_finds_every_case_file_and_ledger_entry(people, tmp_path):
    seed(people)
    before = snapshot()
    assert len(before["cases"]) == 2 and len(before["files"]) == 9 and len(before["ledger"]) == 2
    assert len(set(before["files"].values())) >= 3  # distinct bytes: a swapped file would show

    backup = make_backup(tmp_path)

    # Personal data: only the portal's user may read the backup.
    assert backup.stat().st_mode & 0o777 == 0o700
    assert {path.name: path.stat().st_mode & 0o777 for path in backup.iterdir()} == {
        "database.dump": 0o600,
        "private-files.tar.gz": 0o600,
        "manifest.json": 0o600,
    }
    manifest = json.loads((backup / "manifest.json").read_text())
    for part in ("database.dump", "private-files.tar.gz"):
        assert manifest["parts"][part]["sha256"] == hashlib.sha256((backup / part).read_bytes()).hexdigest()
    assert manifest["parts"]["private-files.tar.gz"]["files"] == 9
    assert "0002_fund_row_and_append_only_ledger" in manifest["migrations"]["guarantee_fund"]
    assert settings.FIELD_ENCRYPTION_KEY not in (backup / "manifest.json").read_text()

    # The disaster: the database is empty and the private files are gone.
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    shutil.rmtree(settings.PRIVATE_MEDIA_ROOT)
    assert connection.introspection.table_names() == []

    refused = run_script("restore", str(backup))
    assert refused.returncode == 1 and "CONFIRM=yes" in refused.stderr
    assert connection.introspection.table_names() == []  # nothing happened without the confirmation

    restored = run_script("restore", str(backup), "--confirm", "yes")
    assert restored.returncode == 0, restored.stderr

    assert snapshot() == before  # cases (encrypted BSN readable), file bytes, ledger, balance, claims
    assert private_files() == set(before["files"])
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    assert {(root / path).stat().st_mode & 0o777 for path in before["files"]} == {0o600}
    assert TRIGGERS <= user_triggers()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE guarantee_fund_ledgerentry SET amount_cents = 1")


@needs_postgres
def test_restore_over_a_changed_portal_returns_exactly_to_the_backup(people, tmp_path):
    seed(people)
    before = snapshot()
    backup = make_backup(tmp_path)

    # After the backup: a new case with its documents, a new ledger entry, and a lost file.
    make_ready(people["roermond"])
    fund_with(100_000, treasurer=people["treasurer"])
    lost = next(iter(before["files"]))
    (Path(settings.PRIVATE_MEDIA_ROOT) / lost).unlink()
    assert Referral.objects.count() == 3 and LedgerEntry.objects.count() == 3

    restored = run_script("restore", str(backup), "--confirm", "yes")
    assert restored.returncode == 0, restored.stderr

    assert snapshot() == before
    assert private_files() == set(before["files"])  # the new case's files are gone too
    assert TRIGGERS <= user_triggers()


# --- refusals: these need no PostgreSQL -------------------------------------------------------


def fake_backup(
    folder, *, members=(("referrals/abc/doc.pdf", b"%PDF-1.4\n%%EOF\n"),), migrations=None, fingerprints=()
):
    """A backup folder with a correct manifest around placeholder parts."""
    folder.mkdir(parents=True)
    (folder / "database.dump").write_bytes(b"PGDMP placeholder")
    with tarfile.open(folder / "private-files.tar.gz", "w:gz") as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    parts = {
        part: {"sha256": hashlib.sha256((folder / part).read_bytes()).hexdigest()}
        for part in ("database.dump", "private-files.tar.gz")
    }
    parts["private-files.tar.gz"]["files"] = len(members)
    manifest = {"format": 1, "created_at": "2026-11-01T02:00:00+00:00", "parts": parts}
    manifest["migrations"] = migrations or {}
    manifest["field_encryption_key_fingerprints"] = list(fingerprints)
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def test_backup_refuses_a_database_that_is_not_postgresql(tmp_path):
    result = run_script("backup", "--dir", str(tmp_path / "backups"), database=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 1
    assert "alleen met PostgreSQL" in result.stderr
    assert not (tmp_path / "backups").exists()


def test_backup_fails_loudly_without_pg_dump(tmp_path):
    empty_path = tmp_path / "bin"
    empty_path.mkdir()
    result = run_script(
        "backup",
        "--dir",
        str(tmp_path / "backups"),
        database="postgres://postgres@127.0.0.1:9/nergens",
        path=str(empty_path),
    )
    assert result.returncode == 1
    assert "pg_dump is niet gevonden" in result.stderr
    assert not (tmp_path / "backups").exists()


def test_restore_asks_for_confirmation_before_touching_anything(tmp_path):
    backup = fake_backup(tmp_path / "backup")
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    private.mkdir(parents=True)
    (private / "kept.pdf").write_bytes(b"still here")

    result = run_script("restore", str(backup), database="postgres://postgres@127.0.0.1:9/nergens")
    assert result.returncode == 1
    assert "Controlesommen kloppen" in result.stdout and "CONFIRM=yes" in result.stderr
    assert private_files() == {"kept.pdf"}

    not_postgres = run_script(
        "restore", str(backup), "--confirm", "yes", database=f"sqlite:///{tmp_path / 'db.sqlite3'}"
    )
    assert not_postgres.returncode == 1 and "alleen met PostgreSQL" in not_postgres.stderr
    assert private_files() == {"kept.pdf"}


def test_restore_refuses_a_damaged_backup(tmp_path):
    backup = fake_backup(tmp_path / "backup")
    assert run_script("verify", str(backup)).returncode == 0
    dump = backup / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-1] + b"X")

    result = run_script("restore", str(backup), "--confirm", "yes")
    assert result.returncode == 1
    assert "Controlesom van database.dump klopt niet" in result.stderr


@pytest.mark.parametrize("name", ["../buiten.pdf", "/etc/cron.d/x"])
def test_restore_refuses_an_archive_that_writes_outside_the_private_folder(tmp_path, name):
    backup = fake_backup(tmp_path / "backup", members=((name, b"x"),))
    result = run_script("restore", str(backup), "--confirm", "yes")
    assert result.returncode == 1
    assert "ongeldig item" in result.stderr


@pytest.mark.parametrize(
    ("manifest", "message"),
    [
        ({"fingerprints": ["0123456789abcdef"]}, "FIELD_ENCRYPTION_KEY bevat niet alle sleutels"),
        ({"migrations": {"guarantee_fund": ["0001_initial", "9999_from_the_future"]}}, "nieuwere versie"),
    ],
    ids=["other-encryption-key", "newer-code"],
)
def test_restore_refuses_a_backup_it_could_not_make_usable(tmp_path, manifest, message):
    backup = fake_backup(tmp_path / "backup", **manifest)
    # An unreachable PostgreSQL: the refusal must come before any connection is made.
    result = run_script("restore", str(backup), "--confirm", "yes", database="postgres://postgres@127.0.0.1:9/nergens")
    assert result.returncode == 1
    assert message in result.stderr
