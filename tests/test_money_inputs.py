"""One Dutch money input (woonkans.forms.MoneyField) behind every amount a person types."""

import importlib
import inspect

import pytest
from django import forms

from matching.forms import ResponseForm
from woonkans.forms import MoneyField

OFFER = {"response": "offer", "dwelling_address": "Maasstraat 3", "dwelling_type": "Studio", "available_from": ""}


@pytest.mark.parametrize(("typed", "cents"), [("512,40", 51240), ("€ 512,40", 51240), ("1.234,50", 123450)])
def test_the_rent_takes_dutch_amounts(typed, cents):
    form = ResponseForm({**OFFER, "rent": typed})
    form.is_valid()
    assert "rent" not in form.errors
    assert form.cleaned_data["rent"] == cents


def test_offer_fields_say_they_are_needed_for_an_offer_not_optional():
    html = str(ResponseForm())
    assert "niet verplicht" not in html and html.count("verplicht bij een aanbod") == 4
    form = ResponseForm({"response": "offer"})
    assert not form.is_valid()
    assert set(form.errors) == {"dwelling_address", "dwelling_type", "rent", "available_from"}


def test_every_amount_field_is_the_money_field():
    """A form field whose name says it holds money is a MoneyField (never an Integer- or DecimalField)."""
    offenders = []
    for module_name in ("guarantee_fund.forms", "matching.forms", "referrals.forms", "monitoring.views"):
        module = importlib.import_module(module_name)
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for field_name, field in form.base_fields.items():
                money = field_name.endswith("_cents") or field_name in ("rent", "amount", "contribution")
                if money and not isinstance(field, MoneyField):
                    offenders.append(f"{name}.{field_name}")
    assert not offenders
