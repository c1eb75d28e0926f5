"""One way to render every form: NL Design System (Utrecht) markup, errors beside each field.

Django already sets aria-invalid and aria-describedby (`<id>_helptext`, `<id>_error`);
the templates under templates/forms/ use those ids.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import TemplatesSetting
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .money import MoneyInputError, MoneyRule, format_euro, format_plain, parse_euros

# Shared by every app's forms (a core module, so no app imports another for a widget).
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT_AREA = forms.Textarea(attrs={"rows": 4})


# Dates are checked for sense where they are typed. Every date input of the portal is one of three
# kinds (tests/test_dates.py walks every form and fails on a plain DateField not named there):
# - PastDateField: something that happened (an evaluation held, a payment made): not after today;
# - FutureDateField: something planned (an overleg, an intended start): not before today;
# - a plain forms.DateField only for a period or filter that may lie on either side of today.
class PastDateField(forms.DateField):
    """The date on which something happened: today or earlier."""

    widget = DATE_WIDGET
    default_error_messages = {"future": _("Deze datum ligt in de toekomst. Vul de datum in waarop het is gebeurd.")}

    def validate(self, value):
        super().validate(value)
        if value is not None and value > timezone.localdate():
            raise ValidationError(self.error_messages["future"], code="future")


class FutureDateField(forms.DateField):
    """The date for which something is planned: today or later."""

    widget = DATE_WIDGET
    default_error_messages = {"past": _("Deze datum ligt in het verleden. Een planning begint vandaag of later.")}

    def validate(self, value):
        super().validate(value)
        if value is not None and value < timezone.localdate():
            raise ValidationError(self.error_messages["past"], code="past")


WIDGET_CLASSES = {
    "checkbox": "utrecht-checkbox utrecht-checkbox--html-input",
    "radioselect": "utrecht-radio-button utrecht-radio-button--html-input",
    "checkboxselectmultiple": "utrecht-checkbox utrecht-checkbox--html-input",
    "select": "utrecht-select utrecht-select--html-select",
    "selectmultiple": "utrecht-select utrecht-select--html-select",
    "textarea": "utrecht-textarea utrecht-textarea--html-textarea",
    "clearablefile": "utrecht-textbox utrecht-textbox--html-input",
    "file": "utrecht-textbox utrecht-textbox--html-input",
}
DEFAULT_WIDGET_CLASS = "utrecht-textbox utrecht-textbox--html-input"


class PortalBoundField(forms.BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        # Errors are the server's job (shown beside the field); `required` would make the
        # component CSS paint every empty field red via :invalid before anything was typed.
        if attrs.pop("required", False):
            attrs["aria-required"] = "true"
        if not widget.is_hidden:
            # A Select subclass (yes/no) looks like every select, with its chevron.
            fallback = WIDGET_CLASSES["select"] if isinstance(widget, forms.Select) else DEFAULT_WIDGET_CLASS
            css = WIDGET_CLASSES.get(self.widget_type, fallback)
            if self.errors:
                base = css.split()[0]
                css = f"{css} {base}--invalid"
            attrs["class"] = " ".join(filter(None, [attrs.get("class", ""), widget.attrs.get("class", ""), css]))
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField


class MoneyField(forms.Field):
    """The one money input of the portal: Dutch euros in, integer cents out, bounded by a MoneyRule.

    The rule is the same object the model's CHECK constraint is built from, so a form never lets
    through what the database refuses. What was typed is shown again as typed when it is refused.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
    default_error_messages = {
        "invalid": _("Vul een bedrag in euro’s in, bijvoorbeeld 512,40 of 1.250,50."),
        "exponent": _("Schrijf het bedrag voluit in cijfers, bijvoorbeeld 1.000.000 in plaats van 1e6."),
        "negative": _("Een bedrag kan niet negatief zijn."),
        "decimals": _("Een bedrag heeft hoogstens twee cijfers achter de komma."),
        "positive": _("Het bedrag moet hoger zijn dan € 0,00."),
        "min_value": _("Het bedrag moet minstens %(limit)s zijn."),
        "max_value": _("Het bedrag mag niet hoger zijn dan %(limit)s."),
    }

    def __init__(self, *, rule: MoneyRule, **kwargs):
        self.rule = rule
        kwargs.setdefault("help_text", _("In euro’s, bijvoorbeeld 1.250,50."))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # Initial values are cents; typed data is shown back exactly as typed.
        return format_plain(value) if isinstance(value, int) and not isinstance(value, bool) else value

    def to_python(self, value):
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_euros(str(value))
        except MoneyInputError as error:
            code = "max_value" if error.code == "too_large" else error.code
            raise ValidationError(self.error_messages[code], code=code, params=self._limit(code)) from None

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if value < self.rule.min_cents:
            code = "positive" if value == 0 and self.rule.min_cents == 1 else "min_value"
            raise ValidationError(self.error_messages[code], code=code, params=self._limit(code))
        if value > self.rule.max_cents:
            raise ValidationError(self.error_messages["max_value"], code="max_value", params=self._limit("max_value"))

    def _limit(self, code):
        if code == "min_value":
            return {"limit": format_euro(self.rule.min_cents)}
        if code == "max_value":
            return {"limit": format_euro(self.rule.max_cents)}
        return None
