from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = "Bemiddeling"

    def ready(self):
        from woonkans import worklist
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import case_facts, models, subscribers, worklist_selectors

        case_facts.register()
        worklist.register(worklist_selectors.worklist_counts)
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
