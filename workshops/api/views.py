"""劳模工匠之家 over the API: scoped reads; applications and transitions only through the services."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.access import branch_for_new_row
from core.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import Workshop
from .filters import WorkshopFilter
from .serializers import WorkshopApplySerializer, WorkshopSerializer, WorkshopTransitionSerializer


@extend_schema_view(
    list=extend_schema(
        summary="劳模工匠之家列表",
        description="按权限范围过滤：分会工作人员只看到本分会的劳模工匠之家。可按状态、建设类型、分会筛选。",
    ),
    retrieve=extend_schema(summary="劳模工匠之家详情"),
    create=extend_schema(
        summary="申报劳模工匠之家",
        description="新建一条申报（状态为“已申报”）。分会工作人员申报的一律归入本分会；协会工作人员须指定分会。",
        request=WorkshopApplySerializer,
        responses={201: WorkshopSerializer},
    ),
)
class WorkshopViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Workshop.objects.select_related("branch", "leader")
    serializer_class = WorkshopSerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_class = WorkshopFilter
    search_fields = ["name", "host_unit"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return WorkshopApplySerializer
        if self.action == "transition":
            return WorkshopTransitionSerializer
        return WorkshopSerializer

    def create(self, request, *args, **kwargs):
        serializer = WorkshopApplySerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        comment = data.pop("comment", "")
        chosen_branch = data.pop("branch", None)
        branch_id = branch_for_new_row(request.user, chosen_branch, required=True)
        workshop = services.workshop_apply(
            workshop=Workshop(branch_id=branch_id, **data), actor=request.user, comment=comment
        )
        workshop = self.get_queryset().get(pk=workshop.pk)
        return Response(WorkshopSerializer(workshop).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="办理状态变更",
        description="按劳模工匠之家的流转规则办理一步（初审、验收、命名、复核、撤销等）；"
        "不允许的流转或角色不符返回400并说明原因。",
        request=WorkshopTransitionSerializer,
        responses={200: WorkshopSerializer},
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        workshop = self.get_object()
        serializer = WorkshopTransitionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.workshop_transition(workshop=workshop, actor=request.user, **serializer.validated_data)
        return Response(WorkshopSerializer(self.get_queryset().get(pk=workshop.pk)).data)
