from django.apps import AppConfig

from core.sections import register_member_section


class WellbeingConfig(AppConfig):
    name = "wellbeing"
    verbose_name = "关心关爱"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because Django requires it: sections read models, loaded after apps.
        from .sections import care_section_context, trips_section_context

        register_member_section(
            key="wellbeing_trips",
            title="我的疗休养",
            template="wellbeing/me/trips.html",
            context=trips_section_context,
            order=55,
        )
        register_member_section(
            key="wellbeing_care",
            title="生日祝福与诉求办理",
            template="wellbeing/me/care_section.html",
            context=care_section_context,
            order=60,
        )
