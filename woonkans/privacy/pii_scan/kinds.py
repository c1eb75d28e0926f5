"""The kinds of identifying data the scan looks for, their Dutch labels, and a finding."""

from dataclasses import dataclass

from django.utils.translation import gettext_noop

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


@dataclass(frozen=True)
class Finding:
    kind: str  # one of KINDS
    start: int  # offset in the scanned text
    end: int
    text: str  # the matched text, == scanned_text[start:end]
    label: str  # Dutch, for the regisseur
