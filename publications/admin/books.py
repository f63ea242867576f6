"""Admin of books and their distribution records: the association's own (no branch_path: association-only)."""

from django.contrib import admin
from django.db.models import Sum

from core.admin.base import PortalModelAdmin
from core.audit import access_log_record
from core.spreadsheets import xlsx_response

from ..models import Book, BookDistribution

# ---------------------------------------------------------------------------------------
# Books (association-only)
# ---------------------------------------------------------------------------------------


class BookDistributionInline(admin.TabularInline):
    model = BookDistribution
    extra = 1
    fields = ["date", "recipient", "recipient_kind", "copies", "contact", "notes"]


@admin.register(Book)
class BookAdmin(PortalModelAdmin):
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
class BookDistributionAdmin(PortalModelAdmin):
    list_display = ["date", "book", "recipient", "recipient_kind", "copies", "contact"]
    list_filter = ["recipient_kind", "book", "date"]
    search_fields = ["recipient", "book__title"]
    date_hierarchy = "date"
    list_select_related = ["book"]
    actions = ["export_xlsx"]

    @admin.action(description="导出所选赠书记录（Excel）", permissions=["view"])
    def export_xlsx(self, request, queryset):
        rows = [
            [d.date, d.book.series, d.book.volume, d.book.title, d.book.isbn_display, d.recipient,
             d.get_recipient_kind_display(), d.copies, d.contact, d.notes]
            for d in queryset.select_related("book").order_by("date", "pk")
        ]  # fmt: skip
        # The receiving contact's name is personal data: the export is logged.
        access_log_record(
            user=request.user, action="export", target="丛书赠书记录", request=request, row_count=len(rows)
        )
        headers = [
            "赠送日期",
            "丛书",
            "分册",
            "书名",
            "ISBN",
            "受赠单位",
            "单位类别",
            "册数",
            "接收人",
            "备注",
        ]
        return xlsx_response("丛书赠书记录.xlsx", headers, rows, title="赠书记录", text_columns=[4])
