"""Admin of service events (with beneficiaries, photos and hours inline) and the statistics page."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.template.response import TemplateResponse
from django.urls import path

from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.errors import DomainError
from core.parsing import parse_year
from core.spreadsheets import xlsx_response

from .. import services
from ..models import EventBeneficiary, EventPhoto, Participation, ServiceEvent, ServiceRequest
from ..statistics import (
    CATEGORY_LABELS,
    STAT_HEADERS,
    category_totals,
    double_hundred_progress,
    statistics_crosstabs,
    statistics_table,
    yearly_statistics,
)
from .resources import ParticipationResource, ServiceEventResource
from .signin import SignInSheetImportMixin


class EventBeneficiaryInline(ScopedTabularInline):
    model = EventBeneficiary
    extra = 0
    autocomplete_fields = ["beneficiary"]
    verbose_name_plural = "服务对象单位"


class ParticipationInline(ScopedTabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["member"]
    fields = ["member", "role", "hours"]


class EventPhotoInline(ScopedTabularInline):
    model = EventPhoto
    extra = 0
    fields = ["image", "caption"]


class ServiceEventForm(forms.ModelForm):
    class Meta:
        model = ServiceEvent
        fields = [
            "title",
            "category",
            "team",
            "date",
            "duration_hours",
            "place",
            "request",
            "course",
            "audience_count",
            "description",
            "outcome",
        ]

    def clean(self):
        data = super().clean()
        request, team = data.get("request"), data.get("team")
        newly_linked = request is not None and request.pk != self.instance.request_id
        if newly_linked:
            if request.status not in (ServiceRequest.Status.ASSIGNED, ServiceRequest.Status.IN_SERVICE):
                self.add_error("request", f"该需求状态为“{request.get_status_display()}”，不能安排服务活动。")
            elif team is not None and request.assigned_team_id != team.pk:
                self.add_error("request", "该需求已派给其他服务队。")
        return data


@admin.register(ServiceEvent)
class ServiceEventAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [ServiceEventResource]
    form = ServiceEventForm
    change_list_template = "volunteering/admin/event_change_list.html"
    inlines = [EventBeneficiaryInline, ParticipationInline, EventPhotoInline]
    list_display = ["date", "title", "category", "team", "status", "participant_count", "hours_total"]
    list_filter = [
        "category",
        "status",
        ("team__branch", RelatedOnlyFieldListFilter),
        ("team", RelatedOnlyFieldListFilter),
    ]
    date_hierarchy = "date"
    search_fields = ["title", "place"]
    autocomplete_fields = ["team", "request", "course"]
    list_select_related = ["team"]
    readonly_fields = ["status"]
    actions = ["mark_done", "mark_cancelled"]
    fieldsets = [
        (None, {"fields": ["title", "category", "team", "status"]}),
        ("时间地点", {"fields": ["date", "duration_hours", "place"]}),
        ("服务内容", {"fields": ["request", "course", "audience_count", "description", "outcome"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(n_people=Count("participations", distinct=True), n_hours=Sum("participations__hours"))
        )

    @admin.display(description="参与人数", ordering="n_people")
    def participant_count(self, obj):
        return obj.n_people

    @admin.display(description="服务时长合计", ordering="n_hours")
    def hours_total(self, obj):
        return obj.n_hours or 0

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if "request" in form.changed_data and form.instance.request_id:
            try:
                services.service_event_link_request(event=form.instance, actor=request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)

    def _each(self, request, queryset, action, done_message):
        done = 0
        for event in queryset:
            try:
                action(event=event, actor=request.user)
                done += 1
            except DomainError as exc:
                self.message_domain_error(request, exc)
        if done:
            self.message_user(request, done_message.format(n=done), messages.SUCCESS)

    @admin.action(description="标记为已完成（计入服务时长）", permissions=["change"])
    def mark_done(self, request, queryset):
        self._each(request, queryset, services.service_event_complete, "{n} 项活动已标记为已完成。")

    @admin.action(description="取消活动", permissions=["change"])
    def mark_cancelled(self, request, queryset):
        self._each(request, queryset, services.service_event_cancel, "{n} 项活动已取消。")

    # -- statistics ---------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.statistics_view)
        return [path("statistics/", view, name="volunteering_serviceevent_statistics"), *super().get_urls()]

    def _year(self, request) -> int:
        return parse_year(request.GET.get("year"), default=datetime.date.today().year)

    def statistics_view(self, request):
        """Yearly figures per branch and category, as the user may see them; ?format=xlsx exports."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        year = self._year(request)
        stats = yearly_statistics(user=request.user, year=year)
        if request.GET.get("format") == "xlsx":
            rows = list(statistics_table(stats))
            access_log_record(
                user=request.user,
                action="export",
                target=f"志愿服务统计 {year}年",
                request=request,
                detail={"year": year, "format": "xlsx"},
                row_count=len(rows),
            )
            return xlsx_response(
                f"志愿服务统计-{year}.xlsx", STAT_HEADERS, rows, title=f"{year}年志愿服务统计"
            )
        by_category = category_totals(user=request.user, year=year)
        years = ServiceEvent.objects.visible_to(request.user).dates("date", "year", order="DESC")
        crosstabs = statistics_crosstabs(stats)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{year}年志愿服务统计",
            "year": year,
            "years": sorted({d.year for d in years} | {datetime.date.today().year}, reverse=True),
            "stats": stats,
            "crosstabs": crosstabs,
            "branch_rows": [(b.name, stats.cell(b.pk)) for b in stats.branches],
            "headers": ["分会", *STAT_HEADERS[2:]],
            "by_category": [(CATEGORY_LABELS[c], f) for c, f in by_category.items()],
            "progress": double_hundred_progress(user=request.user),
            "progress_year": double_hundred_progress(user=request.user, year=year),
            "chart": crosstabs,
        }
        return TemplateResponse(request, "volunteering/admin/statistics.html", context)


@admin.register(Participation)
class ParticipationAdmin(SignInSheetImportMixin, ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [ParticipationResource]  # the export; the import has its own (signin.py)
    """Hours across events: who served where and for how long."""

    list_display = ["member", "event", "event_category", "event_date", "role", "hours"]
    list_filter = [
        "role",
        "event__category",
        "event__status",
        ("event__team__branch", RelatedOnlyFieldListFilter),
    ]
    search_fields = ["member__name", "event__title"]
    autocomplete_fields = ["member", "event"]
    list_select_related = ["member", "event"]

    @admin.display(description="类别", ordering="event__category")
    def event_category(self, obj):
        return obj.event.get_category_display()

    @admin.display(description="日期", ordering="event__date")
    def event_date(self, obj):
        return obj.event.date
