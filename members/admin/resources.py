"""What 导出Excel writes for the registry's lists (core.admin.exporting.PortalResource).

The member list keeps its own fast export (members/exports.py).
"""

from core.admin.exporting import PortalResource

from ..models import Certificate, CraftsmanCard, Honor, Transfer


class HonorResource(PortalResource):
    class Meta:
        model = Honor
        name = "荣誉"
        fields = ["member__name", "member__branch__name", "kind", "level", "title", "year", "awarding_body",
                  "document_number"]  # fmt: skip


class CertificateResource(PortalResource):
    labels = {"member__branch__name": "所属分会"}

    class Meta:
        model = Certificate
        name = "劳模证明"
        fields = ["serial", "holder_name", "holder_masked_id", "member__branch__name", "purpose", "channel",
                  "status", "issued_at", "issued_by", "revoked_at", "revoked_reason"]  # fmt: skip


class CraftsmanCardResource(PortalResource):
    class Meta:
        model = CraftsmanCard
        name = "工匠卡"
        fields = ["number", "holder_name", "title", "member__branch__name", "issued_on", "expires_on", "status",
                  "revoked_reason"]  # fmt: skip


class TransferResource(PortalResource):
    class Meta:
        model = Transfer
        name = "名单转移"
        fields = ["member__name", "from_branch", "to_branch", "reason", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at", "decision_note"]  # fmt: skip
