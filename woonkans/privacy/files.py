"""The one way uploaded case files enter, live in and leave the portal.

Case files (ID scans, income statements, letters) are special personal data. They are judged by
their content, stored under random names outside the web root with owner-only permissions, and
only ever handed back as downloads that a browser will not render or execute.

An upload is read once, into memory (at most the size limit plus one byte), and every check and
the storage work on that one buffer: nothing can change between the check and the write.
"""

import hashlib
import os
import re
import unicodedata
import uuid
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.text import get_valid_filename
from django.utils.translation import gettext, gettext_lazy

from woonkans.privacy.pdf_check import check_pdf

ALLOWED_CONTENT_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
# What a person reads for a stored content type.
FILE_KIND_LABELS = {
    "application/pdf": gettext_lazy("PDF-document"),
    "image/jpeg": gettext_lazy("foto (JPEG)"),
    "image/png": gettext_lazy("afbeelding (PNG)"),
}

# The type is judged from the first and last bytes; the whole file is then searched for content
# that must not be anywhere in it. It is read in chunks of SCAN_CHUNK, and never past the limit.
SNIFF_WINDOW = 1024
SCAN_CHUNK = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Some scanners pad JPEGs after the end-of-image marker; more than this is something hidden.
JPEG_MAX_TRAILING_PADDING = 16
# Another format's header near either end means a file that one program reads as a PDF/image
# and another as an archive: a classic way to smuggle content past a type check.
FOREIGN_SIGNATURES = (
    b"PK\x03\x04",  # ZIP local file header (also DOCX, JAR, APK)
    b"PK\x05\x06",  # ZIP end of central directory: archive readers look for it at the end
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
)
# A ZIP reader finds the end-of-central-directory record up to a 64 KiB comment before the end.
ZIP_END_WINDOW = 22 + 65535
ZIP_END_RECORD = b"PK\x05\x06"
# Short markup markers are looked for at the ends only: in 10 MB of compressed image data a
# 4-byte pattern turns up by chance. Longer ones are looked for everywhere in the file.
MARKUP_MARKERS_AT_ENDS = (b"<svg",)
MARKUP_MARKERS = (
    b"<script",
    b"<html",
    b"<body",
    b"<iframe",
    b"<object",
    b"<embed",
    b"<!doctype html",
    b"<meta http-equiv",
    b"javascript:",
    b"onerror=",
    b"onload=",
)
# PDF names that make a reader run or launch something, or carry a hidden file. A first net over
# the raw bytes only: pdf_check parses every object, compressed ones included.
PDF_ACTIVE_NAMES = (b"/javascript", b"/launch", b"/embeddedfile", b"/richmedia")
# A PDF name may spell letters as #xx (/J#61vaScript); such names are decoded before comparing.
PDF_ESCAPED_NAME = re.compile(rb"/[^\s/<>\[\]()%{}]*#[0-9A-Fa-f]{2}[^\s/<>\[\]()%{}]*")
STEM_MAX_LENGTH = 80
FOLDER_PATTERN = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")


class UploadRejected(ValidationError):
    """An upload that breaks one of the rules; the message names the rule, in Dutch."""


def _read_once(fileobj, limit=None) -> bytes:
    """The file's bytes from the start, in one pass of bounded reads; never more than limit + 1."""
    fileobj.seek(0)
    chunks, total = [], 0
    while limit is None or total <= limit:
        want = SCAN_CHUNK if limit is None else min(SCAN_CHUNK, limit + 1 - total)
        chunk = fileobj.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    # Callers (and Django's storage) expect to read the file from the start afterwards.
    fileobj.seek(0)
    return b"".join(chunks)


def _escaped_pdf_name_is_active(data):
    for match in PDF_ESCAPED_NAME.finditer(data):
        name = re.sub(rb"#([0-9a-f]{2})", lambda hexpair: bytes([int(hexpair.group(1), 16)]), match.group(0))
        if any(name.startswith(active) for active in PDF_ACTIVE_NAMES):
            return True
    return False


