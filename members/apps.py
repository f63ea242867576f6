from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "名册与证明"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import signals  # noqa: F401
