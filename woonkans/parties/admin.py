from django.contrib import admin

from .models import AgreementTerm, DistributionKeyShare, HousingStock, Organisation, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["name", "annual_housing_target", "code_letter"]


class HousingStockInline(admin.TabularInline):
    model = HousingStock
    fk_name = "corporation"
    extra = 0
    autocomplete_fields = ["municipality"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "region", "joined_on", "notice_given_on", "left_on"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "legal_name"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["region"]

    def get_inlines(self, request, obj):
        return [HousingStockInline] if obj is not None and obj.kind == "corporation" else []


@admin.register(HousingStock)
class HousingStockAdmin(admin.ModelAdmin):
    list_display = ["corporation", "municipality", "homes", "is_demo_figure"]
    list_filter = ["corporation", "is_demo_figure"]
    list_select_related = ["corporation", "municipality"]


@admin.register(DistributionKeyShare)
class DistributionKeyShareAdmin(admin.ModelAdmin):
    list_display = ["municipality", "basis_points", "is_demo_figure"]
    list_select_related = ["municipality"]


@admin.register(AgreementTerm)
class AgreementTermAdmin(admin.ModelAdmin):
    """The agreement's term (SOK Art. 10.3, 12): one row, changed only when the parties change the agreement."""

    list_display = ["starts_on", "initial_years", "renewal_years", "non_renewal_notice_months", "leaving_notice_months"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not AgreementTerm.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
