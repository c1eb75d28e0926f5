"""Scan free text for directly identifying data before a profile is shared.

A regional regisseur writes a pseudonymised mediation profile about a resident.
Before that profile goes to the housing corporations, its free-text sections are
scanned here for data that identifies the resident directly: a BSN, a date (of
birth), a phone number, an e-mail address, a postcode (with house number), a
street with a house number, an IBAN or the resident's own name.

The scan only *informs* the regisseur: findings are highlighted so they can be
rewritten, or overridden one by one with a reason. It never blocks on its own;
the decision and the logging of an override (with its reason) live elsewhere,
and ``fingerprint`` lets such an override be remembered across later edits.

The detectors are deliberately conservative about numbers that are *not*
identifying: a year alone ("sinds 2019"), an amount ("€ 612,50"), a frequency
("1-2 keer per week") or a 9-digit number that fails the 11-test is not flagged.
They are heuristics, not a guarantee that a text is free of identifying data.

Pure Python (``re`` and ``unicodedata``); no database access.
"""

import bisect
import re
from collections.abc import Iterable, Mapping

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from woonkans.privacy import crypto

from .addresses import _scan_addresses, _scan_postcodes
from .kinds import KINDS, LABEL_BARE_POSTCODE, LABELS, Finding
from .names import _fold, _name_patterns, _scan_names
from .numbers import _scan_bsn, _scan_dates, _scan_emails, _scan_ibans, _scan_phones, iban_is_valid

__all__ = [
    "KINDS",
    "LABELS",
    "LABEL_BARE_POSTCODE",
    "Finding",
    "fingerprint",
    "highlight",
    "iban_is_valid",
    "scan_sections",
    "scan_text",
]

# When two candidates overlap the longest wins; on equal length the more specific
# kind (earlier in this tuple) wins.
_SPECIFICITY = ("iban", "email", "bsn", "phone", "postcode", "address", "date", "name")

FINGERPRINT_PURPOSE = "pii-scan-override"

FINGERPRINT_PURPOSE = "pii-scan-override"


# ---------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------


def _merge_same_kind(candidates):
    """Overlapping candidates of one kind become one ("5911 AB 12" and "Kerkstraat 12, 5911 AB")."""
    merged = []
    for start, end, kind, label in sorted(candidates, key=lambda c: (c[2], c[0], -c[1])):
        if merged and merged[-1][2] == kind and start < merged[-1][1]:
            previous = merged[-1]
            if end > previous[1]:
                # labels only differ for postcodes; the merged span then has a house number
                merged[-1] = (previous[0], end, kind, previous[3] if previous[3] == label else LABELS[kind])
            continue
        merged.append((start, end, kind, label))
    return merged


def _resolve(candidates):
    """Non-overlapping findings: longest first, then the most specific kind."""
    candidates = _merge_same_kind(set(candidates))
    ordered = sorted(candidates, key=lambda c: (-(c[1] - c[0]), _SPECIFICITY.index(c[2]), c[0]))
    kept = []  # sorted by start; kept spans never overlap, so their ends are sorted too
    for candidate in ordered:
        start, end = candidate[0], candidate[1]
        index = bisect.bisect_left(kept, start, key=lambda c: c[0])
        if index < len(kept) and kept[index][0] < end:
            continue  # overlaps the next kept span
        if index > 0 and kept[index - 1][1] > start:
            continue  # overlaps the previous kept span
        kept.insert(index, candidate)
    return kept


def _scan(text, name_patterns):
    text = text or ""
    candidates = [
        *_scan_ibans(text),
        *_scan_emails(text),
        *_scan_bsn(text),
        *_scan_phones(text),
        *_scan_postcodes(text),
        *_scan_addresses(text),
        *_scan_dates(text),
        *_scan_names(text, name_patterns),
    ]
    return [
        Finding(kind=kind, start=start, end=end, text=text[start:end], label=gettext(label))
        for start, end, kind, label in _resolve(candidates)
    ]


def scan_text(text: str, *, names: Iterable[str] = ()) -> list[Finding]:
    """Identifying data in ``text``, sorted by start and non-overlapping.

    ``names`` are the resident's given names, family name and full name.
    """
    return _scan(text, _name_patterns(names))


def scan_sections(sections: Mapping[str, str], *, names: Iterable[str] = ()) -> dict[str, list[Finding]]:
    """Findings per section; sections without findings are left out."""
    patterns = _name_patterns(names)
    result = {}
    for key, text in sections.items():
        findings = _scan(text, patterns)
        if findings:
            result[key] = findings
    return result


def highlight(text: str, findings: list[Finding]) -> SafeString:
    """``text`` HTML-escaped, with each finding wrapped in ``<mark class="wk-pii">``.

    Everything is escaped, the findings' text and labels included. Findings that no
    longer match the text (stale offsets) or that overlap an earlier one are skipped.
    Line breaks are kept as they are.
    """
    text = text or ""
    pieces = []
    position = 0
    for finding in sorted(findings, key=lambda f: (f.start, f.end)):
        if finding.start < position or finding.end > len(text) or text[finding.start : finding.end] != finding.text:
            continue
        if finding.start == finding.end:
            continue
        pieces.append(escape(text[position : finding.start]))
        pieces.append(
            format_html(
                '<mark class="wk-pii" data-kind="{}" title="{}">{}</mark>',
                escape(finding.kind),
                escape(finding.label),
                escape(text[finding.start : finding.end]),
            )
        )
        position = finding.end
    pieces.append(escape(text[position:]))
    return format_html_join("", "{}", ((piece,) for piece in pieces))


def _normalise_for_fingerprint(kind, value):
    if kind == "phone":
        compact = re.sub(r"[^\d+]", "", value.replace("(0)", ""))
        return re.sub(r"^(?:\+|00)31", "0", compact)
    if kind in ("bsn", "iban", "postcode"):
        compact = re.sub(r"[\W_]", "", value).upper()
        return compact.rjust(9, "0") if kind == "bsn" else compact
    if kind == "email":
        return value.strip().casefold()
    return " ".join(_fold(value).split())


def fingerprint(finding: Finding) -> str:
    """A stable, short, keyed hash of (kind, normalised text).

    Case and whitespace do not matter, so an override survives edits around the
    finding. It is keyed (the blind-index key), not a bare hash: a bare hash of a
    BSN or a phone number is reversed by trying all numbers.
    """
    normalised = _normalise_for_fingerprint(finding.kind, finding.text)
    return crypto.blind_index(f"{finding.kind}:{normalised}", purpose=FINGERPRINT_PURPOSE)[:16]
