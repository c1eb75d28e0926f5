from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import RoleAssignment, User
from .reviews import end_sessions


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "last_login"]
    list_filter = ["organisation__kind", "is_active", "role_assignments__role"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
    autocomplete_fields = ["organisation"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Persoon"), {"fields": ("first_name", "last_name", "email")}),
        (_("Organisatie"), {"fields": ("organisation", "is_active")}),
        (_("Tijden"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "organisation", "password1", "password2")}),)
    readonly_fields = ["last_login", "date_joined"]

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Deactivated here, as by an access review: logged out everywhere, at once and for good
            # (an inactive user's session would otherwise come back to life on reactivation).
            end_sessions(obj)
