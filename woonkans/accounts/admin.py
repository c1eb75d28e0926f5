from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from woonkans.parties.models import Organisation

from . import credential_services
from .admin_scope import sees_everything
from .credential_views import refusal_response
from .models import RoleAssignment, RoleGrantRequest, User
from .oidc import admin as oidc_admin  # noqa: F401  (registers the provider pages)
from .roles import Role
from .user_services import (
    CREDENTIAL_FIELDS,
    SELF_PROTECTED_FIELDS,
    check_user_change,
    credentials_need_second_approval,
    grant_role,
    manages_users,
    may_manage,
    revoke_role,
    save_user,
)


class RoleAssignmentFormSet(BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # The table's column header is no <label>: name the box for screen readers.
            form.fields["DELETE"].widget.attrs["aria-label"] = str(_("Deze rol verwijderen"))


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 1
    fields = ["role", "granted_at"]
    readonly_fields = ["granted_at"]

    def has_change_permission(self, request, obj=None):
        # A role is given or taken away, never turned into another: that would skip the four eyes.
        return False

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "role":
            # A table row has no <label> per field: name the choice for screen readers.
            field.widget.attrs["aria-label"] = str(_("Rol"))
        return field


class RoleGrantRequestInline(admin.TabularInline):
    """Roles asked for this user that need, or had, a second administrator's approval."""

    model = RoleGrantRequest
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = ["role", "status", "requested_by", "requested_at", "decided_by", "decided_at"]
    readonly_fields = fields
    verbose_name_plural = _("Rolaanvragen (vier ogen)")

    def has_view_permission(self, request, obj=None):
        return manages_users(request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PasswordChangeForm(AdminPasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            # Django adds an English warning to this help text, outside its translations.
            self.fields["usable_password"].help_text = _(
                "Uitschakelen betekent dat de gebruiker niet meer met een wachtwoord kan inloggen; "
                "het huidige wachtwoord gaat dan verloren."
            )


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    change_password_form = PasswordChangeForm
    inlines = [RoleAssignmentInline, RoleGrantRequestInline]
    list_display = ["username", "first_name", "last_name", "organisation", "is_active", "last_login"]
    list_filter = ["organisation__kind", "is_active", "role_assignments__role"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email"]
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

    def has_change_permission(self, request, obj=None):
        if obj is not None and (obj.pk == request.user.pk or not may_manage(request.user, obj.organisation_id)):
            # One's own account is shown, not changed here (nor its password): another administrator does that.
            return False
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and credentials_need_second_approval(request.user, obj):
            # Another organisation's user: a new e-mail address or username is asked for (four eyes).
            fields += ["username", "email"]
        return fields

    def user_change_password(self, request, id, form_url=""):
        user = self.get_object(request, unquote(id))
        if (
            user is not None
            and user.pk != request.user.pk
            and may_manage(request.user, user.organisation_id)
            and credentials_need_second_approval(request.user, user)
        ):
            return refusal_response(request, user)
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302 and user is not None:
            # The helpdesk path within one's own organisation: logged, and the user is logged out.
            credential_services.record_password_set(actor=request.user, user=user)
        return response

    def get_inlines(self, request, obj):
        # A new user has no role requests yet.
        return self.inlines if obj is not None else [RoleAssignmentInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET" and str(object_id) == str(request.user.pk):
            messages.info(
                request,
                _("Dit is je eigen account. Je organisatie, rollen en status wijzigt een andere beheerder."),
            )
        elif request.method == "GET" and str(object_id).isdigit():
            messages.info(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    _(
                        "Wachtwoord en tweede factor herstellen, of e-mailadres en gebruikersnaam van buiten je eigen "
                        "organisatie wijzigen:"
                    ),
                    reverse("credential_change", kwargs={"user_id": object_id}),
                    _("Inloggegevens beheren"),
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A plain choice, not select2's autocomplete: that one has no accessible name (axe), and an
        # organisation's administrator must not search all organisations anyway.
        if db_field.name == "organisation" and not sees_everything(request.user):
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
            kwargs["initial"] = request.user.organisation_id
            kwargs["empty_label"] = None
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "organisation" and field is not None and hasattr(field.widget, "can_add_related"):
            # Organisations are managed on their own page, by the operator only.
            field.widget.can_add_related = field.widget.can_change_related = field.widget.can_view_related = False
        return field

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        actor = request.user

        class ManagedUserForm(base):
            def clean(self):
                cleaned_data = super().clean()
                organisation = cleaned_data.get("organisation", self.instance.organisation)
                changed = [name for name in self.changed_data if name in (*SELF_PROTECTED_FIELDS, *CREDENTIAL_FIELDS)]
                try:
                    check_user_change(
                        actor=actor,
                        user=self.instance,
                        changed=changed,
                        organisation_id=organisation.pk if organisation else None,
                    )
                except ValidationError as error:
                    self.add_error(None, error)
                return cleaned_data

        ManagedUserForm.__name__ = base.__name__
        return ManagedUserForm

    def save_model(self, request, obj, form, change):
        try:
            requests = save_user(actor=request.user, user=obj)
        except ValidationError as error:
            # The form checked the same rules; a refusal here means the data changed underneath.
            raise PermissionDenied from error
        for grant_request in requests:
            self._tell_pending(request, grant_request)

    def save_formset(self, request, form, formset, change):
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        try:
            for assignment in formset.deleted_objects:
                revoke_role(actor=request.user, assignment=assignment)
            for assignment in formset.new_objects:
                result = grant_role(actor=request.user, user=form.instance, role=assignment.role)
                if isinstance(result, RoleGrantRequest):
                    self._tell_pending(request, result)
        except ValidationError as error:
            raise PermissionDenied from error
        return None

    def _tell_pending(self, request, grant_request):
        messages.warning(
            request,
            format_html(
                '{} <a href="{}">{}</a>',
                _("De rol %(role)s binnen %(organisation)s gaat pas in als een tweede beheerder hem goedkeurt.")
                % {"role": Role(grant_request.role).label, "organisation": grant_request.organisation.name},
                reverse("role_requests"),
                _("Naar de rolaanvragen"),
            ),
        )
