from django.apps import AppConfig

from core.sections import register_member_section, register_record_section


class VolunteeringConfig(AppConfig):
    name = "volunteering"
    verbose_name = "志愿服务"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because Django requires it: sections read models, loaded after apps.
        from .sections import member_service_record

        register_member_section(
            key="volunteering",
            title="志愿服务记录",
            template="volunteering/me/section.html",
            context=member_service_record,
            order=30,
        )
        # The printed 登记表 of a member (members/services/registration_form.py).
        from .documents import member_volunteering_lines

        register_record_section(key="volunteering", title="志愿服务", lines=member_volunteering_lines, order=30)
