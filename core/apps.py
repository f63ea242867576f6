from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Registers the deploy checks (check --deploy): SITE_URL and the signing key.
        from core import checks  # noqa: F401
