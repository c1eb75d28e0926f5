"""Open an uploaded PDF with pypdf and refuse it when any object could run, launch or carry something.

Looking for "/JavaScript" in the raw bytes (files.py still does, as a first net) misses everything
inside a compressed object stream. Here every object is parsed: the ones the cross-reference
lists (including those packed in object streams, which pypdf unpacks), everything they refer to,
and the trailer. Any dictionary key or name value that makes a reader run script, launch a
program, carry a file or play rich media refuses the file; so does an automatic action (the
document's /OpenAction, an /AA trigger) that does more than go to a page.

A hostile PDF may also try to exhaust the server: pypdf's decompression limits are lowered to
what an upload can need, and the walk stops at an object count and a time budget.
"""

import time
from collections import deque
from io import BytesIO

from django.utils.translation import gettext
from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

# Names that have no business in a letter, an invoice or a scanned statement, as a key
# ("/JS (code)", "/EmbeddedFiles <<...>>") or as a value ("/S /Launch", "/Subtype /RichMedia").
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/EF",  # the embedded-file stream of a file specification (its /Type is optional)
        "/FileAttachment",
        "/RichMedia",
        "/RichMediaContent",
        "/RichMediaExecute",
        "/XFA",  # an XML form, which may carry script
        "/ImportData",
        "/SubmitForm",
        "/GoToE",  # go to an embedded document
        "/Rendition",
        "/Movie",
        "/Sound",
        "/3D",
    }
)
# Keys whose action runs without the reader clicking anything.
AUTOMATIC_ACTION_KEYS = ("/OpenAction", "/AA")
# The only automatic action allowed: showing a page (a destination array, or /S /GoTo).
HARMLESS_AUTOMATIC_ACTIONS = frozenset({"/GoTo"})

# Budgets for one upload. A real case document has hundreds to a few thousand objects.
MAX_OBJECTS = 100_000
TIME_BUDGET_SECONDS = 5.0
# Per decoded stream; only object and cross-reference streams are decoded here.
MAX_DECODED_BYTES = 20 * 1024 * 1024
PYPDF_LIMITS = {
    "maximum_declared_stream_length": MAX_DECODED_BYTES,
    "array_based_stream_maximum_output_length": MAX_DECODED_BYTES,
    "zlib_maximum_output_length": MAX_DECODED_BYTES,
    "zlib_maximum_recovery_input_length": MAX_DECODED_BYTES,
    "lzw_maximum_output_length": MAX_DECODED_BYTES,
    "run_length_maximum_output_length": MAX_DECODED_BYTES,
    "brotli_maximum_output_length": MAX_DECODED_BYTES,
    "jbig2_maximum_output_length": MAX_DECODED_BYTES,
    "stream_decoding_work_maximum_length": 4 * MAX_DECODED_BYTES,
    "array_maximum_element_count": MAX_OBJECTS,
    "dictionary_maximum_element_count": MAX_OBJECTS,
}


class _TooComplex(Exception):
    pass


def _refusal(code):
    messages = {
        "upload_pdf_encrypted": gettext(
            "Dit PDF-bestand is beveiligd met een wachtwoord of versleuteld, zodat de inhoud niet gecontroleerd kan "
            "worden. Sla het op zonder beveiliging (bijvoorbeeld met 'Afdrukken als PDF') en upload het opnieuw."
        ),
        "upload_pdf_unreadable": gettext(
            "Dit PDF-bestand kan niet worden gelezen; het is mogelijk beschadigd. Sla het opnieuw op als PDF "
            "(bijvoorbeeld met 'Afdrukken als PDF') en upload het opnieuw."
        ),
        "upload_pdf_active": gettext(
            "Dit PDF-bestand bevat onderdelen die iets kunnen starten of meesturen (zoals JavaScript, een programma, "
            "een bijgevoegd bestand of multimedia) en wordt daarom niet aangenomen. Sla het op met 'Afdrukken als "
            "PDF' en upload die versie."
        ),
        "upload_pdf_too_complex": gettext(
            "Dit PDF-bestand is te ingewikkeld om te controleren. Sla het op met 'Afdrukken als PDF' en upload die "
            "versie."
        ),
    }
    return code, messages[code]


def _is_harmless_automatic_action(value):
    if isinstance(value, ArrayObject):  # a destination: open at this page
        return True
    if isinstance(value, DictionaryObject):
        return value.get("/S") in HARMLESS_AUTOMATIC_ACTIONS
    return False


def _is_active(dictionary, resolve):
    """True when this dictionary itself makes a reader act: an active name, or an automatic action."""
    for key, value in dictionary.items():
        if key in ACTIVE_NAMES or (isinstance(value, NameObject) and value in ACTIVE_NAMES):
            return True
        if key == "/OpenAction" and not _is_harmless_automatic_action(resolve(value)):
            return True
        if key == "/AA":
            triggers = resolve(value)
            if not isinstance(triggers, DictionaryObject):
                return True
            if not all(_is_harmless_automatic_action(resolve(action)) for action in triggers.values()):
                return True
    return False


def _walk(reader, deadline):
    """True as soon as any reachable or listed object is active; every object is visited once."""
    pending = deque([reader.trailer])
    seen = set()

    def enqueue_reference(reference):
        key = (reference.idnum, reference.generation)
        if key not in seen:
            seen.add(key)
            if len(seen) > MAX_OBJECTS:
                raise _TooComplex
            pending.append(reference)

    def resolve(value):
        if isinstance(value, IndirectObject):
            enqueue_reference(value)  # walked for its own content as well
            return reader.get_object(value)
        return value

    for generation, entries in reader.xref.items():
        for number in entries:
            enqueue_reference(IndirectObject(number, generation, reader))
    for number in reader.xref_objStm:  # objects packed in (compressed) object streams
        enqueue_reference(IndirectObject(number, 0, reader))

    while pending:
        if time.monotonic() > deadline:
            raise _TooComplex
        item = pending.popleft()
        if isinstance(item, IndirectObject):
            item = reader.get_object(item)
        # Walk this object's direct content; references are queued and read once, on their own.
        stack = [item]
        while stack:
            value = stack.pop()
            if isinstance(value, IndirectObject):
                enqueue_reference(value)
            elif isinstance(value, DictionaryObject):  # streams are dictionaries too
                if _is_active(value, resolve):
                    return True
                stack.extend(value.values())
            elif isinstance(value, ArrayObject):
                stack.extend(value)
            elif isinstance(value, NameObject) and value in ACTIVE_NAMES:
                return True
    return False


def _refusal_code(content):
    try:
        with apply_configuration(**PYPDF_LIMITS):
            reader = PdfReader(BytesIO(content), strict=False)
            if reader.is_encrypted:
                return "upload_pdf_encrypted"
            if len(reader.pages) == 0:  # no page tree: nothing a reader would show
                return "upload_pdf_unreadable"
            if _walk(reader, time.monotonic() + TIME_BUDGET_SECONDS):
                return "upload_pdf_active"
    except (_TooComplex, LimitReachedError, MemoryError, RecursionError):
        return "upload_pdf_too_complex"
    except Exception:  # noqa: BLE001 - what pypdf cannot parse, the portal cannot vouch for
        return "upload_pdf_unreadable"
    return None


def check_pdf(content: bytes):
    """None for a PDF without active content, else (code, Dutch message) saying why it is refused."""
    code = _refusal_code(content)
    return None if code is None else _refusal(code)
