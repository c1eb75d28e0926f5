"""The portal's one money field: Dutch amounts in, integer cents out, refusals in Dutch beside the field."""

import pytest
from django import forms

from woonkans.forms import MoneyField
from woonkans.money import MoneyRule, format_euro, format_plain
from woonkans.templatetags.money import euro


class AmountForm(forms.Form):
    amount = MoneyField(label="Bedrag", rule=MoneyRule(min_cents=1, max_cents=100_000_00))


def cleaned(text):
    form = AmountForm(data={"amount": text})
    assert form.is_valid(), form.errors
    return form.cleaned_data["amount"]


def refusal(text):
    form = AmountForm(data={"amount": text})
    assert not form.is_valid(), f"{text!r} was accepted as {form.cleaned_data.get('amount')}"
    return " ".join(form.errors["amount"])


@pytest.mark.parametrize(
    ("typed", "cents"),
    [
        ("512,40", 51240),
        ("1.250,50", 125050),
        ("€ 500", 50000),
        ("€500", 50000),
        ("500", 50000),
        ("€500,-", 50000),
        ("€ 50.000,-", 5_000_000),
        ("500,--", 50000),
        ("1.250", 125000),  # the Dutch thousands point, not one euro and a quarter
        ("1 250,50", 125050),
        ("512.40", 51240),  # one point and two digits can only be a decimal point
        ("512,4", 51240),
        ("0,01", 1),
        (",50", 50),
        ("EUR 12,50", 1250),
        ("12,50 euro", 1250),
        ("\u00a0€\u00a0512,40 ", 51240),
        ("100.000,00", 10_000_000),
    ],
)
def test_dutch_amounts_are_read_as_cents(typed, cents):
    assert cleaned(typed) == cents


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1e6", "voluit in cijfers"),
        ("1E3", "voluit in cijfers"),
        ("2,5e2", "voluit in cijfers"),
        ("NaN", "Vul een bedrag in euro’s in"),
        ("Infinity", "Vul een bedrag in euro’s in"),
        ("-inf", "Vul een bedrag in euro’s in"),
        ("-5", "niet negatief"),
        ("€ -5,00", "niet negatief"),
        ("-€ 5", "niet negatief"),
        ("0,001", "hoogstens twee cijfers achter de komma"),
        ("512,405", "hoogstens twee cijfers achter de komma"),
        ("0", "hoger zijn dan € 0,00"),
        ("0,00", "hoger zijn dan € 0,00"),
        ("€ 0,-", "hoger zijn dan € 0,00"),
        ("100.000,01", "niet hoger zijn dan €\u00a0100.000,00"),
        ("9" * 40, "niet hoger zijn dan €\u00a0100.000,00"),
        ("1,250.50", "Vul een bedrag in euro’s in"),  # English notation: a point after the comma
        ("12.34.56", "Vul een bedrag in euro’s in"),
        ("1,2,3", "Vul een bedrag in euro’s in"),
        ("vijf euro", "Vul een bedrag in euro’s in"),
        ("١٢", "Vul een bedrag in euro’s in"),  # other scripts' digits are not read
        ("0x10", "Vul een bedrag in euro’s in"),
    ],
)
def test_what_cannot_be_an_amount_is_refused_in_dutch(typed, message):
    assert message in refusal(typed)


def test_a_minimum_above_one_cent_names_the_minimum_in_dutch():
    class DepositForm(forms.Form):
        amount = MoneyField(label="Borg", rule=MoneyRule(min_cents=100_000, max_cents=200_000))

    form = DepositForm(data={"amount": "999,99"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Het bedrag moet minstens €\u00a01.000,00 zijn."]


def test_what_was_typed_is_shown_again_and_initial_cents_read_back():
    bound = AmountForm(data={"amount": "1e6"})
    assert not bound.is_valid()
    assert 'value="1e6"' in str(bound["amount"])
    assert 'inputmode="decimal"' in str(bound["amount"])
    unbound = AmountForm(initial={"amount": 125050})
    assert 'value="1250,50"' in str(unbound["amount"])
    assert cleaned("1250,50") == 125050


def test_empty_is_required_unless_optional():
    assert AmountForm(data={"amount": "  "}).errors["amount"] == ["Dit veld is verplicht."]

    class Optional(forms.Form):
        amount = MoneyField(label="Bedrag", rule=MoneyRule(min_cents=1), required=False)

    form = Optional(data={"amount": ""})
    assert form.is_valid() and form.cleaned_data["amount"] is None


@pytest.mark.parametrize(
    ("cents", "shown"), [(123456, "€\u00a01.234,56"), (5, "€\u00a00,05"), (-100_000, "-€\u00a01.000,00")]
)
def test_money_reads_dutch_everywhere(cents, shown):
    """A non-breaking space after "€": a narrow column never leaves the sign alone on a line."""
    assert format_euro(cents) == shown == euro(cents)
    assert " " not in shown


@pytest.mark.parametrize(("cents", "plain"), [(123456, "1234,56"), (5, "0,05"), (-5, "-0,05"), (-100_000, "-1000,00")])
def test_csv_and_form_money_is_a_plain_dutch_number(cents, plain):
    assert format_plain(cents) == plain
    assert cleaned(plain.lstrip("-")) == abs(cents)


def test_the_euro_filter_keeps_the_sign_and_amount_together_in_html():
    from django.template import Context, Template

    html = Template("{% load money %}<td>{{ cents|euro }}</td>").render(Context({"cents": 51240}))
    assert html == "<td>€\u00a0512,40</td>"
