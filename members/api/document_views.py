"""Certificates and craftsman cards over the API: staff/officer endpoints and the member's own (/api/me/).

Reads are scoped (``visible_to`` for staff roles, ``of_member`` for a member); a certificate
is requested through ``certificate_issue`` and revoked through ``certificate_revoke``;
downloads stream the PDF from private storage and are logged exactly like the download views.
"""

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import filters, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from core.api.base import PortalModelPermissions, ScopedReadOnlyViewSet
from core.api.filtering import BoundedFilterSet
from core.roles import is_association_staff
from core.scoping import scopes_disabled

from .. import services
from ..models import Certificate, CraftsmanCard, Member
from ..views import document_file_response
from .document_serializers import (
    CertificateRequestSerializer,
    CertificateRevokeSerializer,
    CertificateSerializer,
    CraftsmanCardSerializer,
    OwnCertificateRequestSerializer,
)

PDF_RESPONSE = {
    (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="PDF文件"),
    404: OpenApiResponse(description="不存在、不在权限范围内或尚未生成"),
}


class PdfRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; the file itself bypasses rendering."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data if isinstance(data, bytes) else b""


class IsAssociationStaff(permissions.BasePermission):
    message = "只有协会工作人员可以执行此操作。"

    def has_permission(self, request, view):
        return is_association_staff(request.user)


class IsOwnMember(permissions.BasePermission):
    """The member's own endpoints: a logged-in user linked to a member record, staff or not."""

    message = "当前账号未关联劳模工匠信息。"

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and view.own_member() is not None)


class OwnMemberMixin:
    permission_classes = [IsOwnMember]

    def own_member(self):
        if not hasattr(self, "_own_member"):
            user = self.request.user
            self._own_member = None
            if user.is_authenticated:
                with scopes_disabled():  # a member's scope is empty: only the row linked to this login
                    self._own_member = (
                        Member.objects.filter(user=user).only("pk", "name", "user_id", "status").first()
                    )
        return self._own_member

    def own_rows(self, model):
        """The member's own rows of ``model`` (none for anybody else), read unscoped."""
        member = self.own_member()
        if member is None:
            return model.objects.none()
        with scopes_disabled():  # filtered by this member only
            return model.objects.of_member(member)


class CertificateFilter(BoundedFilterSet):
    member = django_filters.NumberFilter(field_name="member_id", help_text="劳模工匠ID")
    status = django_filters.ChoiceFilter(choices=Certificate.Status.choices, help_text="证明状态")
    render_state = django_filters.ChoiceFilter(
        choices=Certificate._meta.get_field("render_state").choices, help_text="生成状态"
    )
    channel = django_filters.ChoiceFilter(choices=Certificate.Channel.choices, help_text="开具方式")
    year = django_filters.NumberFilter(help_text="年份")

    class Meta:
        model = Certificate
        fields = ["member", "status", "render_state", "channel", "year"]


class CraftsmanCardFilter(BoundedFilterSet):
    member = django_filters.NumberFilter(field_name="member_id", help_text="劳模工匠ID")
    status = django_filters.ChoiceFilter(choices=CraftsmanCard.Status.choices, help_text="卡状态")

    class Meta:
        model = CraftsmanCard
        fields = ["member", "status"]


