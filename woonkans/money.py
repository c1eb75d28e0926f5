"""Money as people in the Netherlands type and read it, stored as integer cents.

One rule (``MoneyRule``) gives both the database CHECK and the form field's bounds, so the form
refuses what the database would (no IntegrityError reaches a user). ``parse_euros`` reads Dutch
input: "512,40", "1.250,50", "€ 500", "€ 500,-"; it never reads exponents, NaN or Infinity,
and never guesses at more than two decimals.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _

# A sanity bound, not a rule of the agreement: the SOK sets no maximum for a claim, a cost line, an
# approved amount or a deposit (Art. 7, Bijlage 3 §2 only asks that a claim exceed the deposit). A
# full fund holds the contributions of Art. 7 lid 3-5 (€ 50.000 + € 50.000 + € 1.000 per care
# provider), so an amount ten times that is a typing slip, refused rather than booked.
AMOUNT_CEILING_CENTS = 100_000_000  # € 1.000.000,00


# Between "€" and the amount: a narrow table column must not wrap "€" onto a line of its own.
NBSP = "\u00a0"


def format_euro(cents):
    """Integer cents as Dutch euros, for people: 123456 -> '€\u00a01.234,56', -5 -> '-€\u00a00,05'.

    The space after "€" is a non-breaking space (U+00A0), so pages, PDFs and e-mails never break
    the line between the sign and the amount. Files meant for a spreadsheet use ``format_plain``.
    """
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}€{NBSP}{whole:,}".replace(",", ".") + f",{rest:02d}"


def format_plain(cents):
    """Cents as a plain Dutch number, for a form field to read back and for CSV files: 125050 ->
    '1250,50', -5 -> '-0,05'. No "€", no thousands points: a spreadsheet set to Dutch reads it as a
    number (the CSVs' documented money format, their column header says it is in euros)."""
    cents = int(cents)
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole},{rest:02d}"


class MoneyInputError(ValueError):
    """Why a typed amount cannot be read; ``code`` picks the message."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


_CURRENCY = r"(?:€|eur(?:o)?)"
_SHAPE = re.compile(
    rf"""
    (?P<sign>[-−+]?)\s*{_CURRENCY}?\s*(?P<sign2>[-−+]?)\s*
    (?P<number>[0-9.,\s]*?)
    (?P<dash>,\s*-{{1,2}})?
    \s*{_CURRENCY}?
    """,
    re.IGNORECASE | re.VERBOSE,
)
_GROUPED = re.compile(r"[0-9]{1,3}(?:[. ][0-9]{3})+")
# Beyond this many digits no rule can allow the amount; stop before int() works on huge input.
_MAX_DIGITS = 15


def parse_euros(text):
    """Typed euros -> integer cents. Raises MoneyInputError with code invalid, exponent, negative,
    decimals or too_large.

    The comma is the decimal separator, points (or spaces) group thousands in threes. A single
    point followed by one or two digits cannot be a thousands separator and is read as the
    decimal point ("512.40"). "1.250" is one thousand two hundred and fifty euros.
    """
    text = (text or "").replace("\u00a0", " ").replace("\u202f", " ").strip()
    if re.search(r"[0-9.,]\s*e\s*[-+]?[0-9]", text, re.IGNORECASE):
        raise MoneyInputError("exponent")
    match = _SHAPE.fullmatch(text)
    if not match or not match["number"].strip():
        raise MoneyInputError("invalid")
    number = match["number"].strip()
    if number.count(",") > 1 or (match["dash"] and "," in number):
        raise MoneyInputError("invalid")
    whole, _comma, fraction = number.partition(",")
    if not _comma and re.fullmatch(r"[0-9]+\.[0-9]{1,2}", whole):
        whole, fraction = whole.split(".")
    if "." in whole or " " in whole:
        if not _GROUPED.fullmatch(whole):
            raise MoneyInputError("invalid")
        whole = whole.replace(".", "").replace(" ", "")
    if not re.fullmatch(r"[0-9]*", whole) or not re.fullmatch(r"[0-9]*", fraction) or not (whole or fraction):
        raise MoneyInputError("invalid")
    if len(fraction) > 2:
        raise MoneyInputError("decimals")
    if len(whole.lstrip("0")) > _MAX_DIGITS:
        raise MoneyInputError("too_large")
    if {match["sign"], match["sign2"]} & {"-", "−"}:
        raise MoneyInputError("negative")
    return int(whole or "0") * 100 + int(fraction.ljust(2, "0"))


@dataclass(frozen=True)
class MoneyRule:
    """The allowed range of one money column, in cents, both ends included."""

    min_cents: int
    max_cents: int = AMOUNT_CEILING_CENTS

    def check(self, field, *, name, nullable=False):
        """The database's half of the rule; the form's half is ``woonkans.forms.MoneyField(rule=...)``."""
        condition = models.Q(**{f"{field}__gte": self.min_cents, f"{field}__lte": self.max_cents})
        if nullable:
            condition = models.Q(**{f"{field}__isnull": True}) | condition
        return models.CheckConstraint(condition=condition, name=name)

    def ensure(self, cents):
        """The services' half: refuse an amount outside the rule with a Dutch ValidationError."""
        if cents is None or isinstance(cents, bool) or not isinstance(cents, int):
            raise ValidationError(_("Vul een bedrag in."), code="invalid")
        if not self.min_cents <= cents <= self.max_cents:
            raise ValidationError(
                _("Het bedrag moet tussen %(min)s en %(max)s liggen.")
                % {"min": format_euro(self.min_cents), "max": format_euro(self.max_cents)},
                code="out_of_range",
            )
        return cents
