"""Serializers of the publications API: newsletter issues with their articles (read-only)."""

from rest_framework import serializers

from ..models import Article, NewsletterIssue


class IssueArticleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Article
        fields = ["id", "title", "author", "category", "summary", "position", "updated_at"]
        read_only_fields = fields


class NewsletterIssueSerializer(serializers.ModelSerializer):
    branch_name = serializers.CharField(source="branch.name", read_only=True, allow_null=True, default=None)
    articles = IssueArticleSerializer(many=True, read_only=True)

    class Meta:
        model = NewsletterIssue
        fields = [
            "id", "number", "month", "title", "status", "branch", "branch_name", "review_note",
            "submitted_at", "published_at", "created_at", "updated_at", "articles",
        ]  # fmt: skip
        read_only_fields = fields
