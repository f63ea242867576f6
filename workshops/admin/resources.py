"""What 导出Excel writes for the workshop lists (core.admin.exporting.PortalResource)."""

from core.admin.exporting import PortalResource

from ..models import Assessment, Subsidy, Workshop, WorkshopActivity


class WorkshopResource(PortalResource):
    unmasked = ("address",)  # the workshop's address, not a person's

    class Meta:
        model = Workshop
        name = "劳模工匠之家"
        fields = ["name", "kind", "branch", "host_unit", "address", "leader", "status", "established_on",
                  "naming_document_number", "named_on", "last_reviewed_year", "members"]  # fmt: skip


class SubsidyResource(PortalResource):
    class Meta:
        model = Subsidy
        name = "经费补助"
        fields = ["workshop__name", "workshop__branch__name", "year", "purpose", "purpose_detail", "amount",
                  "paid_on", "document_number"]  # fmt: skip


class WorkshopActivityResource(PortalResource):
    class Meta:
        model = WorkshopActivity
        name = "活动"
        fields = ["title", "workshop__name", "workshop__branch__name", "kind", "held_on", "participants",
                  "presenters", "summary"]  # fmt: skip


class AssessmentResource(PortalResource):
    class Meta:
        model = Assessment
        name = "评估"
        fields = ["workshop__name", "workshop__branch__name", "standard", "purpose", "review_year", "assessed_on",
                  "total_score", "passed", "assessors", "conclusion"]  # fmt: skip
