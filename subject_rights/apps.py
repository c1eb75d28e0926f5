from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SubjectRightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "subject_rights"
    verbose_name = _("Rechten van betrokkenen")

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.SubjectRequest, exclude_fields=["request_text", "decision_reason"])
        auditlog.register(models.Rectification)
