from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectRightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subject_rights"
    verbose_name = _("Rechten van betrokkenen")

    def ready(self):
        from woonkans import worklist
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import models, selectors

        worklist.register(selectors.worklist_counts)
        register_with_auditlog(models.SubjectRequest)
        register_with_auditlog(models.Rectification)
