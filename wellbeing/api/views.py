"""Wellbeing API: trips (association only), quotas and nominations (scoped like the admin)."""

from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api.base import ScopedReadOnlyViewSet, ScopedViewSetMixin
from core.roles import is_association_staff

from ..models import ConvalescenceTrip, Nomination, TripQuota
from ..services.trips import nomination_approve, nomination_create, nomination_reject, nomination_withdraw
from .filters import NominationFilter, TripFilter, TripQuotaFilter
from .serializers import DecisionNoteSerializer, NominationSerializer, TripQuotaSerializer, TripSerializer


@extend_schema_view(
    list=extend_schema(
        summary="疗休养团列表", description="仅协会工作人员；分会通过“名额”接口看到本分会有名额的团。"
    ),
    retrieve=extend_schema(summary="疗休养团详情"),
)
class TripViewSet(ScopedReadOnlyViewSet):
    queryset = ConvalescenceTrip.objects.all()
    serializer_class = TripSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = TripFilter
    ordering_fields = ["id", "start_date"]
    ordering = ["-id"]


@extend_schema_view(
    list=extend_schema(summary="疗休养名额列表", description="分会工作人员只看到本分会的名额。"),
    retrieve=extend_schema(summary="疗休养名额详情"),
)
class TripQuotaViewSet(ScopedReadOnlyViewSet):
    queryset = TripQuota.objects.select_related("trip", "branch")
    serializer_class = TripQuotaSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = TripQuotaFilter
    ordering_fields = ["id"]
    ordering = ["-id"]


@extend_schema_view(
    list=extend_schema(
        summary="疗休养推荐列表", description="分会工作人员只看到本分会的推荐；身份证号已脱敏。"
    ),
    retrieve=extend_schema(summary="疗休养推荐详情（含优先分构成）"),
    create=extend_schema(
        summary="推荐会员参加疗休养",
        description="通过推荐服务办理：校验名额、参加条件，名额已满时列入候补。所属分会、状态、优先分不可指定。",
    ),
)
class NominationViewSet(ScopedViewSetMixin, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    queryset = Nomination.objects.select_related("trip", "member", "branch")
    serializer_class = NominationSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = NominationFilter
    ordering_fields = ["id", "priority_score", "created_at"]
    ordering = ["-id"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action in ("withdraw", "approve", "reject"):
            return DecisionNoteSerializer
        return NominationSerializer

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = nomination_create(
            trip=data["trip"], member=data["member"], actor=self.request.user, reason=data.get("reason", "")
        )

    def _decide(self, request, service, **extra):
        nomination = self.get_object()
        form = DecisionNoteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        nomination = service(
            nomination=nomination, actor=request.user, note=form.validated_data["note"], **extra
        )
        nomination = self.get_queryset().get(pk=nomination.pk)
        return Response(NominationSerializer(nomination, context=self.get_serializer_context()).data)

    @extend_schema(
        summary="退出疗休养（本分会或协会）", request=DecisionNoteSerializer, responses=NominationSerializer
    )
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        return self._decide(request, nomination_withdraw)

    @extend_schema(
        summary="确认推荐（仅协会）", request=DecisionNoteSerializer, responses=NominationSerializer
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        self._require_association()
        return self._decide(request, nomination_approve)

    @extend_schema(
        summary="推荐不通过（仅协会，须填写原因）",
        request=DecisionNoteSerializer,
        responses=NominationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        self._require_association()
        return self._decide(request, nomination_reject)

    def _require_association(self):
        self.get_object()  # another branch's nomination: 404 before 403
        if not is_association_staff(self.request.user):
            raise PermissionDenied("只有协会工作人员可以审核疗休养推荐。")
