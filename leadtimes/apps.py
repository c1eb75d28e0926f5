from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class LeadTimesConfig(AppConfig):
    name = "leadtimes"
    verbose_name = _("Doorlooptijden")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from woonkans.accounts.services import ensure_role_groups

        # This app migrates after accounts: give the administrators its permissions once they exist.
        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="leadtimes-role-groups")
