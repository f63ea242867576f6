"""The project package as an app: its management commands (backup, restore).

Celery tasks are registered by the Celery app's ``autodiscover_tasks()`` (``laomo_portal.celery``),
the one mechanism for every app's ``tasks.py``.
"""

from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "laomo_portal"
    verbose_name = "劳模工匠管理平台"
