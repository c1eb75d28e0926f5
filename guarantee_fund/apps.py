from django.apps import AppConfig


class GuaranteeFundConfig(AppConfig):
    name = "guarantee_fund"
    verbose_name = "Garantiefonds"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.ContributionRound,
            models.Contribution,
            models.Claim,
            models.ClaimLine,
            models.ClaimDocument,
        ):
            auditlog.register(model)
