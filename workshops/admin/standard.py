"""The 建设规范 (association staff edit it as data) and assessments scored against it."""

from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from core.admin.base import PortalModelAdmin, ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.errors import DomainError
from core.querysets import scoped_queryset

from ..forms import assessment_form_for, score_field_name
from ..models import Assessment, AssessmentAttachment, Criterion, Dimension, Standard
from ..scoring import StandardSpec, compute, standard_problems
from ..services import assessment_record, standard_activate, standard_copy
from .resources import AssessmentResource


class FrozenStandardMixin:
    """A standard used by an assessment is read-only: its scores must keep their meaning."""

    def _standard_of(self, obj):
        return obj

    def _frozen(self, obj) -> bool:
        standard = self._standard_of(obj) if obj is not None else None
        return standard is not None and standard.is_frozen

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class FrozenInlineMixin:
    def _frozen(self, obj):
        return obj is not None and (obj.standard if isinstance(obj, Dimension) else obj).is_frozen

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._frozen(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class DimensionInline(FrozenInlineMixin, admin.TabularInline):
    model = Dimension
    extra = 0
    fields = ["order", "name", "weight", "min_score", "criteria_link"]
    readonly_fields = ["criteria_link"]
    show_change_link = True

    @admin.display(description="评分标准")
    def criteria_link(self, obj):
        return f"{obj.criteria.count()}项" if obj.pk else "—"


@admin.register(Standard)
class StandardAdmin(FrozenStandardMixin, PortalModelAdmin):
    list_display = ["__str__", "is_active", "pass_mark", "published_on", "check_result"]
    fields = ["name", "version", "pass_mark", "published_on", "notes", "is_active", "check_result"]
    readonly_fields = ["is_active", "check_result"]
    inlines = [DimensionInline]
    actions = ["activate", "copy_as_new_version"]

    @admin.display(description="校验")
    def check_result(self, obj):
        if obj.pk is None:
            return "—"
        problems = standard_problems(StandardSpec.load(obj))
        return "；".join(problems) if problems else "权重合计100，可以使用"

    @admin.action(description="设为现行版本")
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "请只选择一个建设规范。", messages.ERROR)
            return
        try:
            standard = standard_activate(standard=queryset.get(), actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, f"“{standard}”已设为现行版本，新的评估将按此打分。")

    @admin.action(description="复制为新版本（用于修订）")
    def copy_as_new_version(self, request, queryset):
        for standard in queryset:
            n = Standard.objects.filter(name=standard.name).count() + 1
            try:
                copy = standard_copy(
                    standard=standard, actor=request.user, version=f"{standard.version}-修订{n}"
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(request, f"已复制为“{copy}”，修改后请设为现行版本。")


class CriterionInline(FrozenInlineMixin, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ["order", "text", "max_score", "guidance"]


@admin.register(Dimension)
class DimensionAdmin(FrozenStandardMixin, PortalModelAdmin):
    list_display = ["name", "standard", "weight", "min_score", "order"]
    list_filter = ["standard"]
    inlines = [CriterionInline]

    def _standard_of(self, obj):
        return obj.standard

    def has_module_permission(self, request):
        return False  # reached from its standard


class _AttachmentLink:
    """What the file widget shows for a stored attachment: its title, linked to the scoped download."""

    def __init__(self, value):
        self.value = value
        attachment = value.instance
        self.url = reverse(
            "admin:workshops_assessment_attachment", args=[attachment.assessment_id, attachment.pk]
        )

    def __str__(self):
        return self.value.instance.title or "附件"


class AttachmentWidget(AdminFileWidget):
    """Links to the scoped, logged download view instead of the storage URL."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if (
            context["widget"]["is_initial"]
            and getattr(value, "instance", None) is not None
            and value.instance.pk
        ):
            context["widget"]["value"] = _AttachmentLink(value)
        return context


class AttachmentInline(ScopedTabularInline):
    model = AssessmentAttachment
    extra = 0
    fields = ["title", "file", "uploaded_at"]
    readonly_fields = ["uploaded_at"]
    formfield_overrides = {models.FileField: {"widget": AttachmentWidget}}

    def _locked(self, obj):
        return obj is not None and obj.is_locked

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and not self._locked(obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(obj)

    def get_fields(self, request, obj=None):
        if not self.has_change_permission(request, obj):
            # Read-only rows would print the storage URL; link to the scoped view instead.
            return ["title", "download_link", "uploaded_at"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "download_link"]

    @admin.display(description="文件")
    def download_link(self, obj):
        if not obj.pk:
            return "—"
        return format_html('<a href="{}">{}</a>', _AttachmentLink(obj.file).url, obj.title)


BASE_FIELDS = ["workshop", "purpose", "review_year", "assessed_on", "assessors", "conclusion"]
RESULT_FIELDS = ["standard", "total_score", "passed", "recorded_by", "result_table"]


@admin.register(Assessment)
class AssessmentAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [AssessmentResource]
    list_display = ["workshop", "purpose", "review_year", "assessed_on", "total_score", "passed", "assessors"]
    list_filter = ["purpose", "passed", "review_year", ("workshop__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["workshop__name", "assessors"]
    autocomplete_fields = ["workshop"]
    list_select_related = ["workshop"]
    readonly_fields = RESULT_FIELDS
    inlines = [AttachmentInline]
    date_hierarchy = "assessed_on"

    def _standard(self, obj):
        return obj.standard if obj is not None else Standard.objects.filter(is_active=True).first()

    def has_add_permission(self, request):
        return super().has_add_permission(request) and Standard.objects.filter(is_active=True).exists()

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and obj.is_locked)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and obj.is_locked)

    def _editable(self, request, obj):
        return (
            self.has_change_permission(request, obj) if obj is not None else self.has_add_permission(request)
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = [("评估信息", {"fields": BASE_FIELDS})]
        if self._editable(request, obj):
            spec = StandardSpec.load(self._standard(obj))
            for dim in spec.dimensions:
                title = f"{dim.name}（权重{dim.weight.normalize():f}%）"
                fieldsets.append((title, {"fields": [score_field_name(c.id) for c in dim.criteria]}))
        if obj is not None:
            fieldsets.append(("评估结果", {"fields": RESULT_FIELDS}))
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if self._editable(request, obj):
            kwargs["form"] = assessment_form_for(self._standard(obj), request.user)
        return super().get_form(request, obj, change, **kwargs)

    def get_urls(self):
        return [
            path(
                "<int:assessment_id>/attachments/<int:pk>/",
                self.admin_site.admin_view(self.attachment_view),
                name="workshops_assessment_attachment",
            ),
            *super().get_urls(),
        ]

    def attachment_view(self, request, assessment_id, pk):
        """Download one attachment: found through the user's scope (else 404), and logged."""
        attachment = (
            scoped_queryset(AssessmentAttachment, request.user)
            .filter(pk=pk, assessment_id=assessment_id)
            .first()
        )
        if attachment is None or not self.has_view_permission(request, attachment.assessment):
            raise Http404
        access_log_record(
            user=request.user, action="download", target=f"评估附件 {attachment.title}"[:200], request=request,
            detail={"assessment": assessment_id, "attachment": pk},
        )  # fmt: skip
        ext = attachment.file.name.rsplit(".", 1)[-1]
        return FileResponse(
            attachment.file.open("rb"), as_attachment=True, filename=f"{attachment.title}.{ext}"
        )

    def save_model(self, request, obj, form, change):
        assessment_record(assessment=obj, scores=form.scores, actor=request.user)

    @admin.display(description="分维度得分")
    def result_table(self, obj):
        spec = StandardSpec.load(obj.standard)
        scores = dict(obj.scores.values_list("criterion_id", "score"))
        if not spec.criteria or set(scores) != {c.id for c in spec.criteria}:
            return "—"
        result = compute(spec, scores)
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}%</td><td>{}</td><td>{}</td></tr>",
            ((d.name, d.weight.normalize(), d.score, "低于维度最低分" if d.below_minimum else "")
             for d in result.dimensions),
        )  # fmt: skip
        verdict = "合格" if result.passed else "不合格：" + "".join(result.reasons)
        return format_html(
            "<table><thead><tr><th>维度</th><th>权重</th><th>得分率</th><th></th></tr></thead>"
            "<tbody>{}</tbody></table><p>加权总分 {}（合格线 {}）— {}</p>",
            rows,
            result.total,
            result.pass_mark,
            verdict,
        )
