from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "劳模工匠之家"
    default_auto_field = "django.db.models.BigAutoField"
