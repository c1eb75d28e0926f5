"""The single mechanism for uploaded case files: content sniffing, limits, storage and download."""

import hashlib
import io
import re
import stat

import pytest
from django import forms
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.http import Http404

from woonkans.privacy import files
from woonkans.privacy.files import (
    ALLOWED_CONTENT_TYPES,
    PrivateFileField,
    StoredFile,
    UploadRejected,
    delete_private_file,
    get_private_storage,
    open_private_file,
    private_file_response,
    sanitize_filename,
    sniff_content_type,
    store_upload,
    validate_upload,
)

from ..pdfs import PDF, pdf_of_size

PNG = (
    b"\x89PNG\r\n\x1a\n"
    + b"\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00\x00\x00\x00IEND\xaeB`\x82"
)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 32 + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"This program cannot be run"
ZIP_HEADER = b"PK\x03\x04\x14\x00\x00\x00\x08\x00"

TYPE_MESSAGE = (
    "Alleen PDF-, JPEG- of PNG-bestanden zijn toegestaan. Dit bestand is geen van die drie "
    "(gekeken is naar de inhoud, niet naar de naam)."
)
EMPTY_MESSAGE = "Het bestand is leeg."


def upload(content, name="bestand.pdf", content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejection(uploaded_file):
    with pytest.raises(UploadRejected) as excinfo:
        validate_upload(uploaded_file)
    return excinfo.value


# --- content sniffing -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type", "expected_name"),
    [
        (PDF, "brief.pdf", "application/pdf", "brief.pdf"),
        (PNG, "foto.png", "image/png", "foto.png"),
        (JPEG, "foto.jpeg", "image/jpeg", "foto.jpg"),
    ],
)
def test_each_allowed_type_is_accepted(content, name, content_type, expected_name):
    assert validate_upload(upload(content, name, content_type)) == (content_type, expected_name)


def test_pdf_disguised_as_png_is_accepted_as_pdf_and_renamed():
    assert validate_upload(upload(PDF, "foto.png", "image/png")) == ("application/pdf", "foto.pdf")


def test_executable_named_pdf_is_refused_with_the_type_rule():
    error = rejection(upload(EXE, "brief.pdf", "application/pdf"))
    assert error.messages == [TYPE_MESSAGE]
    assert error.code == "upload_type"


def test_pdf_with_appended_zip_is_refused_as_polyglot():
    assert validate_upload(upload(PDF))[0] == "application/pdf"  # the same PDF without the ZIP passes
    polyglot = PDF + ZIP_HEADER + b"word/document.xml" + b"\x00" * 40
    assert rejection(upload(polyglot)).messages == [TYPE_MESSAGE]


def test_pdf_with_zip_in_front_is_refused():
    # %%EOF is still near the end, but an archive tool would read it as a ZIP.
    assert sniff_content_type(io.BytesIO(b"%PDF-1.4\n" + ZIP_HEADER + PDF)) is None


@pytest.mark.parametrize(
    "content",
    [
        b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>",
        b"%PDF-1.4\n<script>alert(document.cookie)</script>\n%%EOF\n",
        b"%PDF-1.4\n<HTML><BODY>hallo</BODY></HTML>\n%%EOF\n",
        PNG[:8] + b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>' + PNG[8:],
        PDF + b"<html><script>alert(1)</script>",  # markup appended after %%EOF
    ],
)
def test_markup_is_refused_whatever_the_name(content):
    assert rejection(upload(content, "brief.pdf", "application/pdf")).messages == [TYPE_MESSAGE]


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nno end marker",  # truncated PDF
        PNG[:-12],  # PNG without IEND
        JPEG[:-2],  # JPEG without end-of-image
        JPEG + b"\x00" * 100,  # far more padding than a scanner adds: room to hide data
        b"just some text named .pdf",
    ],
)
def test_incomplete_or_unknown_content_is_refused(content):
    assert sniff_content_type(io.BytesIO(content)) is None


def test_jpeg_with_a_little_trailing_padding_is_accepted():
    assert sniff_content_type(io.BytesIO(JPEG + b"\x00\x00\r\n")) == "image/jpeg"


def test_sniffing_restores_position_and_reads_in_bounded_chunks():
    class RecordingBytesIO(io.BytesIO):
        def __init__(self, content):
            super().__init__(content)
            self.reads = []

        def read(self, size=-1):
            self.reads.append(size)
            return super().read(size)

    big_pdf = RecordingBytesIO(pdf_of_size(3 * files.SCAN_CHUNK + 5))
    big_pdf.seek(500)
    assert sniff_content_type(big_pdf) == "application/pdf"
    assert big_pdf.tell() == 0
    # Never the whole file at once: the ends, then the body in chunks of at most SCAN_CHUNK.
    assert big_pdf.reads and all(0 < size <= files.SCAN_CHUNK for size in big_pdf.reads)
    assert big_pdf.reads.count(files.SCAN_CHUNK) >= 4  # the body in four chunks, plus the empty last read


