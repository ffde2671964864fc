"""The Celery application: late acks, reject on worker lost, prefetch 1 (settings.py, CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("lintel")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