@extend_schema_view(
    list=extend_schema(
        summary="劳模证明列表",
        description="按权限范围过滤：分会工作人员只看到本分会劳模工匠的证明。含生成状态（生成中/已生成/失败）。",
    ),
    retrieve=extend_schema(summary="劳模证明详情（含生成状态）"),
    create=extend_schema(
        summary="开具劳模证明",
        description="为权限范围内的劳模工匠开具证明（默认证明其全部荣誉）；PDF在后台生成，生成状态见 render_state。",
        request=CertificateRequestSerializer,
        responses={201: CertificateSerializer},
    ),
)
class CertificateViewSet(mixins.CreateModelMixin, ScopedReadOnlyViewSet):
    queryset = Certificate.objects.all()
    serializer_class = CertificateSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend, filters.SearchFilter]
    filterset_class = CertificateFilter
    search_fields = ["=serial", "holder_name"]
    http_method_names = ["get", "post", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return CertificateRequestSerializer
        if self.action == "revoke":
            return CertificateRevokeSerializer
        return CertificateSerializer

    def get_permissions(self):
        if self.action == "revoke":
            return [PortalModelPermissions(), IsAssociationStaff()]
        return super().get_permissions()

    def create(self, request, *args, **kwargs):
        serializer = CertificateRequestSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        certificate = services.certificate_issue(
            member=data["member"], actor=request.user, purpose=data["purpose"],
            honors=data.get("honors") or None, channel=Certificate.Channel.ADMIN,
        )  # fmt: skip
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载劳模证明PDF",
        description="从私有存储读取PDF；每次下载都记入访问日志。权限范围外、不存在或尚未生成的证明一律返回404。",
        responses=PDF_RESPONSE,
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        certificate = self.get_object()
        return document_file_response(request, certificate, label="劳模证明", filename=certificate.serial)

    @extend_schema(
        summary="撤销劳模证明",
        description="仅协会工作人员可撤销；撤销后扫码验证显示“已撤销”。已撤销的证明再次撤销返回409。",
        request=CertificateRevokeSerializer,
        responses={200: CertificateSerializer},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        certificate = self.get_object()
        serializer = CertificateRevokeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            certificate=certificate, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return Response(CertificateSerializer(certificate).data)


@extend_schema_view(
    list=extend_schema(summary="本人的劳模证明", description="只返回当前登录劳模工匠本人的证明。"),
    retrieve=extend_schema(summary="本人的劳模证明详情（含生成状态）"),
    create=extend_schema(
        summary="本人申请劳模证明",
        description="为本人的全部荣誉申请一份证明，无需审核；PDF在后台生成，稍后可下载。",
        request=OwnCertificateRequestSerializer,
        responses={201: CertificateSerializer},
    ),
)
class OwnCertificateViewSet(
    OwnMemberMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()  # the schema's model; rows come from get_queryset
    filter_backends = []

    def get_queryset(self):
        return self.own_rows(Certificate)

    def get_serializer_class(self):
        return OwnCertificateRequestSerializer if self.action == "create" else CertificateSerializer

    def create(self, request, *args, **kwargs):
        serializer = OwnCertificateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # The service reads this member's honours unscoped and refuses (channel SELF) anybody else.
        with scopes_disabled():
            certificate = services.certificate_issue(
                member=self.own_member(), actor=request.user, purpose=serializer.validated_data["purpose"],
                channel=Certificate.Channel.SELF,
            )  # fmt: skip
        return Response(CertificateSerializer(certificate).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="下载本人的劳模证明PDF",
        description="每次下载都记入访问日志；他人的、不存在的或尚未生成的证明返回404。",
        responses=PDF_RESPONSE,
    )
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        certificate = self.get_object()
        return document_file_response(request, certificate, label="劳模证明", filename=certificate.serial)


@extend_schema_view(
    list=extend_schema(summary="匠心卡列表", description="只读；按权限范围过滤。"),
    retrieve=extend_schema(summary="匠心卡详情"),
)
class CraftsmanCardViewSet(ScopedReadOnlyViewSet):
    queryset = CraftsmanCard.objects.all()
    serializer_class = CraftsmanCardSerializer
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]
    filterset_class = CraftsmanCardFilter

    @extend_schema(
        summary="下载匠心卡PDF", description="每次下载都记入访问日志；权限范围外或尚未生成的返回404。",
        responses=PDF_RESPONSE,
    )  # fmt: skip
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        card = self.get_object()
        return document_file_response(request, card, label="匠心卡", filename=card.number)


@extend_schema_view(
    list=extend_schema(summary="本人的匠心卡", description="只返回当前登录劳模工匠本人的匠心卡。"),
    retrieve=extend_schema(summary="本人的匠心卡详情"),
)
class OwnCraftsmanCardViewSet(OwnMemberMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = CraftsmanCardSerializer
    queryset = CraftsmanCard.objects.none()
    filter_backends = []

    def get_queryset(self):
        return self.own_rows(CraftsmanCard)

    @extend_schema(
        summary="下载本人的匠心卡PDF", description="每次下载都记入访问日志；他人的或尚未生成的返回404。",
        responses=PDF_RESPONSE,
    )  # fmt: skip
    @action(detail=True, methods=["get"], renderer_classes=[JSONRenderer, PdfRenderer])
    def download(self, request, pk=None):
        card = self.get_object()
        return document_file_response(request, card, label="匠心卡", filename=card.number)