# --- size and order of the rules --------------------------------------------------------------


def test_empty_file_is_refused():
    error = rejection(upload(b""))
    assert error.messages == [EMPTY_MESSAGE]
    assert error.code == "upload_empty"


def test_size_limit_is_inclusive_and_read_from_settings_at_call_time(settings):
    settings.UPLOAD_MAX_BYTES = 2000
    assert validate_upload(upload(pdf_of_size(2000)))[0] == "application/pdf"
    error = rejection(upload(pdf_of_size(2001)))
    assert error.code == "upload_too_large"
    assert error.messages == ["Dit bestand is groter dan 2 kB; upload een kleiner bestand."]


def test_size_message_names_the_configured_limit_in_mb(settings):
    settings.UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    error = rejection(upload(pdf_of_size(10 * 1024 * 1024 + 1)))
    assert error.messages == ["Dit bestand is groter dan 10 MB; upload een kleiner bestand."]


def test_size_is_checked_before_content(settings):
    settings.UPLOAD_MAX_BYTES = 10
    assert rejection(upload(EXE)).code == "upload_too_large"


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        ("C:\\Users\\x\\brief.pdf", "application/pdf", "brief.pdf"),
        ("brief\r\nSet-Cookie: x\x00.pdf", "application/pdf", "briefSet-Cookie_x.pdf"),
        ("factuur\u202efdp.exe", "image/png", "factuurfdp.png"),  # right-to-left override removed
        ("mijn scan (1).jpeg", "image/jpeg", "mijn_scan_1.jpg"),
        ("..", "application/pdf", "document.pdf"),
        ("", "image/png", "document.png"),
        (".bashrc", "application/pdf", "bashrc.pdf"),
        ("scan.png", "application/pdf", "scan.pdf"),
    ],
)
def test_sanitize_filename(name, content_type, expected):
    assert sanitize_filename(name, content_type) == expected


def test_sanitize_filename_limits_the_stem_and_keeps_the_extension():
    result = sanitize_filename("a" * 500 + ".pdf", "application/pdf")
    assert result == "a" * 80 + ".pdf"


def test_sanitize_filename_refuses_types_that_are_not_allowed():
    with pytest.raises(KeyError):
        sanitize_filename("index.html", "text/html")


# --- storage ----------------------------------------------------------------------------------


def test_private_storage_follows_the_setting_and_has_no_public_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"
    storage = get_private_storage()
    assert storage.location == str(tmp_path / "elsewhere")
    assert storage.file_permissions_mode == 0o600
    assert storage.directory_permissions_mode == 0o700


