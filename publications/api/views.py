"""Publications API: newsletter issues for staff roles, scoped like the admin, workflow via services."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import filters, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api.base import ScopedReadOnlyViewSet

from .. import services
from ..models import Article, NewsletterIssue
from .filters import NewsletterIssueFilter
from .serializers import NewsletterIssueSerializer


@extend_schema_view(
    list=extend_schema(
        summary="会刊期次列表（含文章）",
        description="仅工作人员；分会工作人员只看到本分会编辑的期次，看不到协会的草稿。公开阅读请用 /news/。",
    ),
    retrieve=extend_schema(summary="会刊期次详情（含文章）"),
)
class NewsletterIssueViewSet(ScopedReadOnlyViewSet):
    queryset = NewsletterIssue.objects.select_related("branch").prefetch_related(
        Prefetch("articles", queryset=Article.objects.order_by("position", "pk"))
    )
    serializer_class = NewsletterIssueSerializer
    filter_backends = [DjangoFilterBackend, filters.OrderingFilter]
    filterset_class = NewsletterIssueFilter
    ordering_fields = ["id", "number", "month"]
    ordering = ["-id"]

    def _step(self, service):
        issue = self.get_object()
        service(issue=issue, actor=self.request.user)
        return Response(self.get_serializer(self.get_queryset().get(pk=issue.pk)).data)

    @extend_schema(
        summary="提交审核",
        description="草稿 → 审核；协会工作人员或本分会工作人员可提交。",
        request=serializers.Serializer,
        responses=NewsletterIssueSerializer,
    )
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(services.issue_submit)

    @extend_schema(
        summary="审核通过并发布（仅协会）",
        request=serializers.Serializer,
        responses=NewsletterIssueSerializer,
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._step(services.issue_publish)
