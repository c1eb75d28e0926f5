"""PDF uploads are parsed: active content is refused wherever it sits, compressed object streams included.

The PDFs are built here: by hand (tests/pdfs.py), so a test decides exactly which object holds
what and whether it is packed in a FlateDecode'd object stream, or by pypdf's own writer.
"""

import io

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf.actions import JavaScript

from woonkans.privacy import pdf_check
from woonkans.privacy.files import PrivateFileField, UploadRejected, check_upload, sniff_content_type, store_upload

from ..pdfs import PDF, build_pdf, build_pdf_with_object_stream, written_pdf

ACTIVE = "Dit PDF-bestand bevat onderdelen die iets kunnen starten of meesturen"
ENCRYPTED = "Dit PDF-bestand is beveiligd met een wachtwoord of versleuteld"
UNREADABLE = "Dit PDF-bestand kan niet worden gelezen"
TOO_COMPLEX = "Dit PDF-bestand is te ingewikkeld om te controleren"

JS_ACTION = b"<< /S /JavaScript /JS (app.launchURL('https://example.com/' + this.info.Title)) >>"


def upload(content, name="verklaring.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def refusal(content):
    with pytest.raises(UploadRejected) as excinfo:
        check_upload(upload(content))
    [message] = excinfo.value.messages
    return excinfo.value.code, message


def assert_no_active_name_in_the_raw_bytes(content):
    # What the byte scan looks for is not there: only parsing the object stream finds it.
    lowered = content.lower()
    assert not any(name in lowered for name in (b"javascript", b"/js", b"launch", b"openaction", b"embedded", b"/aa"))
    assert sniff_content_type(io.BytesIO(content)) == "application/pdf"


# --- accepted ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        PDF,
        build_pdf_with_object_stream(),
        written_pdf(),
        build_pdf(catalog=b"/OpenAction [3 0 R /Fit]"),  # open at page 1: a destination, no action
        build_pdf(catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] >>"),
        # A link the reader has to click is not an automatic action.
        build_pdf(
            catalog=b"/Names << /Dests << /Names [] >> >>",
            extra={5: b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://venlo.nl) >> >>"},
        ),
    ],
)
def test_a_plain_pdf_is_accepted(content):
    checked = check_upload(upload(content))
    assert checked.content_type == "application/pdf" and checked.content == content


# --- JavaScript, launch, embedded files, rich media --------------------------------------------

HIDDEN_IN_AN_OBJECT_STREAM = {
    "script when opened": {"catalog": b"/OpenAction 5 0 R", "extra": {5: JS_ACTION}},
    "document-level script": {
        "catalog": b"/Names << /JavaScript 6 0 R >>",
        "extra": {5: JS_ACTION, 6: b"<< /Names [(a) 5 0 R] >>"},
    },  # noqa: E501
    "script on a page trigger": {
        "extra": {5: b"<< /Type /Annot /Subtype /Widget /Rect [0 0 1 1] /AA << /PO 6 0 R >> >>", 6: JS_ACTION}
    },  # noqa: E501
    "script behind a link": {"extra": {5: b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A 6 0 R >>", 6: JS_ACTION}},
    "script in an object nothing refers to": {"extra": {5: JS_ACTION}},
    "script with an escaped name": {"catalog": b"/OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >>"},
    "launch when opened": {"catalog": b"/OpenAction << /S /Launch /F (cmd.exe) /Win << /F (cmd.exe) >> >>"},
    "web request when opened": {"catalog": b"/OpenAction << /S /URI /URI (https://example.com/volg) >>"},
    "embedded file": {
        "catalog": b"/Names << /EmbeddedFiles << /Names [(a.exe) 5 0 R] >> >>",
        "extra": {
            5: b"<< /Type /Filespec /F (a.exe) /EF << /F 6 0 R >> >>",
            6: b"<< /Length 0 >>\nstream\n\nendstream",
        },
    },  # noqa: E501
    "file attachment annotation": {
        "extra": {
            5: b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 1 1] /FS 6 0 R >>",
            6: b"<< /Type /Filespec /F (x.bat) >>",
        }
    },  # noqa: E501
    "rich media": {"extra": {5: b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 1 1] >>"}},
    "xml form": {
        "catalog": b"/AcroForm << /Fields [] /XFA 5 0 R >>",
        "extra": {5: b"<< /Length 0 >>\nstream\n\nendstream"},
    },  # noqa: E501
}


@pytest.mark.parametrize("case", HIDDEN_IN_AN_OBJECT_STREAM)
def test_active_content_only_inside_a_compressed_object_stream_is_refused(case):
    content = build_pdf_with_object_stream(**HIDDEN_IN_AN_OBJECT_STREAM[case])
    assert_no_active_name_in_the_raw_bytes(content)
    code, message = refusal(content)
    assert code == "upload_pdf_active" and message.startswith(ACTIVE)


@pytest.mark.parametrize("case", HIDDEN_IN_AN_OBJECT_STREAM)
def test_active_content_in_plain_objects_is_refused_too(case):
    with pytest.raises(UploadRejected):
        check_upload(upload(build_pdf(**HIDDEN_IN_AN_OBJECT_STREAM[case])))


@pytest.mark.parametrize(
    "build",
    [
        pytest.param(lambda writer: writer.add_open_action(JavaScript("app.alert(1)")), id="javascript"),
        pytest.param(lambda writer: writer.add_attachment("factuur.exe", b"MZ\x90\x00"), id="attachment"),
    ],
)
def test_what_pypdfs_writer_adds_is_refused_with_the_active_content_message(build):
    code, message = refusal(written_pdf(build))
    assert code == "upload_pdf_active" and message.startswith(ACTIVE)


# --- encrypted, unreadable, too big to check ---------------------------------------------------


@pytest.mark.parametrize("password", ["geheim", ""], ids=["with a password", "restrictions only"])
def test_an_encrypted_pdf_is_refused(password):
    code, message = refusal(written_pdf(lambda writer: writer.encrypt(password)))
    assert code == "upload_pdf_encrypted" and message.startswith(ENCRYPTED)


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n% looks like a PDF at both ends, but has no objects\n%%EOF\n",
        build_pdf_with_object_stream().replace(b"/FlateDecode", b"/LZWDecode", 1),  # an object stream that won't unpack
    ],
)
def test_a_pdf_that_cannot_be_parsed_is_refused(content):
    code, message = refusal(content)
    assert code == "upload_pdf_unreadable" and message.startswith(UNREADABLE)


