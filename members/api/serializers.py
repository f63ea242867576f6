"""Serializers of the registry API; every field named, branch/status/user never mass-assigned.

The 身份证号 is written once, at creation, and never through a PATCH: any ``id_number`` in an
update is refused with one message, whatever its value, so a PATCH cannot confirm a guess.
A number already in the registry is refused at creation with one message (never an
IntegrityError), the same for every branch, and the attempt is written to the access log.
"""

from collections.abc import Mapping

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from rest_framework import serializers

from core.api.base import ScopedPrimaryKeyRelatedField
from core.audit import id_numbers_confirmed
from core.idcard import ID_NUMBER_TAKEN, mask_id_number, mask_phone, parse_id_number
from core.roles import is_association_staff
from core.scoping import scopes_disabled
from members import services

from ..models import Branch, Honor, Member

ID_NUMBER_FROZEN = "身份证号创建后不可通过接口修改。"


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

    def create(self, validated_data):
        return services.honor_create(actor=_actor(self), **validated_data)

    def update(self, instance, validated_data):
        return services.honor_update(instance, actor=_actor(self), **validated_data)


def _actor(serializer):
    request = serializer.context.get("request")
    return getattr(request, "user", None)


class MemberHonorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Honor
        fields = ["id", "kind", "level", "title", "year", "awarding_body"]
        read_only_fields = fields


class MemberSerializer(serializers.ModelSerializer):
    """A member; ID number and phone are masked for every role but association staff."""

    id_number = serializers.CharField(read_only=True, help_text="身份证号（创建后不可通过接口修改）")
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

    def to_internal_value(self, data):
        # Refused whatever the value: a right and a wrong guess get the same answer.
        if self.instance is not None and isinstance(data, Mapping) and "id_number" in data:
            raise serializers.ValidationError({"id_number": [ID_NUMBER_FROZEN]})
        return super().to_internal_value(data)

    def update(self, instance, validated_data):
        return services.member_update(instance, actor=_actor(self), **validated_data)

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_association_staff(request.user):
            data["id_number"] = mask_id_number(instance.id_number)
            data["mobile"] = mask_phone(instance.mobile)
            data["address"] = ""  # officers see addresses in the admin form, not in bulk API lists
        return data


class MemberCreateSerializer(MemberSerializer):
    """Creation: association staff name the branch; an officer's branch is forced (``member_create``)."""

    id_number = serializers.CharField(max_length=18, help_text="18位身份证号；创建后不可通过接口修改")
    branch = ScopedPrimaryKeyRelatedField(
        queryset=Branch.objects.all(), required=False, help_text="所属分会ID"
    )

    def validate_id_number(self, value):
        try:
            number = parse_id_number(value).value
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from None
        with scopes_disabled():  # global uniqueness: a number held by another branch is taken too
            existing = Member.objects.filter(id_number=number).values_list("pk", flat=True).first()
        if existing is not None:
            self._log_taken(existing)
            raise serializers.ValidationError(ID_NUMBER_TAKEN)
        return number

    def _log_taken(self, member_id):
        """A full number confirmed to be in the registry: logged like a view of it (never the number)."""
        request = self.context.get("request")
        id_numbers_confirmed(
            user=getattr(request, "user", None),
            door="接口新增（号码已在名册中）",
            member_ids=[member_id],
            request=request,
        )

    def create(self, validated_data):
        # Two requests racing with the same number: the unique constraint decides, same answer.
        try:
            with transaction.atomic():
                return services.member_create(actor=_actor(self), **validated_data)
        except IntegrityError:
            raise serializers.ValidationError({"id_number": [ID_NUMBER_TAKEN]}) from None
