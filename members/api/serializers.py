"""Serializers of the registry API; every field named, branch/status/user never mass-assigned."""

from rest_framework import serializers

from ..idcard import mask_id_number, mask_phone, normalise, parse_id_number
from ..models import Branch, Honor, Member
from ..roles import is_association_staff
from .base import ScopedPrimaryKeyRelatedField


class BranchSerializer(serializers.ModelSerializer):
    class Meta:
        model = Branch
        fields = ["id", "name", "code", "kind", "active"]
        read_only_fields = fields


class HonorSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="劳模工匠ID")

    class Meta:
        model = Honor
        fields = ["id", "member", "kind", "level", "title", "year", "awarding_body", "document_number"]

    def validate(self, attrs):
        instance = Honor(**{**({} if self.instance is None else _values(self.instance)), **attrs})
        instance.clean()
        return attrs


def _values(instance):
    return {f.name: getattr(instance, f.name) for f in instance._meta.concrete_fields if f.name != "id"}


class MemberHonorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Honor
        fields = ["id", "kind", "level", "title", "year", "awarding_body"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    """A member; ID number and phone are masked for every role but association staff."""

    id_number = serializers.CharField(max_length=18, help_text="18位身份证号；创建后不可通过接口修改")
    branch = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="所属分会ID（只读；转移请走转移流程）"
    )
    branch_name = serializers.CharField(source="branch.name", read_only=True)
    honors = MemberHonorSerializer(many=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id", "name", "id_number", "gender", "birth_date", "ethnicity", "political_status", "mobile",
            "address", "employer", "position", "industry", "branch", "branch_name", "status", "category",
            "notes", "honors", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = ["gender", "birth_date", "status", "category", "created_at", "updated_at"]

    def validate_id_number(self, value):
        if self.instance is not None and normalise(value) != self.instance.id_number:
            raise serializers.ValidationError("身份证号创建后不可修改。")
        from django.core.exceptions import ValidationError

        try:
            return parse_id_number(value).value
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_association_staff(request.user):
            data["id_number"] = mask_id_number(instance.id_number)
            data["mobile"] = mask_phone(instance.mobile)
            data["address"] = ""  # officers see addresses in the admin form, not in bulk API lists
        return data


class MemberCreateSerializer(MemberSerializer):
    """Creation: association staff name the branch; an officer's branch is forced by the view."""

    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(), required=False, help_text="所属分会ID"
    )
