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
import calendar
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop

from woonkans.privacy import crypto
from woonkans.privacy.bsn import normalise_bsn, passes_eleven_test

KINDS = ("bsn", "date", "phone", "email", "postcode", "address", "name", "iban")

# Labels are Dutch msgids, translated when a finding is made.
LABELS = {
    "bsn": gettext_noop("BSN-achtig nummer"),
    "date": gettext_noop("Datum"),
    "phone": gettext_noop("Telefoonnummer"),
    "email": gettext_noop("E-mailadres"),
    "postcode": gettext_noop("Postcode met huisnummer"),
    "address": gettext_noop("Straat met huisnummer"),
    "name": gettext_noop("Naam van de inwoner"),
    "iban": gettext_noop("IBAN"),
}
LABEL_BARE_POSTCODE = gettext_noop("Postcode")

# When two candidates overlap the longest wins; on equal length the more specific
# kind (earlier in this tuple) wins.
_SPECIFICITY = ("iban", "email", "bsn", "phone", "postcode", "address", "date", "name")

FINGERPRINT_PURPOSE = "pii-scan-override"


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offset in the scanned text
    end: int
    text: str  # the matched text, == scanned_text[start:end]
    label: str  # Dutch, for the regisseur


# ---------------------------------------------------------------------------
# BSN
# ---------------------------------------------------------------------------

# 9 digits, contiguous or grouped 4-2-3 / 3-3-3 with one consistent separator,
# or 8 contiguous digits (an old BSN, which passes the 11-test with a leading 0).
# Not inside a longer number, and not an amount ("€ 123.456.782").
_BSN_RE = re.compile(
    r"(?<!\d)(?<!\d[.,-])(?<!€)(?<!€ )(?<!EUR )"
    r"(?:\d{4}([ .-])\d{2}\1\d{3}|\d{3}([ .-])\d{3}\2\d{3}|\d{9}|\d{8})"
    r"(?!\d)(?![.,-]\d)"
)


def _scan_bsn(text):
    for match in _BSN_RE.finditer(text):
        digits = normalise_bsn(match.group())
        if len(digits) == 8:
            digits = "0" + digits
        if passes_eleven_test(digits):
            yield match.start(), match.end(), "bsn", LABELS["bsn"]


# ---------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------

_MONTHS = {
    "januari": 1,
    "februari": 2,
    "maart": 3,
    "april": 4,
    "mei": 5,
    "juni": 6,
    "juli": 7,
    "augustus": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "febr": 2,
    "mrt": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "okt": 10,
    "nov": 11,
    "dec": 12,
}
_MONTH_ALTERNATION = "|".join(sorted(_MONTHS, key=len, reverse=True))

# dd-mm-yyyy, dd/mm/yyyy, dd.mm.yyyy and d-m-yy: day, month AND year, one separator.
_NUMERIC_DATE_RE = re.compile(
    r"(?<![\w./-])(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})(?!\w)(?![-/.]\d)",
)
# yyyy-mm-dd
_ISO_DATE_RE = re.compile(r"(?<![\w./-])(\d{4})-(\d{1,2})-(\d{1,2})(?!\w)(?![-/.]\d)")
# "3 maart 1998", "03 mrt. 1998", "12 januari", "1e april '98"
_WRITTEN_DATE_RE = re.compile(
    rf"(?<!\w)(\d{{1,2}})(?:e|ste|de)?[ \t]+({_MONTH_ALTERNATION})\b\.?(?:[ \t]+(\d{{4}}|'\d{{2}}))?(?!\w)",
    re.IGNORECASE,
)


def _valid_date(day, month, year=None):
    if not 1 <= month <= 12 or day < 1:
        return False
    if year is None:
        return day <= (29 if month == 2 else calendar.monthrange(2001, month)[1])
    return day <= calendar.monthrange(year, month)[1]


def _full_year(raw):
    if len(raw) == 4:
        year = int(raw)
        return year if 1900 <= year <= 2099 else None
    return 2000 + int(raw)  # two digits: any century, only leap years matter


