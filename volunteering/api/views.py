"""Service events (服务活动) over the API: scoped reads with participations and hours; writes only
through the services (plan, record a participation, complete, cancel)."""

from django.db.models import Prefetch, Sum
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import Participation, ServiceEvent
from .filters import ServiceEventFilter
from .serializers import (
    ParticipationRecordSerializer,
    ParticipationSerializer,
    ServiceEventCompleteSerializer,
    ServiceEventCreateSerializer,
    ServiceEventSerializer,
)


@extend_schema_view(
    list=extend_schema(
        summary="服务活动列表",
        description="按权限范围过滤：分会工作人员只看到本分会服务队的活动。含参与人员及服务时长（只读）。",
    ),
    retrieve=extend_schema(summary="服务活动详情（含参与人员及时长）"),
    create=extend_schema(
        summary="新建服务活动",
        description="为权限范围内的服务队安排一次活动（状态为“计划中”）。",
        request=ServiceEventCreateSerializer,
        responses={201: ServiceEventSerializer},
    ),
)
class ServiceEventViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = (
        ServiceEvent.objects.select_related("team")
        .prefetch_related(
            Prefetch("participations", queryset=Participation.objects.select_related("member").order_by("pk"))
        )
        .annotate(total_hours=Sum("participations__hours"))
    )
    serializer_class = ServiceEventSerializer
    filter_backends = [DjangoFilterBackend, filters.SearchFilter]
    filterset_class = ServiceEventFilter
    search_fields = ["title", "place"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        return {
            "create": ServiceEventCreateSerializer,
            "complete": ServiceEventCompleteSerializer,
            "participations": ParticipationRecordSerializer,
        }.get(self.action, ServiceEventSerializer)

    def _fresh(self, pk):
        return ServiceEventSerializer(self.get_queryset().get(pk=pk)).data

    def create(self, request, *args, **kwargs):
        serializer = ServiceEventCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        event = services.service_event_create(actor=request.user, **serializer.validated_data)
        return Response(self._fresh(event.pk), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="登记（或更正）参与人员及服务时长",
        description="只能登记权限范围内的劳模工匠；已取消的活动不能登记。",
        request=ParticipationRecordSerializer,
        responses={200: ParticipationSerializer},
    )
    @action(detail=True, methods=["post"])
    def participations(self, request, pk=None):
        event = self.get_object()
        serializer = ParticipationRecordSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        participation = services.participation_record(
            event=event, actor=request.user, **serializer.validated_data
        )
        return Response(ParticipationSerializer(participation).data)

    @extend_schema(
        summary="标记活动已完成",
        description="活动须已有参与人员且日期已到；完成后参与人员的服务时长计入统计。",
        request=ServiceEventCompleteSerializer,
        responses={200: ServiceEventSerializer},
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        event = self.get_object()
        serializer = ServiceEventCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.service_event_complete(event=event, actor=request.user, **serializer.validated_data)
        return Response(self._fresh(event.pk))

    @extend_schema(summary="取消活动", description="取消后任何人都不计服务时长。", request=None,
                   responses={200: ServiceEventSerializer})  # fmt: skip
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        event = self.get_object()
        services.service_event_cancel(event=event, actor=request.user)
        return Response(self._fresh(event.pk))
