"""Every form renders as NL Design System fields: choices get one labelled field per option."""

import re

from django import forms


class ChoiceForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Besluit", choices=[("yes", "Toewijzen"), ("no", "Afwijzen")], widget=forms.RadioSelect
    )
    areas = forms.MultipleChoiceField(
        label="Zoekgebied", choices=[("venlo", "Venlo"), ("venray", "Venray")], widget=forms.CheckboxSelectMultiple
    )


def test_each_radio_and_checkbox_option_is_a_field_with_its_own_label():
    html = str(ChoiceForm())
    # The group wrapper is not itself drawn as a radio button (it used to carry the widget class).
    assert not re.search(r'<div id="id_outcome"[^>]*utrecht-radio-button', html)
    for value, label, kind in (("0", "Toewijzen", "radio"), ("1", "Afwijzen", "radio"), ("0", "Venlo", "checkbox")):
        field = "outcome" if kind == "radio" else "areas"
        option_id = f"id_{field}_{value}"
        assert re.search(
            rf'<input type="{kind}"[^>]*class="utrecht-{"radio-button" if kind == "radio" else "checkbox"}', html
        )
        assert f'<label class="utrecht-form-label utrecht-form-label--{kind}" for="{option_id}">{label}</label>' in html
    assert html.count("utrecht-form-field--radio") == 2 and html.count("utrecht-form-field--checkbox") == 2
    assert "<legend" in html and "Besluit" in html


def test_widget_attributes_are_written_exactly_as_djangos_attrs_template_writes_them():
    """The widget templates write their attributes with a filter instead of including attrs.html per
    input and option (templatetags/widgets.py); the output is the same, escaping included."""
    from django.template import engines
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe
    from django.utils.translation import gettext_lazy

    from woonkans.templatetags.widgets import widget_attrs

    attrs = {
        "id": "id_x",
        "required": True,
        "disabled": False,
        "rows": 4,
        "value": None,
        "title": 'Say "hi" & <bye>',
        "data-safe": mark_safe("<b>"),
        "placeholder": gettext_lazy("Zoekgebied"),
        "aria-invalid": "true",
    }
    django_attrs = engines["django"].engine.get_template("django/forms/widgets/attrs.html").source
    expected = engines["django"].from_string(django_attrs).render({"widget": {"attrs": attrs}})
    assert widget_attrs(attrs) == expected
    assert render_to_string(
        "django/forms/widgets/input.html", {"widget": {"type": "text", "name": "n", "value": 3, "attrs": attrs}}
    ) == (f'<input type="text" name="n" value="3"{expected}>\n')
