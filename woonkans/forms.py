"""One way to render every form: NL Design System (Utrecht) markup, errors beside each field.

Django already sets aria-invalid and aria-describedby (`<id>_helptext`, `<id>_error`);
the templates under templates/forms/ use those ids.
"""

from django import forms
from django.forms.renderers import TemplatesSetting

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
            css = WIDGET_CLASSES.get(self.widget_type, DEFAULT_WIDGET_CLASS)
            if self.errors:
                base = css.split()[0]
                css = f"{css} {base}--invalid"
            attrs["class"] = " ".join(filter(None, [attrs.get("class", ""), widget.attrs.get("class", ""), css]))
        return attrs


class PortalFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = PortalBoundField
