import django_filters

from core.api.filtering import BoundedFilterSet

from ..models import ServiceEvent


class ServiceEventFilter(BoundedFilterSet):
    team = django_filters.NumberFilter(field_name="team_id", help_text="服务队ID")
    branch = django_filters.NumberFilter(field_name="team__branch_id", help_text="分会ID")
    category = django_filters.ChoiceFilter(choices=ServiceEvent.Category.choices, help_text="类别")
    status = django_filters.ChoiceFilter(choices=ServiceEvent.Status.choices, help_text="状态")
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", help_text="起始日期")
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", help_text="截止日期")
    member = django_filters.NumberFilter(
        field_name="participations__member_id", distinct=True, help_text="参与的劳模工匠ID"
    )

    class Meta:
        model = ServiceEvent
        fields = ["team", "branch", "category", "status", "date_from", "date_to", "member"]
