"""The organisation's administrator registers its provider here and tests the connection.

A registration, or a change of anything but switching it off, is used for sign-in only after a second
administrator approves it (the actions on the list; see approval.py).

An administrator sees and edits only their own organisation's provider and bound accounts (the
operator's administrators all of them). The secret is write-only: the form never shows it.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from woonkans.parties.models import Organisation

from ..admin_scope import sees_everything
from . import approval
from .client import check_connection
from .models import OidcIdentity, OidcProvider
from .services import note_status


class SecretField(forms.CharField):
    def has_changed(self, initial, data):
        # Never shown, so always posted empty: only a newly typed secret is a change (and needs approval).
        return bool(data)


class OidcProviderForm(forms.ModelForm):
    issuer = forms.URLField(
        label=_("Issuer"),
        max_length=300,
        assume_scheme="https",
        help_text=OidcProvider._meta.get_field("issuer").help_text,
    )
    client_secret = SecretField(
        label=_("Client-secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Wordt versleuteld opgeslagen en nooit meer getoond. Laat leeg om het huidige te houden."),
    )

    class Meta:
        model = OidcProvider
        fields = [
            "organisation",
            "enabled",
            "issuer",
            "client_id",
            "client_secret",
            "scopes",
            "match_claim",
            "match_on",
            "require_email_verified",
            "mfa_amr_values",
            "mfa_acr_values",
        ]

    def clean_client_secret(self):
        secret = self.cleaned_data.get("client_secret", "")
        if not secret and not (self.instance.pk and self.instance.client_secret):
            raise forms.ValidationError(_("Vul het client-secret in."))
        return secret or self.instance.client_secret

    def clean_issuer(self):
        return self.cleaned_data["issuer"].strip()


@admin.register(OidcProvider)
class OidcProviderAdmin(admin.ModelAdmin):
    form = OidcProviderForm
    list_display = ["organisation", "enabled", "approval_display", "issuer", "status_display", "status_at"]
    list_select_related = ["organisation"]
    readonly_fields = ["approval_display", "status_display", "status_at"]
    actions = ["approve", "refuse"]

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .select_related("organisation")
            .annotate(has_pending=Exists(approval.pending_requests().filter(provider=OuterRef("pk"))))
        )
        if sees_everything(request.user):
            return queryset
        return queryset.filter(organisation_id=request.user.organisation_id)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not sees_everything(request.user):
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not sees_everything(request.user):
            kwargs["queryset"] = Organisation.objects.filter(pk=request.user.organisation_id)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not sees_everything(request.user) and obj.organisation_id != request.user.organisation_id:
            raise PermissionDenied
        if change and "issuer" in form.changed_data:
            # Subjects are only unique per issuer: another provider's subjects are bound afresh.
            OidcIdentity.objects.filter(provider=obj).delete()
        super().save_model(request, obj, form, change)
        # Switching it off needs nobody's approval; anything else waits for a second administrator.
        if not change or set(form.changed_data) - {"enabled"}:
            approval.ask_approval(actor=request.user, provider=obj)
            messages.warning(
                request,
                _(
                    "De inlogdienst wordt pas gebruikt als een tweede beheerder de aanmelding heeft goedgekeurd "
                    "(een andere beheerder van je organisatie of Functioneel beheer Woonkans)."
                ),
            )

    @admin.display(description=_("goedkeuring"))
    def approval_display(self, obj):
        if obj.approved:
            return _("Goedgekeurd")
        if obj.has_pending:
            return _("Wacht op een tweede beheerder")
        return _("Afgewezen")

    def _decide(self, request, queryset, approve, done):
        for provider in queryset:
            try:
                approval.decide(actor=request.user, provider=provider, approve=approve)
            except PermissionDenied:
                self.message_user(request, _("Over deze aanmelding mag je niet beslissen."), messages.ERROR)
            except ValidationError as error:
                self.message_user(request, f"{provider}: {' '.join(error.messages)}", messages.ERROR)
            else:
                self.message_user(request, f"{provider}: {done}", messages.SUCCESS)

    @admin.action(description=_("Aanmelding goedkeuren (tweede beheerder)"), permissions=["change"])
    def approve(self, request, queryset):
        self._decide(request, queryset, True, _("goedgekeurd, de inlogdienst wordt gebruikt."))

    @admin.action(description=_("Aanmelding afwijzen"), permissions=["change"])
    def refuse(self, request, queryset):
        self._decide(request, queryset, False, _("afgewezen, de inlogdienst wordt niet gebruikt."))

    @admin.display(description=_("verbinding"))
    def status_display(self, obj):
        if obj.status_ok is None:
            return _("Nog niet getest")
        label = _("In orde") if obj.status_ok else _("Fout")
        return format_html("{}: {}", label, obj.status_message)

    def get_urls(self):
        check = self.admin_site.admin_view(require_POST(self.check_view))
        return [
            path("<int:object_id>/verbinding-testen/", check, name="accounts_oidcprovider_check")
        ] + super().get_urls()

    def check_view(self, request, object_id):
        provider = get_object_or_404(self.get_queryset(request), pk=object_id)
        if not self.has_change_permission(request, provider):
            raise PermissionDenied
        ok, message = check_connection(provider)
        note_status(provider=provider, ok=ok, message=message)
        messages.add_message(request, messages.SUCCESS if ok else messages.ERROR, message)
        return redirect(reverse("admin:accounts_oidcprovider_change", args=[provider.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "check_url": reverse("admin:accounts_oidcprovider_check", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(OidcIdentity)
class OidcIdentityAdmin(admin.ModelAdmin):
    """Unbinding (delete) lets the next sign-in bind the account again, e.g. after a new organisation account."""

    list_display = ["user", "provider", "bound_at"]
    list_select_related = ["user", "provider__organisation"]
    readonly_fields = ["user", "provider", "subject", "bound_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if sees_everything(request.user):
            return queryset
        return queryset.filter(provider__organisation_id=request.user.organisation_id)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
