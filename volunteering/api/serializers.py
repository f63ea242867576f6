"""Serializers of the service-events API: every field named; status and team's branch never written."""

from decimal import Decimal

from rest_framework import serializers

from core.api.base import ScopedPrimaryKeyRelatedField
from core.parsing import validate_reasonable_date
from members.models import Member

from ..models import Course, Participation, ServiceEvent, ServiceTeam
from ..models.events import MAX_EVENT_HOURS


class ParticipationSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="member.name", read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Participation
        fields = ["id", "member", "member_name", "role", "role_label", "hours"]
        read_only_fields = fields


class ServiceEventSerializer(serializers.ModelSerializer):
    team_name = serializers.CharField(source="team.name", read_only=True)
    branch = serializers.IntegerField(source="team.branch_id", read_only=True, help_text="所属分会ID")
    category_label = serializers.CharField(source="get_category_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    participations = ParticipationSerializer(many=True, read_only=True)
    total_hours = serializers.DecimalField(
        max_digits=8, decimal_places=1, read_only=True, help_text="参与人员服务时长合计（小时）"
    )

    class Meta:
        model = ServiceEvent
        fields = [
            "id", "title", "category", "category_label", "team", "team_name", "branch", "date", "duration_hours",
            "place", "course", "audience_count", "description", "outcome", "status", "status_label",
            "participations", "total_hours",
        ]  # fmt: skip
        read_only_fields = fields


class ServiceEventCreateSerializer(serializers.Serializer):
    """Plan an event for a team the user may see (an officer: their own branch's teams)."""

    team = ScopedPrimaryKeyRelatedField(queryset=ServiceTeam.objects.all(), help_text="服务队ID")
    title = serializers.CharField(max_length=200, help_text="活动名称")
    category = serializers.ChoiceField(choices=ServiceEvent.Category.choices, help_text="类别")
    # Declared by hand, so the model's validators are named again here.
    date = serializers.DateField(validators=[validate_reasonable_date], help_text="日期")
    duration_hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=MAX_EVENT_HOURS,
        help_text="时长（小时）",
    )
    place = serializers.CharField(max_length=200, help_text="地点")
    course = ScopedPrimaryKeyRelatedField(
        queryset=Course.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="双百课程ID（仅送课）",
    )
    audience_count = serializers.IntegerField(
        min_value=0, max_value=1_000_000, default=0, help_text="受益人数"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="活动内容")


class ServiceEventCompleteSerializer(serializers.Serializer):
    outcome = serializers.CharField(required=False, allow_null=True, default=None, help_text="服务成效")


class ParticipationRecordSerializer(serializers.Serializer):
    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="劳模工匠ID")
    hours = serializers.DecimalField(
        max_digits=6,
        decimal_places=1,
        min_value=Decimal("0.5"),
        max_value=MAX_EVENT_HOURS,
        help_text="服务时长（小时）",
    )
    role = serializers.ChoiceField(
        choices=Participation.Role.choices, default=Participation.Role.VOLUNTEER, help_text="角色"
    )