def test_store_upload_writes_a_random_name_with_owner_only_permissions(settings):
    content = pdf_of_size(3000)
    stored = store_upload(upload(content, "geheim-inkomen.png", "image/png"), folder="cases/42")

    assert isinstance(stored, StoredFile)
    assert re.fullmatch(r"cases/42/[0-9a-f]{32}\.pdf", stored.path)
    assert "geheim" not in stored.path
    assert stored.content_type == "application/pdf"
    assert stored.original_name == "geheim-inkomen.pdf"
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()

    on_disk = settings.PRIVATE_MEDIA_ROOT / stored.path
    assert on_disk.read_bytes() == content
    assert stat.S_IMODE(on_disk.stat().st_mode) == 0o600
    assert stat.S_IMODE(on_disk.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE((settings.PRIVATE_MEDIA_ROOT / "cases").stat().st_mode) == 0o700


def test_store_upload_gives_every_upload_its_own_name():
    first = store_upload(upload(PNG, "x.png", "image/png"), folder="cases")
    second = store_upload(upload(PNG, "x.png", "image/png"), folder="cases")
    assert first.path != second.path


def test_store_upload_streams_a_temporary_upload_and_hashes_it(settings):
    content = JPEG
    temporary = TemporaryUploadedFile("pasfoto.jpg", "image/jpeg", len(content), None)
    temporary.write(content)
    temporary.seek(0)
    try:
        stored = store_upload(temporary, folder="ids")
    finally:
        temporary.close()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    on_disk = settings.PRIVATE_MEDIA_ROOT / stored.path
    assert on_disk.read_bytes() == content
    assert stat.S_IMODE(on_disk.stat().st_mode) == 0o600


def test_store_upload_writes_nothing_for_a_refused_file(settings):
    with pytest.raises(UploadRejected):
        store_upload(upload(EXE), folder="cases/1")
    assert not settings.PRIVATE_MEDIA_ROOT.exists() or not any(settings.PRIVATE_MEDIA_ROOT.rglob("*"))


@pytest.mark.parametrize("folder", ["../outside", "/etc", "", "cases/../..", "cases/", "a b"])
def test_store_upload_refuses_odd_folders(folder):
    with pytest.raises(ValueError, match="folder"):
        store_upload(upload(PDF), folder=folder)


def test_open_private_file_returns_the_stored_bytes():
    stored = store_upload(upload(PNG, "a.png", "image/png"), folder="cases")
    with open_private_file(stored.path) as fileobj:
        assert fileobj.read() == PNG


def test_delete_private_file_removes_and_tolerates_missing(settings):
    stored = store_upload(upload(PDF), folder="cases")
    delete_private_file(stored.path)
    assert not (settings.PRIVATE_MEDIA_ROOT / stored.path).exists()
    delete_private_file(stored.path)  # already gone: no error
    delete_private_file("cases/never-existed.pdf")


def test_delete_private_file_refuses_paths_outside_the_root_and_folders(settings, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("blijf af")
    with pytest.raises(SuspiciousFileOperation):
        delete_private_file("../victim.txt")
    assert victim.exists()

    store_upload(upload(PDF), folder="cases")
    with pytest.raises(ValueError, match="Not a file"):
        delete_private_file("cases")
    assert (settings.PRIVATE_MEDIA_ROOT / "cases").is_dir()


# --- download ---------------------------------------------------------------------------------


@pytest.mark.django_db  # closing the response fires request_finished, which touches the DB connection
def test_private_file_response_is_a_locked_down_attachment():
    stored = store_upload(upload(PDF, "jaaropgave.pdf"), folder="cases")
    response = private_file_response(stored.path, filename="../jaar\r\nopgave.png", content_type=stored.content_type)
    try:
        assert response["Content-Disposition"] == 'attachment; filename="jaaropgave.pdf"'
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox; frame-ancestors 'none'"
        assert response["Cache-Control"] == "no-store"
        assert b"".join(response.streaming_content) == PDF
    finally:
        response.close()


def test_private_file_response_404_for_a_missing_file():
    with pytest.raises(Http404):
        private_file_response("cases/gone.pdf", filename="gone.pdf", content_type="application/pdf")


def test_private_file_response_refuses_paths_outside_the_root():
    with pytest.raises(SuspiciousFileOperation):
        private_file_response("../../etc/passwd", filename="x.pdf", content_type="application/pdf")


# --- form field -------------------------------------------------------------------------------


class DocumentForm(forms.Form):
    title = forms.CharField()
    document = PrivateFileField()


def test_form_field_shows_the_dutch_rule_next_to_the_field_and_keeps_other_data():
    form = DocumentForm(data={"title": "Loonstrook"}, files={"document": upload(EXE, "loon.pdf")})
    assert not form.is_valid()
    assert form.errors == {"document": [TYPE_MESSAGE]}
    assert form.cleaned_data["title"] == "Loonstrook"


def test_form_field_uses_our_empty_message_not_djangos():
    form = DocumentForm(data={"title": "Leeg"}, files={"document": upload(b"", "leeg.pdf")})
    assert not form.is_valid()
    assert form.errors["document"] == [EMPTY_MESSAGE]


def test_form_field_marks_an_accepted_upload_with_its_sniffed_type_and_clean_name():
    form = DocumentForm(data={"title": "Pas"}, files={"document": upload(PDF, "C:\\scans\\pas foto.png", "image/png")})
    assert form.is_valid(), form.errors
    document = form.cleaned_data["document"]
    assert document.sniffed_content_type == "application/pdf"
    assert document.clean_name == "pas_foto.pdf"


def test_form_field_hints_the_allowed_types_to_the_file_picker():
    accept = DocumentForm()["document"].field.widget.attrs["accept"]
    assert set(ALLOWED_CONTENT_TYPES) <= set(accept.split(","))


@pytest.mark.parametrize(
    "hidden",
    [
        b"<iframe src=x>",
        b"<body onload=alert(1)>",
        b"javascript:alert(1)",
        b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>",
        b"/OpenAction<</S/J#61vaScript/JS(app.alert(1))>>",
        b"/Launch<</F(cmd.exe)>>",
        b"/EmbeddedFiles<<>>",
    ],
)
def test_content_hidden_in_the_middle_of_a_big_pdf_is_refused(hidden):
    body = pdf_of_size(3 * files.SCAN_CHUNK)
    middle = len(body) // 2
    assert sniff_content_type(io.BytesIO(body[:middle] + hidden + body[middle:])) is None
    # Across a chunk boundary too.
    cut = files.SCAN_CHUNK - 3
    assert sniff_content_type(io.BytesIO(body[:cut] + hidden + body[cut:])) is None


def test_a_plain_pdf_with_harmless_names_is_accepted():
    body = pdf_of_size(2 * files.SCAN_CHUNK).replace(b"%%EOF", b"/Type/Catalog/OpenAction[3 0 R/Fit]\n%%EOF")
    assert sniff_content_type(io.BytesIO(body)) == "application/pdf"


@pytest.mark.django_db
def test_a_request_body_far_above_the_upload_limit_is_refused_before_it_is_read(client, settings):
    settings.REQUEST_MAX_BYTES = 1000
    response = client.post("/", data=b"x" * 2000, content_type="application/octet-stream")
    assert response.status_code == 413 and "te groot" in response.content.decode()
    assert client.post("/", data=b"x" * 10, content_type="application/octet-stream").status_code != 413
