"""Detectors for numbers and codes: BSN, dates, phone numbers, e-mail addresses and IBANs.

Each detector yields (start, end, kind, label) candidates; overlaps are resolved by the caller.
"""

import calendar
import re

from woonkans.privacy.bsn import normalise_bsn, passes_eleven_test

from .kinds import LABELS

# ---------------------------------------------------------------------------
# BSN
# ---------------------------------------------------------------------------

# 9 digits, contiguous or grouped 4-2-3 / 3-3-3 with one consistent separator,
# or 8 contiguous digits (an old BSN, which passes the 11-test with a leading 0).
# Not inside a longer number, and not an amount ("€ 123.456.782").
_BSN_RE = re.compile(
    r"(?<!\d)(?<!\d[.,-])(?<!€)(?<!€ )(?<!€\u00a0)(?<!EUR )"
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
