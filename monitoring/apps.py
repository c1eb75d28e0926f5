from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self):
        from woonkans import events
        from woonkans.privacy.personal_data import register_with_auditlog

        from . import models, services, tasks

        register_with_auditlog(models.WerkgroepMember)
        register_with_auditlog(models.WerkgroepMeeting)

        # After every business action on a case, after its commit (woonkans.events).
        events.subscribe(events.CaseChanged, services.on_case_changed)
        # Then the figures follow the facts: recomputed once, now (a worker; in-process without a
        # broker), not by the next reader of the page.
        events.subscribe(events.CaseChanged, tasks.on_case_changed)
