from django.contrib import admin
from django.utils.text import capfirst

from .models import LeadTimeTarget


@admin.register(LeadTimeTarget)
class LeadTimeTargetAdmin(admin.ModelAdmin):
    list_display = ["step", "amount", "unit"]
    list_editable = ["amount", "unit"]
    fields = ["step", "amount", "unit"]

    def get_readonly_fields(self, request, obj=None):
        # The steps are fixed by the route; only their target is data.
        return ["step"] if obj is not None else []

    def get_changelist_form(self, request, **kwargs):
        """The list's inputs stand in table cells without a <label>: name each by its column and row,
        so a screen reader says "Aantal – Aanmelding tot profiel" instead of an unnamed field."""
        base = super().get_changelist_form(request, **kwargs)

        class LabelledForm(base):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                row = self.instance.get_step_display() if self.instance.pk else ""
                for name, field in self.fields.items():
                    field.widget.attrs["aria-label"] = f"{capfirst(field.label or name)} – {row}".rstrip(" –")

        return LabelledForm
