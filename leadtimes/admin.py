from django.contrib import admin

from .models import LeadTimeTarget


@admin.register(LeadTimeTarget)
class LeadTimeTargetAdmin(admin.ModelAdmin):
    list_display = ["step", "amount", "unit"]
    list_editable = ["amount", "unit"]
    fields = ["step", "amount", "unit"]

    def get_readonly_fields(self, request, obj=None):
        # The steps are fixed by the route; only their target is data.
        return ["step"] if obj is not None else []
