from django.apps import AppConfig


class PartiesConfig(AppConfig):
    name = "woonkans.parties"
    label = "parties"
    verbose_name = "Partijen"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        for model in (
            models.Region,
            models.Organisation,
            models.HousingStock,
            models.DistributionKeyShare,
            models.AgreementTerm,
        ):
            auditlog.register(model)