def _scan_dates(text):
    label = LABELS["date"]
    for match in _NUMERIC_DATE_RE.finditer(text):
        year = _full_year(match.group(4))
        if year is not None and _valid_date(int(match.group(1)), int(match.group(3)), year):
            yield match.start(), match.end(), "date", label
    for match in _ISO_DATE_RE.finditer(text):
        year = _full_year(match.group(1))
        if year is not None and _valid_date(int(match.group(3)), int(match.group(2)), year):
            yield match.start(), match.end(), "date", label
    for match in _WRITTEN_DATE_RE.finditer(text):
        raw_year = match.group(3)
        year = None if raw_year is None else _full_year(raw_year.lstrip("'"))
        if raw_year is not None and year is None:
            continue  # "3 maart 1850": no plausible year, and not a bare day + month either
        if _valid_date(int(match.group(1)), _MONTHS[match.group(2).lower()], year):
            yield match.start(), match.end(), "date", label


# ---------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------

# Where a Dutch phone number may start: +31 / 0031 / (0 / 0, followed by a
# non-zero digit; not in the middle of a word or a longer number.
_PHONE_START_RE = re.compile(r"(?<![\w+])(?<!\d[.,-])(?=(?:\+|00)31|\(?0[1-9])")
_PHONE_PREFIX_RE = re.compile(r"(?:\+|00)31[ .-]?(?:\(0\)[ .-]?)?|\(0|0")
_PHONE_BODY_RE = re.compile(r"[1-9]\d*(?:(?:\) ?|[ .-])\d+)*")
_PHONE_TOKEN_RE = re.compile(r"\d+|\) ?|[ .-]")
_NATIONAL_DIGITS = 9  # after the trunk 0 or +31: 6 + 8 digits, or area code + subscriber


def _phone_at(text, start):
    """End of the Dutch phone number at ``start``, or None.

    The number has exactly 9 digits after the trunk prefix. The separator after the
    area code may differ from the ones inside the subscriber number, but those must
    all be the same ("06-12 34 56 78" yes; "01-02-2019 12" is a date and a time).
    """
    prefix = _PHONE_PREFIX_RE.match(text, start)
    body = _PHONE_BODY_RE.match(text, prefix.end())
    if body is None:
        return None
    parenthesised = prefix.group().endswith("(0")
    digits = 0
    separators = []
    position = body.start()
    for token in _PHONE_TOKEN_RE.finditer(body.group()):
        value = token.group()
        if value[0].isdigit():
            digits += len(value)
            position = body.start() + token.end()
            if digits >= _NATIONAL_DIGITS:
                break
            continue
        if ")" in value and not (parenthesised and not separators):
            return None  # a ")" only closes "(0xx)"
        if len(separators) >= 2 and value != separators[1]:
            break
        separators.append(value)
    if digits != _NATIONAL_DIGITS:
        return None
    if re.match(r"[.,-]\d", text[position : position + 2]):
        return None  # part of a longer number
    return position


def _scan_phones(text):
    for match in _PHONE_START_RE.finditer(text):
        end = _phone_at(text, match.start())
        if end is not None:
            yield match.start(), end, "phone", LABELS["phone"]


# ---------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_EMAIL_RE = re.compile(rf"(?<![\w.%+-])[\w.%+-]+@{_LABEL}(?:\.{_LABEL})*\.[A-Za-z]{{2,}}(?![\w-])")


def _scan_emails(text):
    for match in _EMAIL_RE.finditer(text):
        yield match.start(), match.end(), "email", LABELS["email"]


# ---------------------------------------------------------------------------
# Postcodes
# ---------------------------------------------------------------------------

# A Dutch postcode: 4 digits not starting with 0, an optional space, and two
# letters other than SA, SD and SS. Choice: the letter pair must be UPPERCASE
# ("5911 ab" is not flagged), which keeps ordinary lowercase prose out. A bare
# postcode whose letter pair is also a unit ("2048 GB", "1200 MB", "1000 KM") is
# only flagged when a house number or street, or the word "postcode", is near it.
_PC = r"[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}"
_HOUSE_NUMBER = r"\d{1,5}(?:-?[A-Za-z]{1,2}|-\d{1,4})?(?!\w)"
_NUMBER_WORD = r"(?:huisnummer|nummer|nr\.?|no\.?)"
# "5911 AB 12", "5911AB, nr 12", or a bare "5911 AB"
_POSTCODE_THEN_NUMBER_RE = re.compile(
    rf"(?<!\w)(?P<pc>{_PC})(?:,?[ \t]*(?:{_NUMBER_WORD}[ \t]*)?(?P<number>{_HOUSE_NUMBER}))?(?!\w)"
)
# "Kerkstraat 12, 5911 AB" (only the last word of a multi-word street name is included)
_NUMBER_THEN_POSTCODE_RE = re.compile(
    rf"(?<!\w)(?:[A-Z][a-zà-ÿ][\w'.-]*[ \t]+)?{_HOUSE_NUMBER},?[ \t]*(?P<pc>{_PC})(?!\w)",
)
_UNIT_PAIRS = frozenset(
    {"GB", "MB", "KB", "TB", "PB", "KM", "CM", "MM", "KG", "MG", "ML", "CL", "DL", "KW", "MW", "PK"}
)
_POSTCODE_WORD_RE = re.compile(r"postcode\W{0,3}$", re.IGNORECASE)


