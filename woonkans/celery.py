"""The Celery app. Without CELERY_BROKER_URL the settings make every task eager."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "woonkans.settings")

app = Celery("woonkans")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
