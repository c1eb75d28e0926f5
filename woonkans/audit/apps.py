from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "woonkans.audit"
    label = "audit"
    verbose_name = "Logboek"

    def ready(self):
        from . import signals  # noqa: F401  (connects the login-log receivers)
