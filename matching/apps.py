from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Bemiddeling"

    def ready(self):
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import case_facts, models, subscribers

        case_facts.register()
        subscribers.register()

        for model in (
            models.Profile,
            models.ProfileShare,
            models.Offer,
            models.ProfileMessage,
            models.Match,
            models.Evaluation,
            models.Signal,
            models.CaseMeeting,
            models.ProviderChange,
            models.Handover,
            models.Meeting,
            models.AgendaItem,
            models.Vote,
            models.Attendance,
        ):
            register_with_auditlog(model)
