from django.apps import AppConfig


class GuaranteeFundConfig(AppConfig):
    name = "guarantee_fund"
    verbose_name = "Garantiefonds"

    def ready(self):
        from woonkans import worklist
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import models, selectors, subscribers

        worklist.register(selectors.worklist_counts)
        for model in (
            models.ContributionRound,
            models.Contribution,
            models.Claim,
            models.ClaimLine,
            models.ClaimDocument,
            models.ClaimConsultation,
            models.ClaimDeviation,
        ):
            register_with_auditlog(model)
        subscribers.register()
