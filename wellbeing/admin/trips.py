"""Admin of convalescence trips.

Trips, their programme and the rules are association-only. A branch officer sees trips
through its own 分会名额 rows (trip, dates, status, programme, places used and left) and
its own nominations; it never sees another branch's nominees or quota. Every change of
state goes through ``wellbeing.services.trips``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin.base import PortalModelAdmin, ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.errors import DomainError
from core.parsing import parse_year
from core.roles import is_association_staff
from core.spreadsheets import XLSX_MIME, attachment

from ..models import (
    TRIP_TRANSITIONS,
    ConvalescenceTrip,
    Nomination,
    ProgrammeItem,
    TripQuota,
    TripRules,
    TripStatus,
)
from ..services import trip_documents as docs
from ..services import trips as services
from .resources import ConvalescenceTripResource

TRANSITION_LABELS = {
    TripStatus.OPEN: "开始报名",
    TripStatus.CLOSED: "截止报名",
    TripStatus.DEPARTED: "出发",
    TripStatus.COMPLETED: "完成",
    TripStatus.CANCELLED: "取消",
}


def _download(request, *, content: bytes, filename: str, mime: str, target: str, rows: int):
    access_log_record(user=request.user, action="export", target=target, request=request, row_count=rows)
    return attachment(content, filename, mime)


class AssociationOnlyAdmin(PortalModelAdmin):
    """Association-owned data: only association staff reach it (officers hold no permission)."""

    def has_module_permission(self, request):
        return is_association_staff(request.user) and super().has_module_permission(request)


@admin.register(TripRules)
class TripRulesAdmin(AssociationOnlyAdmin):
    fieldsets = [
        ("参加条件", {"fields": ["min_age", "max_age", "max_health_status", "require_health_record", "lookback_years"]}),
        ("优先分权重", {"fields": [
            "weight_front_line", "weight_heavy_or_harsh", "weight_epidemic",
            "weight_per_year_since", "years_since_cap", "weight_per_year_of_age", "age_base",
        ], "description": "修改后，新推荐按新权重计分；已有推荐可在疗休养团列表用“按当前权重重新计算优先分”更新。"}),
        ("年度目标", {"fields": ["annual_goal"]}),
        ("记录", {"fields": ["updated_by", "updated_at"]}),
    ]  # fmt: skip
    readonly_fields = ["updated_by", "updated_at"]
    list_display = ["__str__", "max_age", "lookback_years", "annual_goal", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not TripRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


class ProgrammeItemInline(admin.TabularInline):
    model = ProgrammeItem
    extra = 0
    fields = ["starts_at", "ends_at", "kind", "title", "location", "speaker"]


class TripQuotaInlineFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        capacity = self.instance.capacity or 0
        total = sum(
            f.cleaned_data.get("places") or 0
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        )
        if total > capacity:
            raise forms.ValidationError(f"各分会名额合计 {total} 人，超过本团总名额 {capacity} 人。")


class TripQuotaInline(ScopedTabularInline):
    model = TripQuota
    formset = TripQuotaInlineFormSet
    extra = 0
    fields = ["branch", "places"]


@admin.register(ConvalescenceTrip)
class ConvalescenceTripAdmin(ExcelExportMixin, AssociationOnlyAdmin):
    resource_classes = [ConvalescenceTripResource]
    change_form_template = "wellbeing/admin/trip_change_form.html"
    change_list_template = "wellbeing/admin/trip_change_list.html"
    inlines = [TripQuotaInline, ProgrammeItemInline]
    list_display = ["name", "region", "start_date", "end_date", "capacity", "places_display", "status"]
    list_filter = ["status", "region", "year"]
    search_fields = ["name", "destination", "route"]
    date_hierarchy = "start_date"
    readonly_fields = ["status", "status_note"]
    fieldsets = [
        (None, {"fields": ["name", "region", "route", "destination", "start_date", "end_date"]}),
        ("名额与费用", {"fields": ["capacity", "cost_per_person"]}),
        ("安全要求与说明", {"fields": ["requires_travel_history", "description"]}),
        ("状态", {"fields": ["status", "status_note"]}),
    ]
    actions = ["assign_rooms", "rescore", "fill_from_waitlist"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_place_counts()

    @admin.display(description="已占用/候补")
    def places_display(self, obj):
        return f"{obj.held_count}/{obj.capacity}（候补{obj.waitlist_count}）"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.status in (
            TripStatus.DEPARTED,
            TripStatus.COMPLETED,
            TripStatus.CANCELLED,
        ):
            fields += ["start_date", "end_date", "capacity"]
        return fields

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # More places (capacity or a quota raised) go straight to the waitlist.
        promoted = services.trip_fill_from_waitlist(trip=form.instance, actor=request.user)
        if promoted:
            self.message_user(request, f"已从候补名单递补 {len(promoted)} 人。")

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("report/", wrap(self.report_view), name="wellbeing_convalescencetrip_report"),
            path("<int:pk>/transition/<str:status>/", wrap(self.transition_view),
                 name="wellbeing_convalescencetrip_transition"),
            path("<int:pk>/roster/<str:kind>.<str:fmt>", wrap(self.roster_view),
                 name="wellbeing_convalescencetrip_roster"),
        ] + super().get_urls()  # fmt: skip

    def _trip(self, request, pk):
        if not is_association_staff(request.user):
            raise Http404
        return get_object_or_404(ConvalescenceTrip, pk=pk)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            allowed = TRIP_TRANSITIONS.get(obj.status, set())
            context["transitions"] = [(s, TRANSITION_LABELS[s]) for s in TripStatus.values if s in allowed]
        return super().render_change_form(request, context, add, change, form_url, obj)

    def transition_view(self, request, pk, status):
        trip = self._trip(request, pk)
        if status not in TripStatus.values:
            raise Http404
        if request.method == "POST":
            try:
                services.trip_transition(
                    trip=trip, to_status=status, actor=request.user, note=request.POST.get("note", "")
                )
            except DomainError as exc:
                self.message_domain_error(request, exc)
            else:
                self.message_user(request, f"“{trip.name}”已{TRANSITION_LABELS.get(status, '')}。")
            return redirect(reverse("admin:wellbeing_convalescencetrip_change", args=[trip.pk]))
        return TemplateResponse(
            request,
            "wellbeing/admin/trip_transition.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "trip": trip,
                "label": TRANSITION_LABELS.get(status, status),
                "note_required": status == TripStatus.CANCELLED,
                "title": f"{TRANSITION_LABELS.get(status, status)}：{trip.name}",
            },
        )

    def roster_view(self, request, pk, kind, fmt):
        trip = self._trip(request, pk)
        return roster_response(
            request, trip=trip, nominations=trip.nominations.all(), kind=kind, fmt=fmt, full=True
        )

    def report_view(self, request):
        if not is_association_staff(request.user):
            raise Http404
        year = parse_year(request.GET.get("year"), default=timezone.localdate().year)
        report = docs.annual_report(year=year)
        if request.GET.get("format") == "xlsx":
            return _download(
                request, content=docs.annual_report_xlsx(report), filename=f"{year}年疗休养年度统计.xlsx",
                mime=XLSX_MIME, target=f"疗休养年度统计 {year}", rows=len(report["branches"]),
            )  # fmt: skip
        return TemplateResponse(
            request,
            "wellbeing/admin/trip_report.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"{year}年疗休养年度统计",
                "report": report,
                "branch_totals": {
                    key: sum(b[key] for b in report["branches"])
                    for key in ("quota", "confirmed", "departed", "never_been")
                },
                "group_total": sum(g["count"] for g in report["groups"]),
                "years": list(range(timezone.localdate().year + 1, timezone.localdate().year - 6, -1)),
            },
        )

    @admin.action(description="自动分配房间（同性两人一间）")
    def assign_rooms(self, request, queryset):
        self._each(
            request, queryset, lambda t: services.rooms_assign(trip=t, actor=request.user), "分配房间 {n} 人"
        )

    @admin.action(description="按当前权重重新计算优先分")
    def rescore(self, request, queryset):
        self._each(request, queryset, lambda t: services.nominations_rescore(trip=t, actor=request.user),
                   "重新计分 {n} 条")  # fmt: skip

    @admin.action(description="从候补名单递补空余名额")
    def fill_from_waitlist(self, request, queryset):
        self._each(request, queryset, lambda t: len(services.trip_fill_from_waitlist(trip=t, actor=request.user)),
                   "递补 {n} 人")  # fmt: skip

    def _each(self, request, queryset, action, template):
        for trip in queryset:
            try:
                n = action(trip)
            except DomainError as exc:
                self.message_user(request, f"{trip.name}：{exc.message}", level=messages.ERROR)
            else:
                self.message_user(request, f"{trip.name}：" + template.format(n=n))

    def message_domain_error(self, request, exc):
        self.message_user(request, exc.message, level=messages.ERROR)


def roster_response(request, *, trip, nominations, kind, fmt, full):
    """A participant or rooming list download, logged in the access log."""
    if kind not in ("participants", "rooming") or fmt not in ("xlsx", "pdf"):
        raise Http404
    label = "学员名单" if kind == "participants" else "住宿安排表"
    count = docs.roster_nominations(nominations).count()
    if fmt == "xlsx":
        content = (
            docs.participants_xlsx(trip=trip, nominations=nominations, full=full)
            if kind == "participants"
            else docs.rooming_xlsx(trip=trip, nominations=nominations)
        )
        mime = XLSX_MIME
    else:
        content = (
            docs.participants_pdf(trip=trip, nominations=nominations)
            if kind == "participants"
            else docs.rooming_pdf(trip=trip, nominations=nominations)
        )
        mime = "application/pdf"
    return _download(
        request, content=content, filename=f"{trip.name}{label}.{fmt}", mime=mime,
        target=f"疗休养{label}：{trip.name}", rows=count,
    )  # fmt: skip


@admin.register(TripQuota)
class TripQuotaAdmin(ScopedModelAdmin):
    """Officers' window on trips: their own quota rows, the trip's facts and their own roster."""

    list_display = [
        "trip", "trip_dates", "trip_status", "branch", "places", "held", "remaining", "waitlisted", "downloads",
    ]  # fmt: skip
    list_filter = ["trip__status", "trip__year", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["trip__name"]
    list_select_related = ["trip", "branch"]
    readonly_fields = ["trip_facts", "programme_display"]
    fields = ["trip", "branch", "places", "trip_facts", "programme_display"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_usage()

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["trip", "branch"]
        return fields

    @admin.display(description="日期")
    def trip_dates(self, obj):
        return f"{obj.trip.start_date:%Y-%m-%d}—{obj.trip.end_date:%m-%d}"

    @admin.display(description="状态", ordering="trip__status")
    def trip_status(self, obj):
        return obj.trip.get_status_display()

    @admin.display(description="已占用")
    def held(self, obj):
        return obj.held_count

    @admin.display(description="剩余")
    def remaining(self, obj):
        return max(obj.places - obj.held_count, 0)

    @admin.display(description="候补")
    def waitlisted(self, obj):
        return obj.waitlist_count

    @admin.display(description="本分会名单")
    def downloads(self, obj):
        links = [
            (reverse("admin:wellbeing_tripquota_roster", args=[obj.pk, kind, fmt]), label)
            for kind, fmt, label in (("participants", "xlsx", "名单·导出Excel"), ("participants", "pdf", "名单·打印PDF"))
        ]
        return format_html_join(" ", '<a href="{}">{}</a>', links)

    @admin.display(description="团队信息")
    def trip_facts(self, obj):
        t = obj.trip
        return format_html(
            "{}（{}）<br>线路：{}；目的地：{}<br>{}—{}，共{}天；人均费用{}元；总名额{}人",
            t.name, t.get_status_display(), t.route, t.destination, t.start_date, t.end_date, t.days,
            t.cost_per_person, t.capacity,
        )  # fmt: skip

    @admin.display(description="日程安排")
    def programme_display(self, obj):
        items = obj.trip.programme.all()
        if not items:
            return "—"
        return format_html_join(
            "",
            "<div>{} {}：{}（{}）</div>",
            (
                (
                    timezone.localtime(i.starts_at).strftime("%m-%d %H:%M"),
                    i.get_kind_display(),
                    i.title,
                    i.location,
                )
                for i in items
            ),
        )

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/roster/<str:kind>.<str:fmt>",
                wrap(self.roster_view),
                name="wellbeing_tripquota_roster",
            ),
        ] + super().get_urls()

    def roster_view(self, request, pk, kind, fmt):
        # Fetched through the scoped queryset: another branch's quota is a 404.
        quota = get_object_or_404(TripQuota.objects.visible_to(request.user).select_related("trip"), pk=pk)
        nominations = Nomination.objects.visible_to(request.user).filter(trip=quota.trip, branch=quota.branch)
        return roster_response(
            request, trip=quota.trip, nominations=nominations, kind=kind, fmt=fmt, full=False
        )
