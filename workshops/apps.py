from django.apps import AppConfig

from core.sections import register_member_section, register_record_section


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "劳模工匠之家"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Imported here because Django requires it: sections read models, loaded after apps.
        from .sections import member_workshop_context

        register_member_section(
            key="workshops",
            title="我的劳模工匠之家",
            template="workshops/me/section.html",
            context=member_workshop_context,
            order=20,
        )
        # The printed 登记表 of a member (members/services/registration_form.py).
        from .documents import member_workshop_lines

        register_record_section(key="workshops", title="劳模工匠之家", lines=member_workshop_lines, order=20)
