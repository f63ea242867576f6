from django.apps import AppConfig


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "宣传出版"
    default_auto_field = "django.db.models.BigAutoField"
