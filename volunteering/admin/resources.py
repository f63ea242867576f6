"""What 导出Excel writes for the volunteering lists (core.admin.exporting.PortalResource)."""

from core.admin.exporting import PortalResource

from ..models import Beneficiary, Course, Donation, Participation, ServiceEvent, ServiceRequest, ServiceTeam


class ServiceTeamResource(PortalResource):
    class Meta:
        model = ServiceTeam
        name = "服务队"
        fields = ["name", "kind", "branch", "leader", "speciality", "founded_on", "active", "members"]


class BeneficiaryResource(PortalResource):
    unmasked = ("address",)  # an organisation's address

    class Meta:
        model = Beneficiary
        name = "服务对象单位"
        fields = ["name", "kind", "is_small_micro", "credit_code", "address", "branch"]


class ServiceRequestResource(PortalResource):
    class Meta:
        model = ServiceRequest
        name = "服务需求"
        fields = ["title", "requester", "branch", "contact_name", "contact_phone", "urgency", "status",
                  "received_at", "assigned_team", "assigned_at", "completed_at", "closed_at", "satisfaction",
                  "problem"]  # fmt: skip


class CourseResource(PortalResource):
    labels = {"teacher__branch__name": "所属分会"}

    class Meta:
        model = Course
        name = "双百课程"
        fields = ["subject", "teacher", "teacher__branch__name", "audience", "duration_hours", "active", "summary"]


class DonationResource(PortalResource):
    class Meta:
        model = Donation
        name = "捐赠"
        fields = ["date", "kind", "member", "team", "branch", "value", "goods_description", "cause", "recipient",
                  "receipt_number"]  # fmt: skip


class ServiceEventResource(PortalResource):
    labels = {"team__branch__name": "所属分会"}

    class Meta:
        model = ServiceEvent
        name = "服务活动"
        fields = ["date", "title", "category", "team", "team__branch__name", "duration_hours", "place",
                  "audience_count", "status", "beneficiaries", "outcome"]  # fmt: skip


class ParticipationResource(PortalResource):
    labels = {"member__branch__name": "所属分会", "event__date": "活动日期", "event__category": "活动类别"}

    class Meta:
        model = Participation
        name = "参与记录"
        fields = ["member__name", "member__branch__name", "event__title", "event__date", "event__category",
                  "role", "hours"]  # fmt: skip
