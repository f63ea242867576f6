"""Admin of letters/visits/calls: registration, the log, the life cycle, the overdue list and statistics."""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.functions import ExtractMonth
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from core.access import branch_for_new_row
from core.admin.base import PortalModelAdmin, ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.crosstab import counts_by, crosstab
from core.errors import DomainError
from core.parsing import parse_year
from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP, is_association_staff
from core.scoping import user_scope
from core.spreadsheets import xlsx_response
from members.models import Branch

from ..models import CalendarDay, Inquiry, InquiryLog
from ..services.inquiries import (
    REMIND_WORKING_DAYS_AHEAD,
    inquiry_log_add,
    inquiry_register,
    inquiry_transition,
    working_days_after,
)
from .resources import InquiryResource

DIMENSIONS = [("channel", "渠道"), ("category", "类别"), ("branch", "承办分会"), ("month", "月份")]


class DeadlineFilter(admin.SimpleListFilter):
    """The overdue list and the cases due soon."""

    title = "办理期限"
    parameter_name = "deadline_state"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "已逾期"),
            ("soon", f"{REMIND_WORKING_DAYS_AHEAD}个工作日内到期"),
            ("open", "未答复"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "soon":
            return queryset.due_by(working_days_after(today, REMIND_WORKING_DAYS_AHEAD)).filter(
                deadline__gte=today
            )
        if self.value() == "open":
            return queryset.open()
        return queryset


class InquiryLogInline(ScopedTabularInline):
    model = InquiryLog
    extra = 0
    fields = ["at", "kind", "by", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # entries are added through the case form (one write path)

    def has_change_permission(self, request, obj=None):
        return False


class InquiryForm(forms.ModelForm):
    next_status = forms.ChoiceField(label="变更状态为", required=False)
    log_kind = forms.ChoiceField(
        label="记录类型",
        required=False,
        choices=[
            (InquiryLog.Kind.NOTE, "办理情况"),
            (InquiryLog.Kind.REPLY, "答复"),
            (InquiryLog.Kind.FOLLOW_UP, "回访"),
        ],
    )
    log_text = forms.CharField(
        label="办理记录", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="变更为“已答复”时填写答复内容，变更为“已回访”时填写回访情况；也可只添加一条办理记录。",
    )  # fmt: skip

    class Meta:
        model = Inquiry
        fields = [
            "channel", "received_at", "branch", "member", "person_name", "contact", "subject", "category",
            "content", "assigned_to", "deadline", "out_of_policy", "policy_explanation",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deadline"].required = False
        if "received_at" in self.fields and not self.instance.pk:
            self.fields["received_at"].initial = timezone.now
        current = Inquiry.Status(self.instance.status or Inquiry.Status.REGISTERED)
        targets = Inquiry.TRANSITIONS[current] if self.instance.pk else set()
        self.fields["next_status"].choices = [("", "（不变）")] + [
            (s.value, s.label) for s in Inquiry.Status if s in targets
        ]

    def clean(self):
        data = super().clean()
        received, deadline = data.get("received_at"), data.get("deadline")
        if received and deadline and deadline < timezone.localdate(received):
            self.add_error("deadline", "办理期限不能早于受理日期。")
        if data.get("out_of_policy") and not (data.get("policy_explanation") or "").strip():
            if (
                data.get("next_status") == Inquiry.Status.REPLIED
                or self.instance.status not in Inquiry.OPEN_STATUSES
            ):
                self.add_error("policy_explanation", "超出政策范围的诉求须填写向当事人所作的政策解释。")
        return data


@admin.register(Inquiry)
class InquiryAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [InquiryResource]
    form = InquiryForm
    inlines = [InquiryLogInline]
    list_display = [
        "received_at",
        "channel",
        "person_name",
        "subject",
        "category",
        "branch",
        "assigned_to",
        "deadline",
        "status",
        "overdue_flag",
    ]
    list_filter = [DeadlineFilter, "status", "channel", "category", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["subject", "person_name"]
    date_hierarchy = "received_at"
    autocomplete_fields = ["member"]
    list_select_related = ["branch", "assigned_to"]
    change_list_template = "wellbeing/admin/inquiry_change_list.html"

    def get_fields(self, request, obj=None):
        fields = list(InquiryForm.Meta.fields)
        if obj is None:
            return fields
        return [*fields, "status", "replied_at", "closed_at", "next_status", "log_kind", "log_text"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        fields += ["status", "replied_at", "closed_at"]
        if obj is not None:
            fields += ["channel", "received_at"]
        if obj is not None and obj.status == Inquiry.Status.CLOSED:
            fields += [f for f in InquiryForm.Meta.fields if f not in fields]
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "assigned_to" and formfield is not None:
            formfield.queryset = assignable_officers(request.user)
        return formfield

    @admin.display(description="逾期", boolean=True)
    def overdue_flag(self, obj):
        return obj.status in Inquiry.OPEN_STATUSES and obj.deadline < timezone.localdate()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.branch_id = branch_for_new_row(request.user, obj.branch_id)
            try:
                inquiry_register(inquiry=obj, actor=request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)
            return
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not change:
            return
        inquiry = form.instance
        target = form.cleaned_data.get("next_status")
        text = form.cleaned_data.get("log_text", "")
        try:
            if target:
                inquiry_transition(inquiry=inquiry, to_status=target, actor=request.user, note=text)
            elif text.strip():
                inquiry_log_add(
                    inquiry=inquiry,
                    kind=form.cleaned_data.get("log_kind") or "note",
                    text=text,
                    actor=request.user,
                )
        except DomainError as exc:
            self.message_domain_error(request, exc)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("statistics/", view(self.statistics_view), name="wellbeing_inquiry_statistics"),
            *super().get_urls(),
        ]

    def statistics_view(self, request):
        """Counts per channel, category, branch and month of one year; .xlsx export."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = parse_year(request.GET.get("year"), default=timezone.localdate().year)
        start = timezone.make_aware(datetime.datetime(year, 1, 1))
        end = timezone.make_aware(datetime.datetime(year + 1, 1, 1))
        qs = self.get_queryset(request).filter(received_at__gte=start, received_at__lt=end)
        tables = [(label, statistics_rows(qs, key)) for key, label in DIMENSIONS]
        if request.GET.get("format") == "xlsx":
            rows = [[label, name, count] for label, table in tables for name, count in table]
            access_log_record(
                user=request.user,
                action="export",
                target=f"{year}年来信来访来电统计",
                request=request,
                row_count=len(rows),
            )
            return xlsx_response(
                f"{year}年来信来访来电统计.xlsx", ["维度", "项目", "件数"], rows, title="统计"
            )
        context = {
            **self.admin_site.each_context(request),
            "crosstabs": inquiry_crosstabs(qs, user=request.user, year=year),
            "title": f"{year}年来信来访来电统计",
            "opts": self.model._meta,
            "year": year,
            "tables": tables,
            "total": qs.count(),
            "overdue": qs.overdue(timezone.localdate()).count(),
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
        }
        return TemplateResponse(request, "wellbeing/admin/inquiry_statistics.html", context)


def inquiry_crosstabs(qs, *, user, year: int) -> list[dict]:
    """承办分会 × 类别 and 月份 × 渠道, with 合计 row and column (every case counted once in each)."""
    by_branch = counts_by(qs.values_list("branch", "category").annotate(n=Count("pk")).order_by())
    by_month = counts_by(
        qs.annotate(month=ExtractMonth("received_at"))
        .values_list("month", "channel")
        .annotate(n=Count("pk"))
        .order_by()
    )
    branches = list(Branch.objects.visible_to(user).order_by("sort_order", "pk").values_list("pk", "name"))
    listed = {pk for pk, _ in branches}
    missing = {b for b, _ in by_branch if b is not None and b not in listed}
    if missing:
        branches += list(Branch.objects.filter(pk__in=missing).values_list("pk", "name"))
    rows = [(None, "市协会本级")] if is_association_staff(user) else []
    return [
        crosstab(
            key="branch_category", title=f"{year}年按承办分会和类别", corner="承办分会",
            rows=rows + branches, columns=list(Inquiry.Category.choices), counts=by_branch, unit="件",
            drop_empty_rows=len(branches) > 1,
        ),
        crosstab(
            key="month_channel", title=f"{year}年按月份和渠道", corner="月份",
            rows=[(m, f"{m}月") for m in range(1, 13)], columns=list(Inquiry.Channel.choices),
            counts=by_month, unit="件",
        ),
    ]  # fmt: skip


def statistics_rows(qs, dimension) -> list[tuple[str, int]]:
    """(label, count) rows of one dimension with Chinese labels."""
    labels = {
        "channel": dict(Inquiry.Channel.choices),
        "category": dict(Inquiry.Category.choices),
    }.get(dimension, {})
    rows = []
    for row in qs.statistics(dimension):
        key = row["key"]
        if dimension == "month":
            name = (
                timezone.localtime(key).strftime("%Y年%m月")
                if isinstance(key, datetime.datetime)
                else f"{key:%Y年%m月}"
            )
        elif dimension == "branch":
            name = key or "市协会本级"
        else:
            name = labels.get(key, key)
        rows.append((name, row["total"]))
    return rows


def assignable_officers(user):
    """Who a case may be given to: the officers of the user's branch, or any staff for the association."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    if is_association_staff(user):
        return (
            users.filter(groups__name__in=[ASSOCIATION_GROUP, OFFICER_GROUP]).distinct().order_by("username")
        )
    scope = user_scope(user)
    if scope.branch_id is None:
        return users.none()
    return users.filter(officer_profile__branch_id=scope.branch_id, groups__name=OFFICER_GROUP).order_by(
        "username"
    )


@admin.register(CalendarDay)
class CalendarDayAdmin(PortalModelAdmin):
    """节假日调整: next year's schedule as soon as it is announced (association staff only)."""

    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["kind", "name"]
    date_hierarchy = "date"
    search_fields = ["name"]

    @admin.display(description="星期", ordering="date")
    def weekday(self, obj):
        return "一二三四五六日"[obj.date.weekday()].join(["星期", ""])
