"""Real PDFs for upload tests, written byte by byte so a test controls exactly what is inside.

`build_pdf` writes a classic file (objects in the clear, an xref table with correct offsets);
`build_pdf_with_object_stream` packs the objects into one FlateDecode'd object stream with an
xref stream, as modern writers do, so none of their names appear in the raw bytes.
"""

import io
import zlib

from pypdf import PdfWriter

TEXT = b"BT /F1 12 Tf 20 100 Td (Verklaring van de verhuurder) Tj ET"
PAGE_OBJECTS = {
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R"
    b" /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
    4: b"<< /Length %d >>\nstream\n%s\nendstream" % (len(TEXT), TEXT),
}


def _objects(catalog, extra):
    return {1: b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>", **PAGE_OBJECTS, **(extra or {})}


def build_pdf(*, catalog=b"", extra=None, filler=b""):
    """A one-page PDF; `catalog` adds entries to the catalog, `extra` adds objects, `filler` comment lines."""
    objects = _objects(catalog, extra)
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + filler)
    offsets = {}
    for number in sorted(objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, objects[number]))
    size = max(objects) + 1
    xref_at = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
    for number in range(1, size):
        out.write(b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n")
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref_at))
    return out.getvalue()


def build_pdf_with_object_stream(*, catalog=b"", extra=None):
    """The same document with every object (pages and catalog too) inside one compressed object stream."""
    objects = _objects(catalog, extra)
    stream_objects = {n: body for n, body in objects.items() if b"stream" not in body}
    plain_objects = {n: body for n, body in objects.items() if n not in stream_objects}  # streams cannot be packed
    numbers = sorted(stream_objects)
    header, bodies = [], b""
    for number in numbers:
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += stream_objects[number] + b"\n"
    header_bytes = b" ".join(header) + b"\n"
    packed = zlib.compress(header_bytes + bodies)
    objstm_number = max(objects) + 1
    xref_number = objstm_number + 1

    out = io.BytesIO()
    out.write(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(plain_objects):
        offsets[number] = out.tell()
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, plain_objects[number]))
    offsets[objstm_number] = out.tell()
    out.write(
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (objstm_number, len(numbers), len(header_bytes), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    offsets[xref_number] = out.tell()
    rows = b""
    for number in range(xref_number + 1):
        if number in stream_objects:
            rows += bytes([2]) + objstm_number.to_bytes(4, "big") + numbers.index(number).to_bytes(2, "big")
        elif number in offsets:
            rows += bytes([1]) + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")
    rows = zlib.compress(rows)
    out.write(
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Filter /FlateDecode /Length %d >>\nstream\n"
        % (xref_number, xref_number + 1, len(rows))
        + rows
        + b"\nendstream\nendobj\n"
    )
    out.write(b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number])
    return out.getvalue()


def pdf_of_size(size):
    """A real one-page PDF of exactly `size` bytes (padded with a comment line after the header)."""
    padding = 0
    while True:
        content = build_pdf(filler=b"%" + b"x" * padding + b"\n")
        if len(content) == size:
            return content
        padding += size - len(content)
        if padding < 0:
            raise ValueError(f"a PDF cannot be smaller than {len(content) - padding} bytes")


def written_pdf(build=None):
    """A PDF made by pypdf's own writer, after `build(writer)` added to it."""
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    if build is not None:
        build(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF = build_pdf()
