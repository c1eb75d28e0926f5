"""Each organisation's administrator manages its own people; the operator's administrators manage all.

The Django admin has no notion of organisations, so the registered admins are narrowed here, once,
when the URLs are loaded (after every app's admin module registered its models):
- users, their second-factor devices and lockouts: only those of the administrator's organisation;
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
APP_NAMES = {"axes": _("Inlogpogingen"), "otp_totp": _("Tweede factor"), "otp_static": _("Reservecodes")}
MODEL_NAMES = {
    "otp_totp.totpdevice": (_("authenticator-app"), _("authenticator-apps")),
    "otp_static.staticdevice": (_("set reservecodes"), _("sets reservecodes")),
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
            scoped = _own_organisation_admin(type(model_admin), USER_OWNED[label])
        elif label == "axes.accessattempt":
            scoped = _attempts_admin(type(model_admin))
        else:
            continue
        site.unregister(model)
        site.register(model, scoped)
