"""The rules a claim is checked against, as named codes, and the payment's bank reference.

Named codes, because a deviation (maatwerk, SOK art. 7.9) lifts exactly the rules it names: the
filing and the decision check a claim against every rule except those a consented deviation lifted.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimRule(models.TextChoices):
    # SOK art. 7.10 and Bijlage 3 §3: always the standard form, always insight in the costs behind it.
    COSTS_ITEMISED = "costs_itemised", _("De kosten staan per post op het aanvraagformulier (art. 7.10)")
    # Bijlage 3 §2: "ten allen tijde een evaluatie" after a negative ending.
    EVALUATION = "evaluation", _("Er is een evaluatie van de beëindiging (Bijlage 3 §2)")
    # Bijlage 3 §2: the amount claimed must be higher than the home's deposit.
    ABOVE_DEPOSIT = "above_deposit", _("Het geclaimde bedrag is hoger dan de borg (Bijlage 3 §2)")
    # Bijlage 3 §3: insight in the costs — the invoices and the inspection form (opnameformulier).
    DOCUMENTS = "documents", _("Facturen en opnameformulier zijn bijgevoegd (Bijlage 3 §3)")
    # Bijlage 3 §2: legal costs only once all regular mediation has been gone through.
    LEGAL_AFTER_MEDIATION = (
        "legal_after_mediation",
        _("Juridische kosten alleen na uitgeputte reguliere bemiddeling (Bijlage 3 §2)"),
    )
    # Bijlage 3 §2: repair costs are for items on the inspection form that the tenant did not restore.
    REPAIR_ON_INSPECTION_FORM = (
        "repair_on_inspection_form",
        _("Herstelkosten noemen hun post op het opnameformulier (Bijlage 3 §2)"),
    )


# What a deviation may lift. The standard form and the evaluation are how the overleg and the chair
# can judge a claim at all (art. 7.10, Bijlage 3 §2-3); without them there is nothing to deviate on.
LIFTABLE_RULES = (
    ClaimRule.ABOVE_DEPOSIT,
    ClaimRule.DOCUMENTS,
    ClaimRule.LEGAL_AFTER_MEDIATION,
    ClaimRule.REPAIR_ON_INSPECTION_FORM,
)


def rule_labels(codes):
    """Dutch labels of rule codes, in the rules' own order (never the raw codes)."""
    return [rule.label for rule in ClaimRule if rule.value in set(codes)]


# The bank's reference for a payment: 6 to 35 characters (35 is the SEPA end-to-end id's length),
# letters, digits, "-" and "/" only, with at least two digits — a booking number, not a word
# like "x" or "betaald".
PAYMENT_REFERENCE_RE = re.compile(r"[A-Za-z0-9/-]{6,35}")
PAYMENT_REFERENCE_HELP = _("6 tot 35 tekens: letters, cijfers, - en /, met minstens twee cijfers.")


def payment_reference_is_sane(value):
    value = (value or "").strip()
    return bool(PAYMENT_REFERENCE_RE.fullmatch(value)) and sum(char.isdigit() for char in value) >= 2
