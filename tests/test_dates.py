"""Dates are checked for sense wherever they are typed (woonkans.forms.PastDateField / FutureDateField).

Every date input of every form is classified: happened (not after today), planned (not before today),
or named in EITHER below with the reason it may lie on both sides of today. A new plain DateField
fails here until someone decides which it is.
"""

import datetime
import importlib
import inspect

import pytest
from django import forms
from django.utils import timezone

from woonkans.forms import FutureDateField, PastDateField

FORM_MODULES = [
    "guarantee_fund.forms",
    "matching.forms",
    "referrals.forms",
    "subject_rights.forms",
    "monitoring.views",
    "woonkans.audit.forms",
    "woonkans.accounts.forms",
]

# (form, field): why a date here may be past or future.
EITHER = {
    ("ClaimLineForm", "period_from"): "a cost period (rent loss) may run on after the claim is written",
    ("ClaimLineForm", "period_to"): "idem",
    ("PeriodForm", "date_from"): "a report period",
    ("PeriodForm", "date_to"): "idem",
    ("PartyChangeForm", "on_date"): "joining or leaving the fund takes effect on an agreed date, past or coming",
    ("NoticeForm", "on_date"): "idem",
    ("DissolveForm", "on_date"): "the parties' decision names the date",
    ("PeriodForm", "van"): "the monitoring's report period",
    ("PeriodForm", "tot"): "idem",
    ("MemberForm", "since"): "a werkgroep seat may be recorded ahead or late",
    ("MeetingForm", "held_on"): "a werkgroep meeting is entered with its agenda, before or after it is held",
    ("LogSearchForm", "date_from"): "a search filter",
    ("LogSearchForm", "date_to"): "idem",
    ("IdentityForm", "birth_date"): "a birth date: the wizard's own age rules check it",
    ("IdentityCorrectionForm", "birth_date"): "idem",
}


def date_fields():
    for module_name in FORM_MODULES:
        module = importlib.import_module(module_name)
        for name, form in inspect.getmembers(module, inspect.isclass):
            if not issubclass(form, forms.BaseForm) or form.__module__ != module_name:
                continue
            for field_name, field in form.base_fields.items():
                if isinstance(field, forms.DateField):
                    yield name, field_name, field


def test_every_date_input_is_classified():
    found = list(date_fields())
    assert len(found) > 20, "the walk found the portal's date inputs"
    unclassified = [
        f"{form}.{field}"
        for form, field, instance in found
        if not isinstance(instance, PastDateField | FutureDateField) and (form, field) not in EITHER
    ]
    assert not unclassified, f"classify these as PastDateField, FutureDateField or EITHER: {unclassified}"
    assert not [
        f"{form}.{field}"
        for form, field, instance in found
        if (form, field) in EITHER and isinstance(instance, PastDateField | FutureDateField)
    ], "EITHER names a field that is classified after all"


@pytest.mark.parametrize(
    ("form", "field", "instance"),
    [entry for entry in date_fields() if isinstance(entry[2], PastDateField | FutureDateField)],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_each_date_refuses_the_wrong_side_of_today_in_dutch(form, field, instance):
    today = timezone.localdate()
    year = datetime.timedelta(days=365)
    wrong, right = (today + year, today - year) if isinstance(instance, PastDateField) else (today - year, today + year)
    with pytest.raises(forms.ValidationError) as refused:
        instance.clean(wrong.isoformat())
    message = " ".join(refused.value.messages)
    assert "toekomst" in message or "verleden" in message, message
    assert instance.clean(right.isoformat()) == right
    assert instance.clean(today.isoformat()) == today


def test_an_evaluation_held_in_2030_and_an_overleg_planned_in_2020_are_refused():
    from matching.forms import EvaluationForm, MeetingForm

    evaluation = EvaluationForm({"held_on": "2030-01-15", "notes": "Goed gesprek."})
    assert not evaluation.is_valid()
    assert evaluation.errors["held_on"] == ["Een evaluatie kan niet in de toekomst zijn gehouden."]
    meeting = MeetingForm({"date": "2020-03-01"})
    assert not meeting.is_valid()
    assert meeting.errors["date"] == ["Een overleg kan niet in het verleden worden gepland."]
