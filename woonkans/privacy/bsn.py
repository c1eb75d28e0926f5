"""The Dutch citizen service number (BSN) and its 11-test."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BSN_PATTERN = re.compile(r"^\d{9}$")


def normalise_bsn(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value or "")


def passes_eleven_test(digits: str) -> bool:
    """9·d1 + 8·d2 + … + 2·d8 − 1·d9 must be a multiple of 11 (and not all zeros)."""
    if not BSN_PATTERN.match(digits) or digits == "000000000":
        return False
    total = sum(int(digit) * weight for digit, weight in zip(digits[:8], range(9, 1, -1), strict=True))
    total -= int(digits[8])
    return total % 11 == 0


def validate_bsn(value: str) -> None:
    digits = normalise_bsn(value)
    if not BSN_PATTERN.match(digits):
        raise ValidationError(_("Een BSN bestaat uit 9 cijfers."), code="bsn_format")
    if not passes_eleven_test(digits):
        raise ValidationError(
            _("Dit is geen geldig BSN: het voldoet niet aan de elfproef. Controleer de cijfers."), code="bsn_11"
        )