def _sniff(data: bytes) -> tuple[str | None, bool]:
    """(content type judged from the bytes, or None if not allowed or a polyglot; PDF names seen raw)."""
    head, tail, zip_tail = data[:SNIFF_WINDOW], data[-SNIFF_WINDOW:], data[-ZIP_END_WINDOW:]
    if head.startswith(b"MZ"):  # Windows executable, whatever it is called
        return None, False
    if any(signature in head or signature in tail for signature in FOREIGN_SIGNATURES):
        return None, False
    if ZIP_END_RECORD in zip_tail:  # a ZIP appended behind a long comment
        return None, False
    head_lower, tail_lower = head.lower(), tail.lower()
    if any(marker in head_lower or marker in tail_lower for marker in MARKUP_MARKERS_AT_ENDS):
        return None, False

    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        content_type = "application/pdf"
    elif head.startswith(PNG_SIGNATURE) and b"IEND" in tail[-12:]:
        content_type = "image/png"
    elif head.startswith(b"\xff\xd8\xff"):
        trimmed = tail.rstrip(b" \t\r\n\x00")
        if not (trimmed.endswith(b"\xff\xd9") and len(tail) - len(trimmed) <= JPEG_MAX_TRAILING_PADDING):
            return None, False
        content_type = "image/jpeg"
    else:
        return None, False

    # Anywhere in the file: markup, or another format's header.
    lowered = data.lower()
    if any(marker in lowered for marker in MARKUP_MARKERS):
        return None, False
    if any(signature.lower() in lowered for signature in FOREIGN_SIGNATURES[:2]):
        return None, False
    raw_pdf_names = content_type == "application/pdf" and (
        any(name in lowered for name in PDF_ACTIVE_NAMES) or _escaped_pdf_name_is_active(lowered)
    )
    return content_type, raw_pdf_names


def sniff_content_type(fileobj) -> str | None:
    """The content type judged from the bytes only, or None if not allowed (or a polyglot).

    Looks at the bytes only; validate_upload also parses a PDF (pdf_check).
    """
    content_type, raw_pdf_names = _sniff(_read_once(fileobj))
    return None if raw_pdf_names else content_type


def _human_size(num_bytes: int) -> str:
    """'10 MB', '1,5 MB', '2 kB': the limit as a resident would read it (binary units, Dutch comma)."""
    for unit, factor in (("MB", 1024 * 1024), ("kB", 1024)):
        if num_bytes >= factor:
            text = f"{num_bytes / factor:.1f}".rstrip("0").rstrip(".").replace(".", ",")
            return f"{text} {unit}"
    return f"{num_bytes} bytes"


@dataclass(frozen=True)
class CheckedUpload:
    """An upload that passed every rule, with the bytes that were checked (the only ones stored)."""

    content: bytes
    content_type: str  # sniffed, never the browser's claim
    clean_name: str


def _type_rejected():
    return UploadRejected(
        gettext(
            "Alleen PDF-, JPEG- of PNG-bestanden zijn toegestaan. Dit bestand is geen van die drie "
            "(gekeken is naar de inhoud, niet naar de naam)."
        ),
        code="upload_type",
    )


def check_upload(uploaded_file) -> CheckedUpload:
    """Read the upload once and apply every rule to those bytes; raises UploadRejected naming the rule."""
    limit = settings.UPLOAD_MAX_BYTES  # read per call, so the setting can change without a restart
    # Measured from the bytes themselves rather than trusting a size attribute someone set.
    content = _read_once(uploaded_file, limit)
    if not content:
        raise UploadRejected(gettext("Het bestand is leeg."), code="upload_empty")
    if len(content) > limit:
        raise UploadRejected(
            gettext("Dit bestand is groter dan %(limit)s; upload een kleiner bestand.") % {"limit": _human_size(limit)},
            code="upload_too_large",
        )
    content_type, raw_pdf_names = _sniff(content)
    if content_type is None:
        raise _type_rejected()
    if content_type == "application/pdf":
        refusal = check_pdf(content)
        # The raw bytes name active content that the parser did not find (or could not parse):
        # a reader that repairs the file might find it. Trust neither.
        if raw_pdf_names and (refusal is None or refusal[0] == "upload_pdf_unreadable"):
            raise _type_rejected()
        if refusal is not None:
            code, message = refusal
            raise UploadRejected(message, code=code)
    return CheckedUpload(
        content=content, content_type=content_type, clean_name=sanitize_filename(uploaded_file.name, content_type)
    )


def validate_upload(uploaded_file) -> tuple[str, str]:
    """Return (sniffed content type, sanitised name) or raise UploadRejected naming the broken rule."""
    checked = check_upload(uploaded_file)
    return checked.content_type, checked.clean_name


