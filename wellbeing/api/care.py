"""Wellbeing API: condolence visits (against the budget) and letters/visits/calls (inquiries).

Both go through the app's services: a visit that would overspend its budget line is
refused with the service's Chinese warning (409) unless the client sends
``confirm_overspend: true``; an inquiry moves only along its status map.
"""

from django.utils import timezone
from django_filters import rest_framework as django_filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import branch_for_new_row
from core.api.base import ScopedModelViewSet, ScopedPrimaryKeyRelatedField
from core.api.filtering import BoundedFilterSet
from core.errors import ConflictError
from core.idcard import mask_phone
from core.roles import is_association_staff
from members.models import Member

from ..models import CondolenceVisit, Inquiry
from ..services.care import condolence_visit_save
from ..services.inquiries import inquiry_register, inquiry_transition


class CondolenceVisitSerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(queryset=Member.objects.all(), help_text="劳模工匠ID")
    member_name = serializers.CharField(source="member.name", read_only=True)
    total_value = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    confirm_overspend = serializers.BooleanField(
        write_only=True, required=False, default=False, help_text="超预算时确认支出"
    )

    class Meta:
        model = CondolenceVisit
        fields = [
            "id", "member", "member_name", "visit_date", "visitors", "occasion", "paid_by_association",
            "cash_amount", "goods", "goods_value", "total_value", "notes", "created_at", "confirm_overspend",
        ]  # fmt: skip
        read_only_fields = ["created_at"]


class VisitFilter(BoundedFilterSet):
    year = django_filters.NumberFilter(field_name="visit_date", lookup_expr="year", label="年度")

    class Meta:
        model = CondolenceVisit
        fields = ["occasion", "paid_by_association", "year"]


@extend_schema_view(
    list=extend_schema(
        summary="走访慰问列表", description="按权限范围：分会工作人员只看到本分会人员的走访。"
    ),
    retrieve=extend_schema(summary="走访慰问详情"),
    create=extend_schema(
        summary="登记走访慰问", description="超出预算时返回 409 及提示；确认后带 confirm_overspend 重新提交。"
    ),
    partial_update=extend_schema(summary="修改走访慰问"),
    destroy=extend_schema(summary="删除走访慰问"),
)
class CondolenceVisitViewSet(ScopedModelViewSet):
    queryset = CondolenceVisit.objects.select_related("member")
    serializer_class = CondolenceVisitSerializer
    filter_backends = [django_filters.DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = VisitFilter
    ordering_fields = ["id", "visit_date"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        self._save(serializer, CondolenceVisit())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def _save(self, serializer, visit):
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_overspend", False)
        if not is_association_staff(self.request.user):
            # Only the association pays from its own budget line.
            data["paid_by_association"] = False if visit.pk is None else visit.paid_by_association
        for field, value in data.items():
            setattr(visit, field, value)
        try:
            condolence_visit_save(visit=visit, actor=self.request.user, confirm_overspend=confirm)
        except Exception as exc:
            if getattr(exc, "code", "") == "overspend":
                raise ConflictError(exc.message, code="overspend") from exc
            raise
        serializer.instance = visit


class InquirySerializer(serializers.ModelSerializer):
    member = ScopedPrimaryKeyRelatedField(
        queryset=Member.objects.all(), required=False, allow_null=True, help_text="劳模工匠ID（非会员可留空）"
    )
    overdue = serializers.SerializerMethodField(help_text="是否已逾期未答复")

    class Meta:
        model = Inquiry
        fields = [
            "id", "channel", "received_at", "branch", "member", "person_name", "contact", "subject", "category",
            "content", "assigned_to", "deadline", "status", "out_of_policy", "policy_explanation",
            "replied_at", "closed_at", "overdue",
        ]  # fmt: skip
        read_only_fields = ["branch", "assigned_to", "status", "replied_at", "closed_at"]
        extra_kwargs = {"deadline": {"required": False}}

    def get_overdue(self, obj) -> bool:
        return obj.status in ("registered", "in_progress") and obj.deadline < timezone.localdate()

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None or not is_association_staff(request.user):
            data["contact"] = mask_phone(instance.contact)
        return data


class InquiryTransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=Inquiry.Status.choices, help_text="目标状态")
    note = serializers.CharField(required=False, allow_blank=True, default="", help_text="答复内容或回访情况")


class InquiryFilter(BoundedFilterSet):
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="逾期未答复")

    class Meta:
        model = Inquiry
        fields = ["status", "channel", "category", "overdue"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))


@extend_schema_view(
    list=extend_schema(summary="来信来访来电列表", description="按权限范围过滤；可筛选逾期未答复的件。"),
    retrieve=extend_schema(summary="来信来访来电详情"),
    create=extend_schema(summary="登记来信来访来电", description="办理期限默认为15个工作日（节假日顺延）。"),
    partial_update=extend_schema(summary="修改来信来访来电"),
    destroy=extend_schema(summary="删除来信来访来电"),
)
class InquiryViewSet(ScopedModelViewSet):
    queryset = Inquiry.objects.all()
    serializer_class = InquirySerializer
    filter_backends = [django_filters.DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = InquiryFilter
    ordering_fields = ["id", "received_at", "deadline"]
    ordering = ["-id"]

    def perform_create(self, serializer):
        inquiry = Inquiry(**serializer.validated_data)
        inquiry.branch_id = branch_for_new_row(self.request.user, inquiry.branch_id)
        serializer.instance = inquiry_register(inquiry=inquiry, actor=self.request.user)

    @extend_schema(
        summary="办理流转",
        description="登记 → 办理中 → 已答复 → 已回访 → 办结；不允许的流转返回 400 及原因。",
        request=InquiryTransitionSerializer,
        responses=InquirySerializer,
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        inquiry = self.get_object()
        data = InquiryTransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        inquiry = inquiry_transition(
            inquiry=inquiry, to_status=data.validated_data["to_status"], actor=request.user,
            note=data.validated_data["note"],
        )  # fmt: skip
        return Response(
            InquirySerializer(inquiry, context=self.get_serializer_context()).data, status=status.HTTP_200_OK
        )
