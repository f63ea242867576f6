"""Admin of care: budgets, condolence visits with the annual report, holiday campaigns, hardship cases."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin.base import PortalModelAdmin, ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.errors import DomainError
from core.parsing import parse_year
from core.spreadsheets import xlsx_response

from ..exports import care_report_xlsx
from ..models import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    CondolenceVisitPhoto,
    HardshipCase,
    HardshipFollowUp,
    VisitCampaign,
)
from ..services.care import (
    campaign_generate,
    care_budget_check,
    care_report,
    care_report_total,
    condolence_visit_save,
    hardship_case_transition,
)
from .resources import (
    CampaignEntryResource,
    CareBudgetResource,
    CondolenceVisitResource,
    HardshipCaseResource,
)

# ---------------------------------------------------------------------------- budgets and visits


@admin.register(CareBudget)
class CareBudgetAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CareBudgetResource]
    list_display = ["year", "payer", "amount", "warn_ratio", "spent_display", "notes"]
    list_filter = ["year", ("branch", RelatedOnlyFieldListFilter)]
    list_select_related = ["branch"]

    @admin.display(description="承担方", ordering="branch__sort_order")
    def payer(self, obj):
        return obj.branch or "市协会本级"

    @admin.display(description="已支出（元）")
    def spent_display(self, obj):
        return CondolenceVisit.objects.charged_to(branch_id=obj.branch_id, year=obj.year).spending()


class CondolenceVisitPhotoInline(ScopedTabularInline):
    model = CondolenceVisitPhoto
    extra = 1
    fields = ["image", "caption"]


class CondolenceVisitForm(forms.ModelForm):
    """Warns before a visit would overspend its budget line: saving then needs an explicit confirmation."""

    confirm_overspend = forms.BooleanField(
        label="确认超预算支出",
        required=False,
        help_text="本次慰问将超出预算（或尚未设置预算）时，须勾选确认后才能保存。",
    )

    def clean(self):
        data = super().clean()
        member = data.get("member") or getattr(self.instance, "member", None)
        if self.errors or member is None or not data.get("visit_date"):
            return data
        paid_by_association = data.get("paid_by_association", self.instance.paid_by_association)
        check = care_budget_check(
            member=member,
            paid_by_association=paid_by_association,
            visit_date=data["visit_date"],
            cost=(data.get("cash_amount") or 0) + (data.get("goods_value") or 0),
            exclude_visit_id=self.instance.pk,
        )
        if check.overspends and not data.get("confirm_overspend"):
            raise ValidationError(
                check.message + "如确需支出，请勾选“确认超预算支出”后再保存。", code="overspend"
            )
        return data

    class Meta:
        model = CondolenceVisit
        fields = [
            "member", "visit_date", "occasion", "visitors", "campaign_entry", "paid_by_association",
            "cash_amount", "goods", "goods_value", "notes",
        ]  # fmt: skip


@admin.register(CondolenceVisit)
class CondolenceVisitAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CondolenceVisitResource]
    form = CondolenceVisitForm
    inlines = [CondolenceVisitPhotoInline]
    list_display = [
        "visit_date",
        "member",
        "occasion",
        "visitors",
        "cash_amount",
        "goods",
        "goods_value",
        "paid_by_association",
    ]
    list_filter = ["occasion", "paid_by_association", ("member__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["member__name", "visitors"]
    date_hierarchy = "visit_date"
    autocomplete_fields = ["member", "campaign_entry"]
    list_select_related = ["member"]
    change_list_template = "wellbeing/admin/visit_change_list.html"

    def get_fields(self, request, obj=None):
        return [*CondolenceVisitForm.Meta.fields, "confirm_overspend"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.is_association(request):
            fields.append("paid_by_association")  # branch officers spend their own branch's budget
        return fields

    def save_model(self, request, obj, form, change):
        check = condolence_visit_save(
            visit=obj, actor=request.user, confirm_overspend=form.cleaned_data.get("confirm_overspend", False)
        )
        level = messages.WARNING if check.overspends or check.near_limit else messages.INFO
        self.message_user(request, check.message, level=level)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("report/", view(self.report_view), name="wellbeing_condolencevisit_report"),
            *super().get_urls(),
        ]

    def report_view(self, request):
        """Per branch and year: visits, people reached, cash and goods against the budget; .xlsx export."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = parse_year(request.GET.get("year"), default=timezone.localdate().year)
        rows = care_report(year=year, user=request.user)
        total = care_report_total(rows)
        if request.GET.get("format") == "xlsx":
            access_log_record(
                user=request.user,
                action="export",
                target=f"{year}年走访慰问统计",
                request=request,
                row_count=len(rows),
            )
            return xlsx_response(
                f"{year}年走访慰问统计.xlsx", *care_report_xlsx([*rows, total]), title=f"{year}年走访慰问"
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"{year}年走访慰问统计",
            "opts": self.model._meta,
            "year": year,
            "rows": rows,
            "total": total,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        }
        return TemplateResponse(request, "wellbeing/admin/care_report.html", context)


