from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "woonkans.privacy"
    label = "privacy"

    def ready(self):
        from . import checks  # noqa: F401  (registers the key check and the personal-data check)
