"""Admin of convalescence trips.

Trips, their programme and the rules are association-only. A branch officer sees trips
through its own 分会名额 rows (trip, dates, status, programme, places used and left) and
its own nominations; it never sees another branch's nominees or quota. Every change of
state goes through ``wellbeing.services.trips``.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from members.admin_base import ScopedModelAdmin, ScopedTabularInline
from members.audit import access_log_record
from members.errors import DomainError
from members.models import Member
from members.roles import is_association_staff, officer_branch_id
from members.spreadsheets import XLSX_MIME, attachment

from ..models import (
    TRIP_TRANSITIONS,
    ConvalescenceTrip,
    MemberWorkProfile,
    Nomination,
    ProgrammeItem,
    SafetyCheck,
    TripQuota,
    TripRules,
    TripStatus,
)
from ..services import trip_documents as docs
from ..services import trips as services
from ..services.trip_rules import eligibility_reasons

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


class AssociationOnlyAdmin(SimpleHistoryAdmin):
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
class ConvalescenceTripAdmin(AssociationOnlyAdmin):
    change_form_template = "admin/wellbeing/trip_change_form.html"
    change_list_template = "admin/wellbeing/trip_change_list.html"
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
            context["transitions"] = [(s, TRANSITION_LABELS[s]) for s in TRIP_TRANSITIONS.get(obj.status, ())]
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
            "admin/wellbeing/trip_transition.html",
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
        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        report = docs.annual_report(year=year)
        if request.GET.get("format") == "xlsx":
            return _download(
                request, content=docs.annual_report_xlsx(report), filename=f"{year}年疗休养年度统计.xlsx",
                mime=XLSX_MIME, target=f"疗休养年度统计 {year}", rows=len(report["branches"]),
            )  # fmt: skip
        return TemplateResponse(
            request,
            "admin/wellbeing/trip_report.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"{year}年疗休养年度统计",
                "report": report,
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
            for kind, fmt, label in (("participants", "xlsx", "名单xlsx"), ("participants", "pdf", "名单PDF"))
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


class NominationAddForm(forms.ModelForm):
    """The nomination form: eligibility is checked here so refusals come back as form errors."""

    class Meta:
        model = Nomination
        fields = ["trip", "member", "reason"]

    def clean(self):
        data = super().clean()
        trip, member = data.get("trip"), data.get("member")
        if trip and member:
            reasons = eligibility_reasons(member=member, trip=trip)
            if reasons:
                raise forms.ValidationError(["不符合参加条件："] + reasons)
        return data


class SafetyCheckStateFilter(admin.SimpleListFilter):
    title = "安全核查"
    parameter_name = "safety"

    def lookups(self, request, model_admin):
        return [("none", "未填写"), ("done", "已填写")]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(safety_check__isnull=True)
        if self.value() == "done":
            return queryset.filter(safety_check__isnull=False)
        return queryset


@admin.register(Nomination)
class NominationAdmin(ScopedModelAdmin):
    list_display = [
        "member", "trip", "branch", "status", "priority_score", "priority_explained", "priority_group",
        "safety_state", "room_number", "departed_at",
    ]  # fmt: skip
    list_filter = [
        "status", "priority_group", ("trip", RelatedOnlyFieldListFilter), ("branch", RelatedOnlyFieldListFilter),
        SafetyCheckStateFilter,
    ]  # fmt: skip
    search_fields = ["member__name"]
    list_select_related = ["member", "trip", "branch", "safety_check"]
    autocomplete_fields = ["member"]
    ordering = ["trip", "-priority_score", "created_at"]
    actions = ["approve", "reject", "withdraw", "mark_departed"]
    readonly_fields = [
        "trip", "member", "branch", "status", "priority_score", "priority_explained", "priority_group",
        "reason", "decision_note", "nominated_by", "created_at", "decided_by", "decided_at", "departed_at",
    ]  # fmt: skip

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NominationAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["trip", "member", "reason"]
        return [*self.readonly_fields, "room_number"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fields = list(self.readonly_fields)
        if not self.is_association(request):
            fields.append("room_number")
        return fields

    def has_change_permission(self, request, obj=None):
        # Only the room number is edited on the form, and only by association staff.
        return self.is_association(request) and super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "trip" and formfield is not None:
            trips = ConvalescenceTrip.objects.filter(status=TripStatus.OPEN)
            if not self.is_association(request):
                trips = trips.open_for_branch(officer_branch_id(request.user)).distinct()
            formfield.queryset = trips
        if db_field.name == "member" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(status=Member.Status.ACTIVE)
        return formfield

    def save_model(self, request, obj, form, change):
        if change:
            services.nomination_set_room(nomination=obj, room_number=obj.room_number, actor=request.user)
            return
        created = services.nomination_create(
            trip=obj.trip, member=obj.member, actor=request.user, reason=obj.reason
        )
        obj.__dict__.update({k: v for k, v in created.__dict__.items() if not k.startswith("_state")})
        obj._state.adding = False
        if created.status == Nomination.Status.WAITLISTED:
            self.message_user(
                request, f"{created.member.name}：{created.decision_note}。", level=messages.WARNING
            )

    def add_view(self, request, form_url="", extra_context=None):
        try:
            return super().add_view(request, form_url, extra_context)
        except DomainError as exc:  # lost a race after the form was valid
            self.message_domain_error(request, exc)
            return redirect(reverse("admin:wellbeing_nomination_changelist"))

    @admin.display(description="优先分构成")
    def priority_explained(self, obj):
        return obj.parts_display()

    @admin.display(description="安全核查")
    def safety_state(self, obj):
        check = getattr(obj, "safety_check", None)
        if check is None:
            return "未填写" if obj.status == Nomination.Status.APPROVED else "—"
        missing = check.missing_items()
        return "完成" if not missing else "缺：" + "、".join(missing)

    def _run(self, request, queryset, action, done):
        ok = 0
        for nomination in queryset.select_related("member"):
            try:
                action(nomination)
            except DomainError as exc:
                self.message_user(request, f"{nomination.member.name}：{exc.message}", level=messages.ERROR)
            else:
                ok += 1
        if ok:
            self.message_user(request, done.format(n=ok))

    @admin.action(description="确认所选推荐", permissions=["approve"])
    def approve(self, request, queryset):
        self._run(request, queryset, lambda n: services.nomination_approve(nomination=n, actor=request.user),
                  "已确认 {n} 人。")  # fmt: skip

    @admin.action(description="不通过所选推荐（需填写原因）", permissions=["approve"])
    def reject(self, request, queryset):
        note = request.POST.get("note", "").strip()
        if not note:
            return self._ask_note(request, queryset, "reject", "不通过所选推荐", "不通过原因")
        self._run(request, queryset, lambda n: services.nomination_reject(nomination=n, actor=request.user, note=note),
                  "已不通过 {n} 人。")  # fmt: skip

    @admin.action(description="退出所选推荐（释放名额，候补自动递补）", permissions=["view"])
    def withdraw(self, request, queryset):
        note = request.POST.get("note", "").strip()
        if not note:
            return self._ask_note(request, queryset, "withdraw", "退出所选推荐", "退出原因")
        self._run(request, queryset, lambda n: services.nomination_withdraw(nomination=n, actor=request.user, note=note),
                  "已退出 {n} 人。")  # fmt: skip

    @admin.action(description="登记出发（须已完成安全核查）", permissions=["view"])
    def mark_departed(self, request, queryset):
        self._run(request, queryset, lambda n: services.participant_mark_departed(nomination=n, actor=request.user),
                  "已登记出发 {n} 人。")  # fmt: skip

    def has_approve_permission(self, request):
        return self.is_association(request)

    def _ask_note(self, request, queryset, action, title, label):
        return TemplateResponse(
            request,
            "admin/wellbeing/nomination_note.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "label": label,
                "action": action,
                "nominations": queryset.select_related("member", "trip"),
            },
        )


class SafetyCheckForm(forms.ModelForm):
    class Meta:
        model = SafetyCheck
        fields = [
            "nomination", "health_declared", "health_declaration", "temperature", "emergency_contact_name",
            "emergency_contact_relation", "emergency_contact_phone", "insurance_company",
            "insurance_policy_number", "special_needs", "travel_history",
        ]  # fmt: skip

    def clean(self):
        data = super().clean()
        temperature = data.get("temperature")
        if temperature is not None and not (34 <= temperature <= 43):
            self.add_error("temperature", "请填写正确的体温（34–43℃）。")
        return data


@admin.register(SafetyCheck)
class SafetyCheckAdmin(ScopedModelAdmin):
    form = SafetyCheckForm
    list_display = ["nomination", "trip", "state", "checked_by", "checked_at"]
    list_filter = [
        ("nomination__trip", RelatedOnlyFieldListFilter),
        ("nomination__branch", RelatedOnlyFieldListFilter),
    ]
    search_fields = ["nomination__member__name"]
    list_select_related = ["nomination__member", "nomination__trip"]
    readonly_fields = ["checked_by", "checked_at", "missing_display"]
    fieldsets = [
        (None, {"fields": ["nomination", "missing_display"]}),
        ("健康申报", {"fields": ["health_declared", "health_declaration", "temperature"]}),
        (
            "紧急联系人",
            {"fields": ["emergency_contact_name", "emergency_contact_relation", "emergency_contact_phone"]},
        ),
        ("保险", {"fields": ["insurance_company", "insurance_policy_number"]}),
        ("特殊需求与行程史", {"fields": ["special_needs", "travel_history"]}),
        ("核查", {"fields": ["checked_by", "checked_at"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("nomination")
        return fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "nomination" and formfield is not None:
            formfield.queryset = formfield.queryset.filter(
                status__in=(Nomination.Status.PENDING, Nomination.Status.APPROVED),
                trip__status__in=(TripStatus.OPEN, TripStatus.CLOSED, TripStatus.DEPARTED),
            ).select_related("member", "trip")
        return formfield

    def save_model(self, request, obj, form, change):
        services.safety_check_save(check=obj, actor=request.user)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            self.message_domain_error(request, exc)
            return redirect(reverse("admin:wellbeing_safetycheck_changelist"))

    @admin.display(description="疗休养团")
    def trip(self, obj):
        return obj.nomination.trip.name

    @admin.display(description="状态")
    def state(self, obj):
        missing = obj.missing_items()
        return "完成" if not missing else "缺：" + "、".join(missing)

    @admin.display(description="尚缺项目")
    def missing_display(self, obj):
        return self.state(obj)


@admin.register(MemberWorkProfile)
class MemberWorkProfileAdmin(ScopedModelAdmin):
    list_display = [
        "member",
        "branch",
        "front_line",
        "heavy_or_harsh",
        "epidemic_role",
        "health_status",
        "health_checked_on",
    ]
    list_filter = [
        "front_line",
        "heavy_or_harsh",
        "epidemic_role",
        "health_status",
        ("member__branch", RelatedOnlyFieldListFilter),
    ]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member__branch"]
    fieldsets = [
        (None, {"fields": ["member"]}),
        ("工作情况", {"fields": ["front_line", "heavy_or_harsh", "work_conditions"]}),
        ("抗疫一线", {"fields": ["epidemic_role", "epidemic_service"]}),
        ("健康", {"fields": ["health_status", "health_checked_on"]}),
    ]

    @admin.display(description="所属分会", ordering="member__branch")
    def branch(self, obj):
        return obj.member.branch.name

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("member")
        return fields

    def save_model(self, request, obj, form, change):
        if obj.health_status and not obj.health_checked_on:
            obj.health_checked_on = datetime.date.today()
        super().save_model(request, obj, form, change)
