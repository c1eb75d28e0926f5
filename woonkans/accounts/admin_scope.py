"""Each organisation's administrator manages its own people; the operator's administrators manage all.

The Django admin has no notion of organisations, so the registered admins are narrowed here, once,
when the URLs are loaded (after every app's admin module registered its models):
- users, their second-factor devices and lockouts: only those of the administrator's organisation;
  a device of another organisation's user is never changed here (four eyes, credential_services);
- the programme's own data (regions, organisations, housing stock, distribution key): operator only.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .reviews import is_operator_administrator

PROGRAMME_MODELS = {
    "parties.region",
    "parties.organisation",
    "parties.housingstock",
    "parties.distributionkeyshare",
    "parties.agreementterm",
    "leadtimes.leadtimetarget",
}
USER_OWNED = {"otp_totp.totpdevice": "user__organisation_id", "otp_static.staticdevice": "user__organisation_id"}


def sees_everything(user):
    return user.is_superuser or is_operator_administrator(user)


def _programme_admin(base):
    class ProgrammeAdmin(base):
        def has_module_permission(self, request):
            return sees_everything(request.user) and super().has_module_permission(request)

        def has_view_permission(self, request, obj=None):
            return sees_everything(request.user) and super().has_view_permission(request, obj)

        def has_add_permission(self, request, *args):
            return sees_everything(request.user) and super().has_add_permission(request, *args)

        def has_change_permission(self, request, obj=None):
            return sees_everything(request.user) and super().has_change_permission(request, obj)

        def has_delete_permission(self, request, obj=None):
            return sees_everything(request.user) and super().has_delete_permission(request, obj)

    ProgrammeAdmin.__name__ = base.__name__
    return ProgrammeAdmin


def _own_organisation_admin(base, lookup):
    class OwnOrganisationAdmin(base):
        def get_queryset(self, request):
            queryset = super().get_queryset(request)
            if sees_everything(request.user):
                return queryset
            return queryset.filter(**{lookup: request.user.organisation_id})

    OwnOrganisationAdmin.__name__ = base.__name__
    return OwnOrganisationAdmin


def _device_admin(base, lookup):
    """Second factors: deleting, adding or changing one lets its maker sign in as its owner.

    Within the administrator's own organisation a lost phone is handled here (logged, the user
    logged out); a device of another organisation's user is refused with the way to ask for a
    reset that a second administrator approves. Nobody reads a secret or a backup code of such a user.
    """
    from django.core.exceptions import PermissionDenied, ValidationError

    from . import credential_services
    from .credential_views import refusal_response
    from .user_services import credentials_need_second_approval

    def guarded(request, device):
        return device is not None and credentials_need_second_approval(request.user, device.user)

    class DeviceAdmin(_own_organisation_admin(base, lookup)):
        def _refused(self, request, object_id):
            device = self.get_object(request, object_id) if object_id else None
            return refusal_response(request, device.user) if guarded(request, device) else None

        def has_view_permission(self, request, obj=None):
            return not guarded(request, obj) and super().has_view_permission(request, obj)

        def has_change_permission(self, request, obj=None):
            return not guarded(request, obj) and super().has_change_permission(request, obj)

        def has_delete_permission(self, request, obj=None):
            return not guarded(request, obj) and super().has_delete_permission(request, obj)

        def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
            return self._refused(request, object_id) or super().changeform_view(
                request, object_id, form_url, extra_context
            )

        def delete_view(self, request, object_id, extra_context=None):
            return self._refused(request, object_id) or super().delete_view(request, object_id, extra_context)

        def history_view(self, request, object_id, extra_context=None):
            return self._refused(request, object_id) or super().history_view(request, object_id, extra_context)

        def config_view(self, request, pk):
            return self._refused(request, pk) or super().config_view(request, pk)

        def qrcode_view(self, request, pk):
            return self._refused(request, pk) or super().qrcode_view(request, pk)

        def get_form(self, request, obj=None, **kwargs):
            base_form = super().get_form(request, obj, **kwargs)

            class DeviceForm(base_form):
                def clean(self):
                    cleaned_data = super().clean()
                    user = cleaned_data.get("user")
                    if user is not None and credentials_need_second_approval(request.user, user):
                        raise ValidationError(credential_services.CREDENTIAL_REFUSAL)
                    return cleaned_data

            DeviceForm.__name__ = base_form.__name__
            return DeviceForm

        def save_model(self, request, obj, form, change):
            if credentials_need_second_approval(request.user, obj.user):
                raise PermissionDenied
            super().save_model(request, obj, form, change)
            credential_services.record_device_saved(actor=request.user, device=obj, created=not change)

        def delete_model(self, request, obj):
            try:
                credential_services.delete_device(actor=request.user, device=obj)
            except ValidationError as error:
                raise PermissionDenied from error

        def delete_queryset(self, request, queryset):
            # The bulk action: all or nothing, each one checked and logged like a single delete.
            for device in list(queryset.select_related("user")):
                if guarded(request, device):
                    raise PermissionDenied
            for device in list(queryset):
                self.delete_model(request, device)

    DeviceAdmin.__name__ = base.__name__
    return DeviceAdmin


def _attempts_admin(base):
    class OwnOrganisationAttemptsAdmin(base):
        def get_queryset(self, request):
            queryset = super().get_queryset(request)
            if sees_everything(request.user):
                return queryset
            usernames = get_user_model().objects.filter(organisation_id=request.user.organisation_id)
            return queryset.filter(username__in=usernames.values("username"))

    OwnOrganisationAttemptsAdmin.__name__ = base.__name__
    return OwnOrganisationAttemptsAdmin


# Add-ons whose names the management screens would show in English (they have no Dutch).
APP_NAMES = {
    "axes": _("Inlogpogingen"),
    "otp_totp": _("Tweede factor"),
    "otp_static": _("Reservecodes"),
    "auditlog": _("Wijzigingen"),
    "guardian": _("Rechten per zaak"),
}
MODEL_NAMES = {
    "otp_totp.totpdevice": (_("authenticator-app"), _("authenticator-apps")),
    "otp_static.staticdevice": (_("set reservecodes"), _("sets reservecodes")),
    "otp_static.statictoken": (_("reservecode"), _("reservecodes")),
    "guardian.userobjectpermission": (_("recht van een gebruiker op een object"), _("rechten van gebruikers")),
    "guardian.groupobjectpermission": (_("recht van een groep op een object"), _("rechten van groepen")),
}


def name_in_dutch():
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    for label, (singular, plural) in MODEL_NAMES.items():
        opts = apps.get_model(label)._meta
        opts.verbose_name, opts.verbose_name_plural = singular, plural


def scope_admin_site(site):
    name_in_dutch()
    for model, model_admin in list(site._registry.items()):
        label = model._meta.label_lower
        if label in PROGRAMME_MODELS:
            scoped = _programme_admin(type(model_admin))
        elif label in USER_OWNED:
            scoped = _device_admin(type(model_admin), USER_OWNED[label])
        elif label == "axes.accessattempt":
            scoped = _attempts_admin(type(model_admin))
        else:
            continue
        site.unregister(model)
        site.register(model, scoped)
