from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Aanmeldingen"

    def ready(self):
        from auditlog.registry import auditlog

        from . import case_facts, models

        case_facts.register()

        auditlog.register(models.Referral)
        # The change log must not become a second, unencrypted copy of the BSN.
        auditlog.register(models.Identity, exclude_fields=["bsn", "bsn_index"])
        auditlog.register(models.Research, m2m_fields={"search_area"})
        auditlog.register(models.Consent)
        auditlog.register(models.Document, exclude_fields=["path", "sha256"])
        auditlog.register(models.Feedback)
        auditlog.register(models.ExceptionRequest)
