from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "woonkans.notifications"
    label = "notifications"
    verbose_name = "Notificaties"
