"""The Celery app; tasks live in each app's tasks.py, the beat schedule in settings.CELERY_BEAT_SCHEDULE."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")

app = Celery("laomo_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
