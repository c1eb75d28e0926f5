from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "monitoring"

    def ready(self):
        from woonkans import events

        from . import services

        # After every business action on a case, after its commit (woonkans.events).
        events.subscribe(events.CaseChanged, services.on_case_changed)