def _scan_postcodes(text):
    with_number = LABELS["postcode"]
    for match in _POSTCODE_THEN_NUMBER_RE.finditer(text):
        if match.group("number"):
            yield match.start(), match.end(), "postcode", with_number
            continue
        pc_end = match.end("pc")
        if match.group("pc")[-2:] in _UNIT_PAIRS and not _POSTCODE_WORD_RE.search(
            text[max(0, match.start() - 12) : match.start()]
        ):
            continue
        yield match.start(), pc_end, "postcode", LABEL_BARE_POSTCODE
    for match in _NUMBER_THEN_POSTCODE_RE.finditer(text):
        yield match.start(), match.end(), "postcode", with_number


# ---------------------------------------------------------------------------
# Street and house number (no postcode)
# ---------------------------------------------------------------------------

# The last part of almost every Dutch street name ("Maasboulevard", "Kerkstraat",
# "Groenveldsingel"). Choice: the street must be written with a capital, as street
# names are; lowercase prose ("de weg 2 keer") is not flagged.
_STREET_SUFFIXES = (
    "straat", "straatje", "laan", "laantje", "weg", "plein", "pleintje", "singel", "gracht", "kade", "dijk",
    "boulevard", "dreef", "hof", "pad", "steeg", "markt", "ring", "baan", "park", "plantsoen", "wal", "veld",
    "erf", "gaarde", "akker", "kamp", "dries", "brink", "allee", "promenade", "passage", "vest", "wei", "weide",
    "oever", "haven", "poort", "hoeve", "heuvel", "donk", "hoek", "beemd", "kwartier", "rade", "straatweg",
    "zoom", "dam", "werf", "hage", "hoven", "horst", "berg", "bosch", "broek", "loop",
)  # fmt: skip
_SUFFIX_ALTERNATION = "|".join(sorted(_STREET_SUFFIXES, key=len, reverse=True))
# Words that end like a street but are ordinary nouns in a profile ("Vordering 2 van het CJIB").
_NOT_STREETS = frozenset(
    {
        "loopbaan", "bijbaan", "arbeidsmarkt", "woningmarkt", "huurmarkt", "supermarkt", "vordering",
        "verzekering", "werkveld", "speelveld", "sportveld", "gerechtshof", "zorgpad", "tijdpad",
        "ziekenhuis", "hulpverlening", "uitweg", "vakantiepark",
    }
)  # fmt: skip
# Words that commonly start a street name of more than one word ("Oude Markt", "Burg. van Rijnstraat").
_STREET_PREFIX = (
    r"(?:(?:Oude|Nieuwe|Hoge|Lage|Lange|Korte|Grote|Kleine|Sint|St\.|Burg\.|Burgemeester|Dr\.|Mgr\.|Prof\.|"
    r"Pastoor|Kapelaan|Koning|Koningin|Prins|Prinses|Graaf|Hertog|Generaal|Gen\.|Mr\.|Ir\.)[ \t]+"
    r"(?:(?:van|de|der|den|het|'t|ter|ten|te|la|le)[ \t]+){0,2})"
)
# A number that counts something, not a house ("Rijksweg 20 minuten", "Markt 3 keer").
_COUNTED = (
    r"(?:keer|maal|x|jaar|jaren|jr|maand|maanden|week|weken|dag|dagen|uur|uren|minuut|minuten|min|sec|"
    r"seconden|km|kilometer|m|meter|euro|eur|procent|personen|mensen|kinderen|kamers|stuks|nachten)\b"
)
_ADDRESS_RE = re.compile(
    rf"(?<![\w.])(?P<street>{_STREET_PREFIX}?(?P<word>(?=[A-Z])(?i:[a-zà-ÿ'-]*?(?:{_SUFFIX_ALTERNATION}))))"
    rf"[ \t]+(?:(?:{_NUMBER_WORD})[ \t]*)?(?P<number>{_HOUSE_NUMBER})(?![.,]\d)(?![ \t]*(?:{_COUNTED}|%))"
)