def sanitize_filename(name, content_type: str) -> str:
    """A safe download name: no path, no control characters, and the extension of the real content."""
    extension = ALLOWED_CONTENT_TYPES[content_type]  # KeyError: only sniffed types may be named
    basename = str(name or "").replace("\\", "/").rsplit("/", 1)[-1]
    # Explicit rather than left to get_valid_filename's regex: Cc are control characters (header
    # injection), Cf includes the right-to-left override that makes "factuur\u202efdp.exe" look like a PDF.
    basename = "".join(char for char in basename if unicodedata.category(char) not in ("Cc", "Cf"))
    stem = os.path.splitext(basename)[0]
    try:
        stem = get_valid_filename(stem)
    except SuspiciousFileOperation:  # raised for "", "." and ".."
        stem = ""
    # Leading dots would hide the file on Unix; trailing dots are dropped by Windows.
    stem = stem[:STEM_MAX_LENGTH].strip(".") or "document"
    return f"{stem}{extension}"


def get_private_storage() -> FileSystemStorage:
    """Storage outside the web root, readable by the portal's own user only; built per call for tests."""
    return FileSystemStorage(
        location=settings.PRIVATE_MEDIA_ROOT,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


@dataclass(frozen=True)
class StoredFile:
    path: str  # relative to PRIVATE_MEDIA_ROOT; random, never derived from the upload's name
    content_type: str  # sniffed, never the browser's claim
    size: int
    original_name: str  # the sanitised upload name, for showing and for Content-Disposition
    sha256: str


def store_upload(uploaded_file, *, folder: str) -> StoredFile:
    """Validate and store an upload as <folder>/<random hex><ext>; raises UploadRejected.

    An upload that came through PrivateFileField was read and checked there: its checked bytes
    are stored as they are, without reading the file again.
    """
    # The folder comes from code (e.g. f"cases/{case.pk}"), never from the user: refuse anything odd.
    if not FOLDER_PATTERN.match(folder):
        raise ValueError(f"Invalid storage folder: {folder!r}")
    checked = getattr(uploaded_file, "checked_upload", None) or check_upload(uploaded_file)
    extension = ALLOWED_CONTENT_TYPES[checked.content_type]
    path = get_private_storage().save(f"{folder}/{uuid.uuid4().hex}{extension}", ContentFile(checked.content))
    return StoredFile(
        path=path,
        content_type=checked.content_type,
        size=len(checked.content),
        original_name=checked.clean_name,
        sha256=hashlib.sha256(checked.content).hexdigest(),
    )


def open_private_file(path: str) -> File:
    """Open a stored file for reading (binary); FileNotFoundError if it is gone."""
    return get_private_storage().open(path, "rb")


def delete_private_file(path: str) -> None:
    """Delete a stored file; a file that is already gone is fine (the goal is reached)."""
    storage = get_private_storage()
    # storage.path() raises SuspiciousFileOperation for paths outside the root. It would also
    # happily rmdir an (empty) folder, or the root itself: this function is for files only.
    if os.path.isdir(storage.path(path)):
        raise ValueError(f"Not a file: {path!r}")
    storage.delete(path)


def private_file_response(path: str, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored file as a download that the browser must not display, sniff, run or cache."""
    clean_name = sanitize_filename(filename, content_type)
    try:
        fileobj = open_private_file(path)
    except (FileNotFoundError, IsADirectoryError):
        raise Http404("Bestand niet gevonden.") from None  # no storage path in the message
    response = FileResponse(fileobj, as_attachment=True, filename=clean_name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox; frame-ancestors 'none'"
    response["Cache-Control"] = "no-store"
    return response


class PrivateFileField(forms.FileField):
    """A form file field that applies validate_upload, so its messages appear next to the field.

    On success the returned upload carries `sniffed_content_type`, `clean_name` and
    `checked_upload` (the checked bytes, which store_upload stores without reading the file again).
    """

    def __init__(self, **kwargs):
        # Let validate_upload own the "empty" rule too, so every refusal uses the same wording.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        # Only a hint for the browser's file picker; the content check decides.
        attrs = super().widget_attrs(widget)
        attrs.setdefault("accept", ",".join([*ALLOWED_CONTENT_TYPES, ".pdf", ".jpg", ".jpeg", ".png"]))
        return attrs

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not isinstance(uploaded, UploadedFile):  # nothing new uploaded: cleared, empty or initial
            return uploaded
        try:
            checked = check_upload(uploaded)
        except UploadRejected as rejected:
            raise ValidationError(rejected.message, code=rejected.code) from None
        uploaded.checked_upload = checked
        uploaded.sniffed_content_type = checked.content_type
        uploaded.clean_name = checked.clean_name
        return uploaded


def file_kind_label(content_type):
    """ "application/pdf" -> "PDF-document"; an unknown type reads as "bestand"."""
    return str(FILE_KIND_LABELS.get(content_type, gettext("bestand")))
