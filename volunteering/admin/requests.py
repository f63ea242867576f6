"""Admin of service requests: intake, and one small form per life-cycle step."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from core.admin.base import ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin
from core.errors import DomainError

from .. import services
from ..models import ServiceRequest, ServiceTeam
from .resources import ServiceRequestResource

RS = ServiceRequest.Status


class OpenFilter(admin.SimpleListFilter):
    title = "办理情况"
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("yes", "未办结（待受理/已派单/服务中）"), ("no", "已结束")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.open()
        if self.value() == "no":
            return queryset.exclude(pk__in=queryset.open().values("pk"))
        return queryset


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label="承接服务队", queryset=ServiceTeam.objects.none())


class CompleteForm(forms.Form):
    note = forms.CharField(label="处理说明", widget=forms.Textarea, required=False)


class FeedbackForm(forms.Form):
    satisfaction = forms.TypedChoiceField(
        label="满意度", coerce=int, choices=[(i, f"{i}分") for i in (5, 4, 3, 2, 1)]
    )
    feedback = forms.CharField(label="服务对象反馈", widget=forms.Textarea, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", widget=forms.Textarea)


# action name -> (button label, target status, form class, service call)
STEPS = {
    "assign": ("派单", RS.ASSIGNED, AssignForm, lambda r, d, u: services.service_request_assign(
        request=r, team=d["team"], actor=u)),
    "complete": ("服务完成", RS.COMPLETED, CompleteForm, lambda r, d, u: services.service_request_complete(
        request=r, note=d["note"], actor=u)),
    "feedback": ("登记反馈并办结", RS.CLOSED, FeedbackForm, lambda r, d, u: services.service_request_record_feedback(
        request=r, satisfaction=d["satisfaction"], feedback=d["feedback"], actor=u)),
    "reject": ("不予受理", RS.REJECTED, ReasonForm, lambda r, d, u: services.service_request_reject(
        request=r, reason=d["reason"], actor=u)),
    "withdraw": ("撤回", RS.WITHDRAWN, ReasonForm, lambda r, d, u: services.service_request_withdraw(
        request=r, reason=d["reason"], actor=u)),
}  # fmt: skip


@admin.register(ServiceRequest)
class ServiceRequestAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [ServiceRequestResource]
    change_form_template = "volunteering/admin/request_change_form.html"
    list_display = [
        "title",
        "requester",
        "branch",
        "urgency",
        "status",
        "received_on",
        "waiting_display",
        "assigned_team",
    ]
    list_filter = [OpenFilter, "status", "urgency", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "requester__name", "contact_name"]
    autocomplete_fields = ["requester"]
    list_select_related = ["requester", "branch", "assigned_team"]
    date_hierarchy = "received_at"
    readonly_fields = [
        "status",
        "assigned_team",
        "assigned_at",
        "completed_at",
        "closed_at",
        "resolution_note",
        "feedback",
        "satisfaction",
        "waiting_display",
    ]
    fieldsets = [
        (None, {"fields": ["branch", "requester", "title", "problem", "urgency", "received_at"]}),
        ("联系人", {"fields": ["contact_name", "contact_phone"]}),
        (
            "办理情况",
            {
                "fields": [
                    "status",
                    "waiting_display",
                    "assigned_team",
                    "assigned_at",
                    "completed_at",
                    "closed_at",
                    "resolution_note",
                    "feedback",
                    "satisfaction",
                ]
            },
        ),
    ]

    @admin.display(description="提出日期", ordering="received_at")
    def received_on(self, obj):
        # The day is what the list needs (the time is on the form): a 1366 px screen has no room.
        return timezone.localtime(obj.received_at).date() if obj.received_at else "—"

    @admin.display(description="已等待")
    def waiting_display(self, obj):
        days = obj.waiting_days() if obj.pk else None
        return "—" if days is None else f"{days}天"

    def get_urls(self):
        view = self.admin_site.admin_view(self.step_view)
        return [
            path("<path:object_id>/step/<str:step>/", view, name="volunteering_servicerequest_step"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_queryset(request).filter(pk=object_id).first() if object_id.isdigit() else None
        steps = []
        if obj is not None:
            allowed = services.request_allowed_transitions(obj)
            steps = [
                (name, label, reverse("admin:volunteering_servicerequest_step", args=[obj.pk, name]))
                for name, (label, target, _, _) in STEPS.items()
                if target in allowed
            ]
        extra_context = {**(extra_context or {}), "request_steps": steps}
        return super().change_view(request, object_id, form_url, extra_context)

    def step_view(self, request, object_id, step):
        """One life-cycle step of a request, through its service function."""
        if step not in STEPS:
            raise Http404
        obj = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        label, _target, form_class, call = STEPS[step]
        form = form_class(request.POST or None)
        if step == "assign":
            form.fields["team"].queryset = (
                ServiceTeam.objects.visible_to(request.user).active().filter(branch=obj.branch_id)
            )
        if request.method == "POST" and form.is_valid():
            try:
                call(obj, form.cleaned_data, request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)
            else:
                self.message_user(request, f"“{obj}”：{label}成功。", messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:volunteering_servicerequest_change", args=[obj.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": obj,
            "title": f"{label}：{obj}",
            "form": form,
            "step_label": label,
            "now": timezone.now(),
        }
        return TemplateResponse(request, "volunteering/admin/request_step.html", context)
