"""Subsidies with their totals, activities, and the yearly coverage targets."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.spreadsheets import xlsx_response

from ..forms import SubsidyForm
from ..models import ActivityPhoto, CoverageTarget, Subsidy, WorkshopActivity
from ..services import subsidy_record
from .resources import SubsidyResource, WorkshopActivityResource


@admin.register(Subsidy)
class SubsidyAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [SubsidyResource]
    form = SubsidyForm
    list_display = ["workshop", "branch_name", "year", "purpose", "amount", "paid_on", "document_number"]
    list_filter = ["year", "purpose", ("workshop__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["workshop__name", "document_number"]
    autocomplete_fields = ["workshop"]
    list_select_related = ["workshop__branch"]
    date_hierarchy = "paid_on"
    actions = ["export_xlsx"]
    change_list_template = "workshops/admin/subsidy/change_list.html"

    @admin.display(description="分会", ordering="workshop__branch__sort_order")
    def branch_name(self, obj):
        return obj.workshop.branch.name

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def save_model(self, request, obj, form, change):
        subsidy_record(subsidy=obj, actor=request.user)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl") if hasattr(response, "context_data") else None
        if cl is not None:
            # Totals over everything the filters select (already scoped), not just this page.
            qs = cl.queryset
            response.context_data["subsidy_totals"] = {
                "grand": qs.grand_total(),
                "by_year": list(qs.totals_by_year()),
                "by_branch": list(qs.totals_by_branch()),
            }
        return response

    @admin.action(description="导出Excel（所选记录，含按分会、年度、劳模工匠之家合计）")
    def export_xlsx(self, request, queryset):
        queryset = queryset.select_related("workshop__branch").order_by(
            "workshop__branch__sort_order", "year", "paid_on"
        )
        headers = [
            "分会",
            "劳模工匠之家",
            "年度",
            "用途",
            "用途说明",
            "金额（元）",
            "拨付日期",
            "拨付文号/凭证号",
        ]
        rows = [
            [s.workshop.branch.name, s.workshop.name, s.year, s.get_purpose_display(), s.purpose_detail,
             s.amount, s.paid_on, s.document_number]
            for s in queryset
        ]  # fmt: skip
        rows.append([])
        rows += [
            ["按分会合计", t["workshop__branch__name"], "", "", "", t["total"]]
            for t in queryset.totals_by_branch()
        ]
        rows += [["按年度合计", "", t["year"], "", "", t["total"]] for t in queryset.totals_by_year()]
        rows += [
            ["按劳模工匠之家合计", t["workshop__name"], "", "", "", t["total"]]
            for t in queryset.totals_by_workshop()
        ]
        rows.append(["总计", "", "", "", "", queryset.grand_total()])
        access_log_record(
            user=request.user, action="export", target="劳模工匠之家经费补助", request=request,
            detail={"format": "xlsx"}, row_count=queryset.count(),
        )  # fmt: skip
        return xlsx_response("劳模工匠之家经费补助.xlsx", headers, rows, title="经费补助")


class ActivityPhotoInline(ScopedTabularInline):
    model = ActivityPhoto
    extra = 0
    fields = ["image", "caption"]


@admin.register(WorkshopActivity)
class WorkshopActivityAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [WorkshopActivityResource]
    list_display = ["title", "workshop", "kind", "held_on", "participants"]
    list_filter = ["kind", ("workshop__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "workshop__name"]
    autocomplete_fields = ["workshop", "presenters"]
    list_select_related = ["workshop"]
    date_hierarchy = "held_on"
    inlines = [ActivityPhotoInline]


@admin.register(CoverageTarget)
class CoverageTargetAdmin(ScopedModelAdmin):
    list_display = ["year", "branch_display", "target_count", "notes"]
    list_filter = ["year", ("branch", RelatedOnlyFieldListFilter)]

    @admin.display(description="范围", ordering="branch__sort_order")
    def branch_display(self, obj):
        return obj.branch or "全市"
