import django_filters

from core.api.filtering import BoundedFilterSet

from ..models import Workshop


class WorkshopFilter(BoundedFilterSet):
    branch = django_filters.NumberFilter(field_name="branch_id", help_text="分会ID")
    status = django_filters.MultipleChoiceFilter(choices=Workshop.Status.choices, help_text="状态（可多选）")
    kind = django_filters.ChoiceFilter(choices=Workshop.Kind.choices, help_text="建设类型")
    leader = django_filters.NumberFilter(field_name="leader_id", help_text="负责人（劳模工匠ID）")

    class Meta:
        model = Workshop
        fields = ["branch", "status", "kind", "leader"]
