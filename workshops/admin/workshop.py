"""Houses: ordinary fields in the form; the status changes only through transition buttons."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.access import branch_for_new_row
from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.errors import DomainError
from core.parsing import parse_year
from core.spreadsheets import xlsx_response

from ..forms import TransitionForm
from ..models import TRANSITIONS, Workshop, WorkshopPhoto, WorkshopTransition
from ..reports import KIND_COLUMNS, STATUS_COLUMNS, coverage_report, coverage_table
from ..services import (
    workshop_allowed_transitions,
    workshop_apply,
    workshop_include_leader,
    workshop_transition,
)
from .resources import WorkshopResource

# Fields an officer may no longer change once the application has passed the first review.
FROZEN_FOR_OFFICERS = ["name", "host_unit", "kind", "leader"]


class WorkshopPhotoInline(ScopedTabularInline):
    model = WorkshopPhoto
    extra = 0
    fields = ["image", "caption", "uploaded_at"]
    readonly_fields = ["uploaded_at"]


class WorkshopTransitionInline(ScopedTabularInline):
    """The life-cycle record: read-only here; written only by the transition service."""

    model = WorkshopTransition
    extra = 0
    can_delete = False
    fields = [
        "at",
        "action",
        "from_status",
        "to_status",
        "actor_name",
        "comment",
        "review_year",
        "assessment",
    ]
    readonly_fields = fields
    verbose_name_plural = "流转记录"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Workshop)
class WorkshopAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [WorkshopResource]
    list_display = ["name", "kind", "branch", "status", "leader", "named_on", "subsidy_total_display"]
    list_filter = ["status", "kind", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["name", "host_unit", "leader__name"]
    list_select_related = ["branch", "leader"]
    autocomplete_fields = ["leader", "members"]
    inlines = [WorkshopPhotoInline, WorkshopTransitionInline]
    readonly_fields = [
        "status", "naming_document_number", "named_on", "last_reviewed_year", "revoked_on", "revoked_reason",
    ]  # fmt: skip
    fieldsets = [
        (
            "基本情况",
            {"fields": ["name", "kind", "host_unit", "branch", "address", "established_on", "description"]},
        ),
        ("劳模工匠", {"fields": ["leader", "members"]}),
        (
            "状态",
            {
                "fields": [
                    "status",
                    "naming_document_number",
                    "named_on",
                    "last_reviewed_year",
                    "revoked_on",
                    "revoked_reason",
                ]
            },
        ),
    ]
    change_form_template = "workshops/admin/workshop/change_form.html"
    change_list_template = "workshops/admin/workshop/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_subsidy_total()

    @admin.display(description="累计补助（元）", ordering="subsidy_total")
    def subsidy_total_display(self, obj):
        return f"{obj.subsidy_total:,.2f}"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.fieldsets[:2]
        return self.fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not self.is_association(request) and obj.status not in ("applied", "rejected"):
            fields += [f for f in FROZEN_FOR_OFFICERS if f not in fields]
        return fields

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # houses leave the network by revocation, not deletion
        return actions

    def has_delete_permission(self, request, obj=None):
        # Only an application that never got past the first review, with nothing attached.
        if obj is not None and (
            obj.status not in ("applied", "rejected") or obj.assessments.exists() or obj.subsidies.exists()
        ):
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        obj.branch_id = branch_for_new_row(request.user, obj.branch_id)
        workshop_apply(workshop=obj, actor=request.user, comment="通过管理平台申报")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        workshop_include_leader(workshop=form.instance)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        if obj is not None and self.has_change_permission(request, obj):
            extra_context["transitions"] = [
                {
                    "to_status": to,
                    "label": rule.action,
                    "url": reverse("admin:workshops_workshop_transition", args=[obj.pk, to]),
                }
                for to, rule in workshop_allowed_transitions(workshop=obj, actor=request.user)
            ]
        return super().change_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("coverage/", wrap(self.coverage_view), name="workshops_workshop_coverage"),
            path(
                "<int:object_id>/transition/<str:to_status>/",
                wrap(self.transition_view),
                name="workshops_workshop_transition",
            ),
            *super().get_urls(),
        ]

    def transition_view(self, request, object_id, to_status):
        """One transition: a small form, then the service; a refusal comes back as a message."""
        obj = self.get_queryset(request).filter(pk=object_id).first()
        if obj is None or not self.has_change_permission(request, obj):
            raise Http404
        change_url = reverse("admin:workshops_workshop_change", args=[obj.pk])
        rule = TRANSITIONS.get(obj.status, {}).get(to_status)
        if rule is None:
            try:
                workshop_transition(workshop=obj, to_status=to_status, actor=request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)
            return redirect(change_url)
        form = TransitionForm(request.POST or None, rule=rule)
        if request.method == "POST" and form.is_valid():
            try:
                workshop_transition(
                    workshop=obj, to_status=to_status, actor=request.user, **form.cleaned_data
                )
            except DomainError as exc:
                self.message_domain_error(request, exc)
            else:
                self.message_user(
                    request, f"已办理“{rule.action}”：{obj.name}现为“{obj.get_status_display()}”。"
                )
                return redirect(change_url)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{rule.action}：{obj.name}",
            "rule": rule,
            "form": form,
            "change_url": change_url,
            "to_status_label": Workshop.Status(to_status).label,
        }
        return TemplateResponse(request, "workshops/admin/workshop/transition.html", context)

    def coverage_view(self, request):
        """Coverage per branch, kind and status, with a yearly target; .xlsx with ?format=xlsx."""
        if not self.has_view_permission(request):
            raise Http404
        this_year = timezone.localdate().year
        year = parse_year(request.GET.get("year"), default=this_year)
        coverage = coverage_report(user=request.user, year=year)
        if request.GET.get("format") == "xlsx":
            headers, rows = coverage_table(coverage)
            access_log_record(
                user=request.user, action="export", target=f"劳模工匠之家覆盖情况（{year}年）",
                request=request, detail={"year": year, "format": "xlsx"}, row_count=len(coverage.rows),
            )  # fmt: skip
            return xlsx_response(
                f"劳模工匠之家覆盖情况_{year}.xlsx", headers, rows, title=f"{year}年覆盖情况"
            )
        chart = {
            "branches": [r.branch.name for r in coverage.rows],
            "series": [
                {"name": s.label, "data": [r.by_status.get(s, 0) for r in coverage.rows]} for s in STATUS_COLUMNS
            ],
            "progress": {"done": coverage.totals.named_by_year_end, "target": coverage.totals.target
                         if coverage.city_target is not None else sum(r.target or 0 for r in coverage.rows) or None},
        }  # fmt: skip
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"劳模工匠之家覆盖情况（{year}年）",
            "coverage": coverage,
            "totals": coverage.totals,
            "status_columns": STATUS_COLUMNS,
            "kind_columns": KIND_COLUMNS,
            "years": list(range(this_year, this_year - 8, -1)),
            "year": year,
            "chart": chart,
        }
        return TemplateResponse(request, "workshops/admin/coverage.html", context)
