"""Admin of nominations, safety checks and members' work profiles (branch-owned, scoped).

Officers nominate their own members and see only their branch's nominees; every state
change is an action calling ``wellbeing.services.trips``.
"""

import datetime

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from core.admin.base import ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin
from core.errors import DomainError
from core.roles import officer_branch_id
from members.models import Member

from ..models import ConvalescenceTrip, MemberWorkProfile, Nomination, SafetyCheck, TripStatus
from ..services import trips as services
from ..services.trip_rules import eligibility_reasons
from .resources import NominationResource


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
class NominationAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [NominationResource]
    list_display = [
        "member", "trip", "branch", "status", "priority_score_hint", "priority_group",
        "safety_state", "room_number",
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

    @admin.display(description="优先分", ordering="priority_score")
    def priority_score_hint(self, obj):
        # The breakdown wraps into a dozen lines in a list cell: the list shows the score,
        # the breakdown is its tooltip and a row of the change page.
        score = format(obj.priority_score.normalize(), "f")  # 93.5, not 93.50
        return format_html('<span class="score-hint" title="{}">{}</span>', obj.parts_display(), score)

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
            "wellbeing/admin/nomination_note.html",
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
