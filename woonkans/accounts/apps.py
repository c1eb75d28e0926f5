from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "woonkans.accounts"
    label = "accounts"
    verbose_name = "Gebruikers en inloggen"

    def ready(self):
        from auditlog.registry import auditlog
        from django.db.models.signals import post_migrate

        from woonkans import worklist

        from . import models, signals  # noqa: F401  (connects the receivers)
        from .services import ensure_role_groups
        from .workbench import worklist_counts

        worklist.register(worklist_counts)

        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.RoleAssignment)
        auditlog.register(models.RoleGrantRequest)
        auditlog.register(models.LoggingAcceptance)
        auditlog.register(models.AccessReview)
        auditlog.register(models.AccessReviewItem)
        # Who registered which provider, and which subject was bound to which account (never the secret).
        auditlog.register(
            models.OidcProvider, exclude_fields=["client_secret", "status_ok", "status_message", "status_at"]
        )
        auditlog.register(models.OidcIdentity)
        post_migrate.connect(ensure_role_groups, sender=self)
