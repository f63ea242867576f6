from django.apps import AppConfig


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "关心关爱"
    default_auto_field = "django.db.models.BigAutoField"
