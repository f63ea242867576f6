from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "劳模工匠名册"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
