from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "woonkans.privacy"
    label = "privacy"
