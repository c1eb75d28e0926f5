"""Just enough PDF text extraction for WeasyPrint output, so tests can read what a PDF says."""

import re
import zlib


def inflate(pdf: bytes) -> list[bytes]:
    """The PDF's streams, decompressed: content, fonts' ToUnicode maps, object streams (metadata)."""
    streams = []
    for raw in re.findall(rb"stream\n(.*?)\nendstream", pdf, re.S):
        try:
            streams.append(zlib.decompress(raw))
        except zlib.error:
            continue
    return streams


def pdf_text(pdf: bytes) -> str:
    """Just enough text extraction for WeasyPrint's output (pypdf is not installed): TJ glyphs via ToUnicode."""
    streams = inflate(pdf)
    to_unicode = {}
    for stream in streams:
        for cid, text in re.findall(rb"^<([0-9a-f]{4})> <([0-9a-f]+)>$", stream, re.M):
            to_unicode[cid] = bytes.fromhex(text.decode()).decode("utf-16-be")
    lines = []
    for stream in streams:
        for array in re.findall(rb"\[(.*?)\] TJ", stream, re.S):
            glyphs = b"".join(re.findall(rb"<([0-9a-f]+)>", array))
            lines.append("".join(to_unicode.get(glyphs[i : i + 4], "?") for i in range(0, len(glyphs), 4)))
    return "\n".join(lines)
