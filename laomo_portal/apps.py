"""The project package as an app: management commands (backup, restore) and task loading."""

from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig

PORTAL_APPS = ("members", "workshops", "volunteering", "wellbeing", "publications")


class PortalConfig(AppConfig):
    name = "laomo_portal"
    verbose_name = "劳模工匠管理平台"

    def ready(self):
        # Register every app's Celery tasks at start-up rather than on first use, so that a
        # task never depends on whether its module happened to be imported yet.
        for app in PORTAL_APPS:
            if find_spec(f"{app}.tasks") is not None:
                import_module(f"{app}.tasks")