# ---------------------------------------------------------------------------- campaigns


@admin.register(VisitCampaign)
class VisitCampaignAdmin(PortalModelAdmin):
    list_display = ["name", "occasion", "year", "starts_on", "ends_on", "status", "progress"]
    list_filter = ["occasion", "year", "status"]
    actions = ["generate_lists"]
    readonly_fields = ["progress_table"]

    @admin.display(description="进度")
    def progress(self, obj):
        entries = CampaignEntry.objects.filter(campaign=obj)
        total = entries.count()
        return f"{entries.filter(status='done').count()}/{total}" if total else "未生成名单"

    @admin.display(description="各分会走访进度")
    def progress_table(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        rows = CampaignEntry.objects.filter(campaign=obj).progress_by_branch()
        return format_html_join(
            "\n",
            "<div>{}：名单{}人，已走访{}人，不走访{}人，待走访{}人</div>",
            ((r["member__branch__name"], r["total"], r["done"], r["waived"], r["pending"]) for r in rows),
        )

    @admin.action(description="按规则生成各分会走访名单")
    def generate_lists(self, request, queryset):
        for campaign in queryset:
            try:
                added = campaign_generate(campaign=campaign, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{campaign}：{exc.message}", level=messages.ERROR)
                continue
            self.message_user(request, f"{campaign}：新增{added}人列入走访名单。")


@admin.register(CampaignEntry)
class CampaignEntryAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CampaignEntryResource]
    list_display = ["member", "branch_name", "campaign", "reasons", "status", "visit_link"]
    list_filter = [
        ("campaign", RelatedOnlyFieldListFilter),
        "status",
        ("member__branch", RelatedOnlyFieldListFilter),
    ]
    search_fields = ["member__name"]
    list_select_related = ["member__branch", "campaign"]
    pick_by_search = True  # picked on a visit by search, never edited or deleted from there
    readonly_fields = ["campaign", "member", "reasons"]
    fields = ["campaign", "member", "reasons", "status", "note"]

    def has_add_permission(self, request):
        return False  # lists come from the campaign's rules

    @admin.display(description="分会")
    def branch_name(self, obj):
        return obj.member.branch.name

    @admin.display(description="走访")
    def visit_link(self, obj):
        if obj.status != CampaignEntry.Status.PENDING:
            return obj.get_status_display()
        url = reverse("admin:wellbeing_condolencevisit_add")
        return format_html(
            '<a href="{}?member={}&campaign_entry={}&occasion=holiday">登记走访</a>',
            url,
            obj.member_id,
            obj.pk,
        )


# ---------------------------------------------------------------------------- hardship


class HardshipFollowUpInline(ScopedTabularInline):
    model = HardshipFollowUp
    extra = 1
    fields = ["date", "by", "note", "amount"]


class HardshipCaseForm(forms.ModelForm):
    next_status = forms.ChoiceField(label="变更状态为", required=False)

    class Meta:
        model = HardshipCase
        fields = ["member", "kind", "opened_on", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = HardshipCase.Status(self.instance.status or HardshipCase.Status.OPEN)
        targets = HardshipCase.TRANSITIONS[current] if self.instance.pk else set()
        self.fields["next_status"].choices = [("", "（不变）")] + [
            (s.value, s.label) for s in HardshipCase.Status if s in targets
        ]


@admin.register(HardshipCase)
class HardshipCaseAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [HardshipCaseResource]
    form = HardshipCaseForm
    inlines = [HardshipFollowUpInline]
    list_display = ["member", "kind", "opened_on", "status", "closed_on"]
    list_filter = ["status", "kind", ("member__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member"]

    def get_fields(self, request, obj=None):
        fields = ["member", "kind", "opened_on", "description"]
        return [*fields, "status", "closed_on", "next_status"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "status", "closed_on"]

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        super().save_model(request, obj, form, change)
        target = form.cleaned_data.get("next_status")
        if target:
            try:
                hardship_case_transition(case=obj, to_status=target, actor=request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)
