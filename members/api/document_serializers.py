"""Serializers of certificates (劳模证明) and craftsman cards (匠心卡): every field named.

Nothing a client sends can set serial, status, render state, branch or the issuer: a
certificate is made only by ``certificate_issue`` and revoked only by ``certificate_revoke``.
"""

from rest_framework import serializers

from core.api.base import ScopedPrimaryKeyRelatedField

from ..models import Certificate, CraftsmanCard, Honor, Member


class CertificateSerializer(serializers.ModelSerializer):
    member_name = serializers.CharField(source="holder_name", read_only=True)
    render_state_label = serializers.CharField(source="get_render_state_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    is_ready = serializers.BooleanField(read_only=True, help_text="PDF已生成，可以下载")

    class Meta:
        model = Certificate
        fields = [
            "id", "serial", "member", "member_name", "holder_gender", "holder_masked_id", "honors_snapshot",
            "purpose", "channel", "issued_at", "status", "status_label", "render_state", "render_state_label",
            "is_ready", "rendered_at", "revoked_reason", "revoked_at",
        ]  # fmt: skip
        read_only_fields = fields


class CertificateRequestSerializer(serializers.Serializer):
    """Staff/officer: issue for a member in scope, optionally only some of their honours."""

    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="劳模工匠ID")
    purpose = serializers.CharField(max_length=100, help_text="证明用途，如“办理公园年卡”")
    honors = ScopedPrimaryKeyRelatedField(
        queryset=Honor.objects.all(), many=True, required=False, help_text="证明的荣誉ID；不填则为全部荣誉"
    )


class OwnCertificateRequestSerializer(serializers.Serializer):
    """A member asks for a certificate of all their own honours."""

    purpose = serializers.CharField(max_length=100, help_text="证明用途，如“办理公园年卡”")


class CertificateRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="撤销原因")


class CraftsmanCardSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    render_state_label = serializers.CharField(source="get_render_state_display", read_only=True)
    is_ready = serializers.BooleanField(read_only=True, help_text="PDF已生成，可以下载")

    class Meta:
        model = CraftsmanCard
        fields = [
            "id", "number", "member", "holder_name", "title", "issued_on", "expires_on", "benefits",
            "status", "status_label", "render_state", "render_state_label", "is_ready", "revoked_reason",
        ]  # fmt: skip
        read_only_fields = fields
