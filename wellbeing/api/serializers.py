"""Serializers of the wellbeing API (trips, quotas, nominations); every field named."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.api.base import ScopedPrimaryKeyRelatedField
from core.idcard import mask_id_number
from core.roles import is_association_staff
from members.models import Member

from ..models import ConvalescenceTrip, Nomination, TripQuota


class TripSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConvalescenceTrip
        fields = [
            "id", "name", "year", "region", "route", "destination", "start_date", "end_date",
            "capacity", "cost_per_person", "description", "status", "status_note", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class QuotaTripSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConvalescenceTrip
        fields = ["id", "name", "year", "route", "destination", "start_date", "end_date", "status"]
        read_only_fields = fields


class TripQuotaSerializer(serializers.ModelSerializer):
    trip = QuotaTripSerializer(read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)

    class Meta:
        model = TripQuota
        fields = ["id", "trip", "branch", "branch_name", "places"]
        read_only_fields = fields


class PriorityPartSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    points = serializers.DecimalField(max_digits=8, decimal_places=2, read_only=True, coerce_to_string=False)


class NominationSerializer(serializers.ModelSerializer):
    """A nomination; branch, status, score and decision are read-only (set by the services)."""

    trip = serializers.PrimaryKeyRelatedField(
        queryset=ConvalescenceTrip.objects.all(), help_text="疗休养团ID（只能推荐到本分会有名额的团）"
    )
    member = ScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), help_text="劳模工匠ID（本分会在册会员）"
    )
    member_name = serializers.CharField(source="member.name", read_only=True)
    member_id_number = serializers.SerializerMethodField(help_text="身份证号（分会工作人员看到的已脱敏）")
    trip_name = serializers.CharField(source="trip.name", read_only=True)
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    priority_parts = serializers.SerializerMethodField(help_text="优先分构成（只读）")

    class Meta:
        model = Nomination
        fields = [
            "id", "trip", "trip_name", "member", "member_name", "member_id_number", "branch", "branch_name",
            "status", "priority_score", "priority_group", "priority_parts", "reason", "decision_note",
            "room_number", "created_at", "decided_at",
        ]  # fmt: skip
        read_only_fields = [
            "branch", "status", "priority_score", "priority_group", "decision_note", "room_number",
            "created_at", "decided_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField())
    def get_member_id_number(self, obj) -> str:
        request = self.context.get("request")
        if request is not None and is_association_staff(request.user):
            return obj.member.id_number
        return mask_id_number(obj.member.id_number)

    @extend_schema_field(PriorityPartSerializer(many=True))
    def get_priority_parts(self, obj):
        return [
            {"label": str(p.get("label", "")), "points": p.get("points", 0)}
            for p in (obj.priority_parts or [])
        ]


class DecisionNoteSerializer(serializers.Serializer):
    note = serializers.CharField(
        required=False, allow_blank=True, max_length=300, default="", help_text="说明"
    )