def test_a_decompression_bomb_in_an_object_stream_is_refused(monkeypatch):
    monkeypatch.setitem(pdf_check.PYPDF_LIMITS, "zlib_maximum_output_length", 100_000)
    bomb = build_pdf_with_object_stream(extra={5: b"(" + b" " * 1_000_000 + b")"})
    assert len(bomb) < 10_000
    code, message = refusal(bomb)
    assert code == "upload_pdf_too_complex" and message.startswith(TOO_COMPLEX)


def test_too_many_objects_are_refused(monkeypatch):
    monkeypatch.setattr(pdf_check, "MAX_OBJECTS", 20)
    many = build_pdf_with_object_stream(extra={number: b"<< /N %d >>" % number for number in range(5, 40)})
    assert refusal(many)[0] == "upload_pdf_too_complex"
    monkeypatch.setattr(pdf_check, "MAX_OBJECTS", 100)
    assert check_upload(upload(many)).content_type == "application/pdf"


def test_the_check_stops_when_its_time_is_up(monkeypatch):
    monkeypatch.setattr(pdf_check, "TIME_BUDGET_SECONDS", -1)
    assert refusal(PDF)[0] == "upload_pdf_too_complex"


# --- one read ----------------------------------------------------------------------------------


class CountingUpload(SimpleUploadedFile):
    """Counts every byte read from the upload."""

    bytes_read = 0

    def read(self, *args):
        data = super().read(*args)
        self.bytes_read += len(data)
        return data

    def chunks(self, chunk_size=None):
        for chunk in super().chunks(chunk_size):
            self.bytes_read += len(chunk)
            yield chunk


class DocumentForm(forms.Form):
    document = PrivateFileField()


def test_an_upload_is_read_once_from_the_form_field_to_storage(settings):
    content = build_pdf(filler=b"%" + b"x" * 3 * 1024 * 1024 + b"\n")
    uploaded = CountingUpload("jaaropgave.pdf", content, content_type="application/pdf")
    form = DocumentForm(data={}, files={"document": uploaded})
    assert form.is_valid(), form.errors
    stored = store_upload(form.cleaned_data["document"], folder="cases")
    assert uploaded.bytes_read == len(content)  # checked and stored from one read
    assert (settings.PRIVATE_MEDIA_ROOT / stored.path).read_bytes() == content


def test_a_huge_upload_is_read_no_further_than_the_limit(settings):
    settings.UPLOAD_MAX_BYTES = 4096
    uploaded = CountingUpload("groot.pdf", PDF + b"%" * 100_000 + b"\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(UploadRejected):
        check_upload(uploaded)
    assert uploaded.bytes_read == 4097
