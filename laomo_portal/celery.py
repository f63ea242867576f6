"""The Celery app: tasks live in each app's tasks.py (found by ``autodiscover_tasks``), all of
them ``core.tasks.PortalTask``; the beat schedule is ``CELERY_BEAT_SCHEDULE`` in settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "laomo_portal.settings")

app = Celery("laomo_portal", task_cls="core.tasks:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
