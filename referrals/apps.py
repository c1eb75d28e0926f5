from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = "Aanmeldingen"

    def ready(self):
        from woonkans import worklist
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import case_facts, models, selectors

        case_facts.register()
        worklist.register(selectors.worklist_counts)

        register_with_auditlog(models.Referral)
        # The change log masks or leaves out what each model's personal_data says (the BSN: left out).
        register_with_auditlog(models.Identity)
        register_with_auditlog(models.Research, m2m_fields={"search_area"})
        register_with_auditlog(models.Consent)
        register_with_auditlog(models.Document)
        register_with_auditlog(models.Feedback)
        register_with_auditlog(models.ExceptionRequest)