def _scan_addresses(text):
    label = LABELS["address"]
    for match in _ADDRESS_RE.finditer(text):
        word = match.group("word").casefold()
        if word in _NOT_STREETS or word.endswith("ering"):
            continue
        if word in _STREET_SUFFIXES and match.group("street") == match.group("word"):
            continue  # "Markt 3", "Weg 4": a street on its own only after a prefix ("Oude Markt 3")
        yield match.start(), match.end(), "address", label


# ---------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------

# NL, plus the neighbouring BE and DE (Noord- en Midden-Limburg is a border region):
# country code -> the BBAN shape after the two check digits.
_IBAN_SHAPES = {"NL": "A" * 4 + "9" * 10, "BE": "9" * 12, "DE": "9" * 18}


def _iban_pattern(country, shape):
    parts = "".join(r"(?: ?[A-Z])" if char == "A" else r"(?: ?\d)" for char in shape)
    return rf"{country} ?\d ?\d{parts}"


_IBAN_RE = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(_iban_pattern(c, s) for c, s in _IBAN_SHAPES.items()) + r")(?![A-Za-z0-9])",
    re.IGNORECASE,
)


def iban_is_valid(value: str) -> bool:
    """The ISO 13616 mod-97 check (spaces and case ignored)."""
    compact = re.sub(r"\s", "", value).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{8,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(char, 36)) for char in rearranged)) % 97 == 1


def _scan_ibans(text):
    for match in _IBAN_RE.finditer(text):
        if iban_is_valid(match.group()):
            yield match.start(), match.end(), "iban", LABELS["iban"]


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

_PARTICLES = frozenset(
    {"van", "de", "den", "der", "het", "'t", "t", "te", "ten", "ter", "in", "op", "aan", "bij", "uit", "'s", "d'"}
)


def _fold(value):
    """Accent- and case-insensitive form: "Émile" -> "emile"."""
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def _fold_with_offsets(text):
    """The folded text, and for each folded character the offset of its source character."""
    folded, offsets = [], []
    for index, char in enumerate(text):
        for folded_char in _fold(char):
            folded.append(folded_char)
            offsets.append(index)
    return "".join(folded), offsets


def _name_variants(name):
    """(folded words, only-when-capitalised) for one given name.

    "van den Berg" is matched as written (any case), and also "Berg" on its own
    but only when capitalised in the text, so "een berg schulden" is not a name.
    "Berg, van den" (sorting order) is read as "van den Berg".
    """
    name = " ".join((name or "").split())
    if "," in name:
        family, _, particles = (part.strip() for part in name.partition(","))
        name = f"{particles} {family}".strip()
    words = _fold(name).split()
    if len("".join(words)) < 2:
        return []
    variants = [(tuple(words), False)]
    core = list(words)
    while len(core) > 1 and core[0] in _PARTICLES:
        core.pop(0)
    if len(core) < len(words) and len("".join(core)) >= 2:
        variants.append((tuple(core), True))
    return variants


def _name_patterns(names):
    variants = {}
    for name in names:
        for words, capitalised_only in _name_variants(name):
            # a name given literally beats the same words derived from a particle name
            variants[words] = variants.get(words, True) and capitalised_only
    return [
        (re.compile(r"(?<!\w)" + r"\s+".join(re.escape(word) for word in words) + r"(?!\w)"), capitalised_only)
        for words, capitalised_only in variants.items()
    ]


def _scan_names(text, patterns):
    if not patterns:
        return
    folded, offsets = _fold_with_offsets(text)
    for pattern, capitalised_only in patterns:
        for match in pattern.finditer(folded):
            start = offsets[match.start()]
            end = offsets[match.end() - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # keep a decomposed accent with its letter
            if capitalised_only and not text[start].isupper():
                continue
            yield start, end, "name", LABELS["name"]


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
