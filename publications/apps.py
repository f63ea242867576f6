from django.apps import AppConfig

from core.sections import register_member_section


class PublicationsConfig(AppConfig):
    name = "publications"
    verbose_name = "宣传出版"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because Django requires it: sections read models, loaded after apps.
        from .sections import featured_articles_context

        register_member_section(
            key="publications",
            title="报道我的文章",
            template="publications/me/section.html",
            context=featured_articles_context,
            order=60,
        )
