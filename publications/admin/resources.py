"""What 导出Excel writes for the publication lists (core.admin.exporting.PortalResource)."""

from import_export.fields import Field

from core.admin.exporting import PortalResource

from ..models import Book, BookDistribution, NewsletterIssue


class BookResource(PortalResource):
    isbn = Field(attribute="isbn_display", column_name="ISBN")

    class Meta:
        model = Book
        name = "丛书"
        fields = ["series", "volume", "title", "editor", "publisher", "isbn", "year"]


class BookDistributionResource(PortalResource):
    labels = {"book__series": "丛书", "book__volume": "分册", "book__title": "书名"}
    isbn = Field(attribute="book__isbn_display", column_name="ISBN")

    class Meta:
        model = BookDistribution
        name = "赠书记录"
        fields = ["date", "book__series", "book__volume", "book__title", "isbn", "recipient",
                  "recipient_kind", "copies", "contact", "notes"]  # fmt: skip


class NewsletterIssueResource(PortalResource):
    class Meta:
        model = NewsletterIssue
        name = "会刊"
        fields = ["number", "month", "title", "status", "branch", "submitted_at", "published_at"]
