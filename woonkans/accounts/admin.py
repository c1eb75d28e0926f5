from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation

from .admin_scope import sees_everything
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
        queryset = super().get_queryset(request).distinct()
        if sees_everything(request.user):
            return queryset
        # An organisation's administrator manages the organisation's own users only.
        return queryset.filter(organisation_id=request.user.organisation_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not sees_everything(request.user):
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        # The autocomplete would search all organisations; a plain choice of one is enough here.
        return self.autocomplete_fields if sees_everything(request.user) else []

    def save_model(self, request, obj, form, change):
        if not sees_everything(request.user):
            obj.organisation_id = request.user.organisation_id  # whatever was posted
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            # Deactivated here, as by an access review: logged out everywhere, at once and for good
            # (an inactive user's session would otherwise come back to life on reactivation).
            end_sessions(obj)
