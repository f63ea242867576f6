"""Admin of books and their distribution records: the association's own (no branch_path: association-only)."""

from django.contrib import admin
from django.db.models import Sum

from core.admin.base import PortalModelAdmin
from core.admin.exporting import ExcelExportMixin

from ..models import Book, BookDistribution
from .resources import BookDistributionResource, BookResource

# ---------------------------------------------------------------------------------------
# Books (association-only)
# ---------------------------------------------------------------------------------------


class BookDistributionInline(admin.TabularInline):
    model = BookDistribution
    extra = 1
    fields = ["date", "recipient", "recipient_kind", "copies", "contact", "notes"]


@admin.register(Book)
class BookAdmin(ExcelExportMixin, PortalModelAdmin):
    resource_classes = [BookResource]
    list_display = ["series", "volume", "title", "publisher", "isbn_formatted", "year", "copies_given"]
    list_filter = ["series", "year", "publisher"]
    search_fields = ["title", "editor", "isbn", "publisher"]
    inlines = [BookDistributionInline]
    fields = ["series", "volume", "title", "editor", "publisher", "isbn", "year", "cover", "description"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(total_copies=Sum("distributions__copies"))

    @admin.display(description="ISBN", ordering="isbn")
    def isbn_formatted(self, obj):
        return obj.isbn_display

    @admin.display(description="已赠册数", ordering="total_copies")
    def copies_given(self, obj):
        return obj.total_copies or 0


@admin.register(BookDistribution)
class BookDistributionAdmin(ExcelExportMixin, PortalModelAdmin):
    resource_classes = [BookDistributionResource]
    list_display = ["date", "book", "recipient", "recipient_kind", "copies", "contact"]
    list_filter = ["recipient_kind", "book", "date"]
    search_fields = ["recipient", "book__title"]
    date_hierarchy = "date"
    list_select_related = ["book"]
