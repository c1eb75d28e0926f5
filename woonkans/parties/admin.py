from django.contrib import admin

from .models import DistributionKeyShare, HousingStock, Organisation, Region


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
