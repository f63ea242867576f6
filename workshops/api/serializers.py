"""Serializers of the workshops API: every field named; status and branch are never written by them."""

from rest_framework import serializers

from core.api.base import ScopedPrimaryKeyRelatedField
from core.parsing import validate_reasonable_date
from members.models import Branch, Member

from ..models import Workshop


class WorkshopSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    leader_name = serializers.CharField(source="leader.name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Workshop
        fields = [
            "id", "name", "host_unit", "kind", "kind_label", "branch", "branch_name", "address", "leader",
            "leader_name", "established_on", "description", "status", "status_label", "naming_document_number",
            "named_on", "last_reviewed_year", "revoked_on", "revoked_reason", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class WorkshopApplySerializer(serializers.Serializer):
    """A new house's application (申报). An officer's house always belongs to their own branch."""

    name = serializers.CharField(max_length=100, help_text="名称")
    host_unit = serializers.CharField(max_length=200, help_text="依托单位")
    kind = serializers.ChoiceField(choices=Workshop.Kind.choices, help_text="建设类型")
    address = serializers.CharField(max_length=200, help_text="地址")
    leader = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="负责人（劳模工匠ID）")
    established_on = serializers.DateField(
        required=False, allow_null=True, validators=[validate_reasonable_date], help_text="成立日期"
    )
    description = serializers.CharField(required=False, allow_blank=True, default="", help_text="简介")
    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(),
        required=False,
        help_text="所属分会ID（仅协会工作人员填写；分会工作人员固定为本分会）",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="申报说明")


class WorkshopTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Workshop.Status.choices, help_text="目标状态")
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text="意见")
    naming_document_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100, help_text="命名文号（命名时必填）"
    )
    named_on = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[validate_reasonable_date],
        help_text="命名日期（命名时必填）",
    )  # fmt: skip
    review_year = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=2000, max_value=2100, help_text="复核年度"
    )
    reason = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="原因（撤销、不通过时必填）"
    )
