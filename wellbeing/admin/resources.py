"""What 导出Excel writes for the wellbeing lists (core.admin.exporting.PortalResource)."""

from core.admin.exporting import PortalResource

from ..models import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    ConvalescenceTrip,
    Greeting,
    HardshipCase,
    Inquiry,
    Nomination,
)


class InquiryResource(PortalResource):
    class Meta:
        model = Inquiry
        name = "来信来访来电"
        fields = ["received_at", "channel", "person_name", "contact", "member__name", "branch", "subject",
                  "category", "assigned_to", "deadline", "status", "replied_at", "closed_at"]  # fmt: skip


class CondolenceVisitResource(PortalResource):
    labels = {"member__branch__name": "所属分会"}

    class Meta:
        model = CondolenceVisit
        name = "走访慰问"
        fields = ["visit_date", "member__name", "member__branch__name", "occasion", "visitors", "cash_amount",
                  "goods", "goods_value", "paid_by_association", "notes"]  # fmt: skip


class CampaignEntryResource(PortalResource):
    labels = {"member__branch__name": "所属分会"}

    class Meta:
        model = CampaignEntry
        name = "走访名单"
        fields = ["campaign__name", "member__name", "member__branch__name", "reasons", "status", "note"]


class HardshipCaseResource(PortalResource):
    labels = {"member__branch__name": "所属分会"}

    class Meta:
        model = HardshipCase
        name = "帮扶对象"
        fields = ["member__name", "member__branch__name", "kind", "opened_on", "status", "closed_on", "description"]


class CareBudgetResource(PortalResource):
    class Meta:
        model = CareBudget
        name = "慰问经费预算"
        fields = ["year", "branch", "amount", "warn_ratio", "notes"]


class ConvalescenceTripResource(PortalResource):
    class Meta:
        model = ConvalescenceTrip
        name = "疗休养团"
        fields = ["name", "year", "region", "route", "destination", "start_date", "end_date", "capacity",
                  "cost_per_person", "status"]  # fmt: skip


class NominationResource(PortalResource):
    class Meta:
        model = Nomination
        name = "疗休养推荐"
        fields = ["trip__name", "member__name", "member__mobile", "branch", "status", "priority_score",
                  "priority_group", "reason", "room_number", "created_at", "decided_at"]  # fmt: skip


class GreetingResource(PortalResource):
    labels = {"member__branch__name": "所属分会"}

    class Meta:
        model = Greeting
        name = "生日祝福"
        fields = ["member__name", "member__branch__name", "year", "channel", "calendar", "birthday", "status",
                  "sent_at", "delivered_at", "delivered_by"]  # fmt: skip
