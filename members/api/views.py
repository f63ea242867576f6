"""Registry API: branches, members with honours, honours."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters

from core.api.base import ScopedModelViewSet, ScopedReadOnlyViewSet
from core.audit import access_log_record
from core.models import AccessLog
from core.roles import is_association_staff
from members import services

from ..models import Branch, Honor, Member
from .filters import BranchFilter, HonorFilter, MemberFilter, MemberSearchFilter
from .serializers import BranchSerializer, HonorSerializer, MemberCreateSerializer, MemberSerializer


@extend_schema_view(
    list=extend_schema(
        summary="分会列表", description="协会工作人员看到全部分会；分会工作人员只看到本分会。"
    ),
    retrieve=extend_schema(summary="分会详情"),
)
class BranchViewSet(ScopedReadOnlyViewSet):
    queryset = Branch.objects.all()
    serializer_class = BranchSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = BranchFilter
    ordering_fields = ["sort_order", "name"]
    pagination_class = None


@extend_schema_view(
    list=extend_schema(
        summary="劳模工匠列表", description="按权限范围过滤；分会工作人员看到的身份证号、手机号已脱敏。"
    ),
    retrieve=extend_schema(summary="劳模工匠详情（含荣誉）"),
    create=extend_schema(summary="新增劳模工匠", description="分会工作人员新增的人员一律归入本分会。"),
    partial_update=extend_schema(
        summary="修改劳模工匠信息", description="身份证号、所属分会、状态不可通过此接口修改。"
    ),
    destroy=extend_schema(summary="删除劳模工匠"),
)
class MemberViewSet(ScopedModelViewSet):
    queryset = Member.objects.select_related("branch").prefetch_related(
        Prefetch("honors", queryset=Honor.objects.order_by("level", "-year", "pk"))
    )
    filter_backends = [DjangoFilterBackend, MemberSearchFilter, filters.OrderingFilter]
    filterset_class = MemberFilter
    ordering_fields = ["id", "name", "birth_date"]
    ordering = ["-id"]

    def get_serializer_class(self):
        return MemberCreateSerializer if self.action == "create" else MemberSerializer

    def finalize_response(self, request, response, *args, **kwargs):
        """Association staff receive full ID numbers: one access-log row per such response."""
        response = super().finalize_response(request, response, *args, **kwargs)
        if 200 <= response.status_code < 300 and is_association_staff(request.user):
            data = response.data
            rows = data.get("results", [data]) if isinstance(data, dict) else data
            shown = [row for row in rows or [] if isinstance(row, dict) and row.get("id_number")]
            if shown:
                access_log_record(
                    user=request.user, action=AccessLog.Action.VIEW_ID, target="劳模工匠名册（接口）",
                    request=request, row_count=len(shown),
                    detail={
                        "endpoint": request.path, "action": self.action,
                        "member_ids": [row.get("id") for row in shown[:100]],
                    },
                )  # fmt: skip
        return response


@extend_schema_view(
    list=extend_schema(summary="荣誉列表"),
    retrieve=extend_schema(summary="荣誉详情"),
    create=extend_schema(summary="新增荣誉", description="只能为本人权限范围内的劳模工匠新增荣誉。"),
    partial_update=extend_schema(summary="修改荣誉"),
    destroy=extend_schema(summary="删除荣誉"),
)
class HonorViewSet(ScopedModelViewSet):
    queryset = Honor.objects.select_related("member")
    serializer_class = HonorSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = HonorFilter
    ordering_fields = ["id", "year", "level"]
    ordering = ["-id"]

    def perform_destroy(self, instance):
        services.honor_delete(instance, actor=self.request.user)
