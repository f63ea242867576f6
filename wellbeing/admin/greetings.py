"""Admin of birthday greetings: settings, templates, preferences, greetings and the daily cake-delivery list."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from core.admin.base import PortalModelAdmin, ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.documents import render_pdf
from core.errors import DomainError
from core.parsing import parse_date, parse_int
from core.spreadsheets import XLSX_MIME, attachment
from members.models import Branch

from ..exports import cake_list_rows, cake_list_xlsx
from ..models import (
    BirthdayPreference,
    Greeting,
    GreetingSettings,
    GreetingTemplate,
)
from ..models.greetings import GreetingChannel
from ..services.greetings import birthday_preference_set, greeting_cake_delivered, greeting_unknown_resolve
from .resources import GreetingResource

# ---------------------------------------------------------------------------- greeting settings


class GreetingSettingsForm(forms.ModelForm):
    categories = forms.MultipleChoiceField(
        label="祝福对象类别", choices=GreetingSettings.CATEGORY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    channels = forms.MultipleChoiceField(
        label="祝福渠道", choices=GreetingChannel.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = GreetingSettings
        fields = ["enabled", "categories", "channels"]


@admin.register(GreetingSettings)
class GreetingSettingsAdmin(PortalModelAdmin):
    """One row: who is greeted and how (association staff)."""

    form = GreetingSettingsForm
    list_display = ["__str__", "enabled", "categories_display", "channels_display", "updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not GreetingSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="祝福对象类别")
    def categories_display(self, obj):
        labels = dict(GreetingSettings.CATEGORY_CHOICES)
        return "、".join(labels.get(c, c) for c in obj.categories)

    @admin.display(description="祝福渠道")
    def channels_display(self, obj):
        return "、".join(GreetingChannel(c).label for c in obj.channels if c in GreetingChannel.values)

    def changelist_view(self, request, extra_context=None):
        # The defaults are written only for someone who may see them: a refused request writes nothing.
        if self.has_view_permission(request):
            GreetingSettings.load()
        return super().changelist_view(request, extra_context)


@admin.register(GreetingTemplate)
class GreetingTemplateAdmin(PortalModelAdmin):
    list_display = ["channel", "subject", "body"]

    def changelist_view(self, request, extra_context=None):
        if self.has_view_permission(request):  # a refused request writes nothing
            for channel in GreetingChannel.values:
                GreetingTemplate.for_channel(channel)
        return super().changelist_view(request, extra_context)


# ---------------------------------------------------------------------------- preferences and greetings


@admin.register(BirthdayPreference)
class BirthdayPreferenceAdmin(ScopedModelAdmin):
    list_display = ["member", "calendar", "lunar_display", "opt_out"]
    list_filter = ["calendar", "opt_out", ("member__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["member__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member"]
    fields = ["member", "calendar", "lunar_month", "lunar_day", "lunar_leap", "opt_out", "notes"]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "member"] if obj is not None else fields

    @admin.display(description="农历生日")
    def lunar_display(self, obj):
        if obj.calendar != "lunar":
            return "—"
        return f"{'闰' if obj.lunar_leap else ''}{obj.lunar_month}月{obj.lunar_day}日"

    def save_model(self, request, obj, form, change):
        try:
            saved = birthday_preference_set(
                member=obj.member,
                calendar=obj.calendar,
                lunar_month=obj.lunar_month,
                lunar_day=obj.lunar_day,
                lunar_leap=obj.lunar_leap,
                opt_out=obj.opt_out,
                notes=obj.notes,
                actor=request.user,
            )
        except DomainError as exc:  # the form's clean() already checked the lunar date
            self.message_domain_error(request, exc)
            return
        obj.pk = saved.pk


@admin.register(Greeting)
class GreetingAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [GreetingResource]
    """Greetings are written by the daily job; staff read them and mark cakes delivered."""

    list_display = [
        "member",
        "birthday",
        "channel",
        "calendar",
        "status",
        "attempts",
        "last_error",
        "sent_at",
    ]
    list_filter = [
        "status",
        "channel",
        "calendar",
        "birthday",
        ("member__branch", RelatedOnlyFieldListFilter),
    ]
    search_fields = ["member__name"]
    date_hierarchy = "birthday"
    list_select_related = ["member"]
    actions = ["mark_cake_delivered", "mark_unknown_received", "mark_unknown_not_received"]
    readonly_fields = [f.name for f in Greeting._meta.fields]
    change_list_template = "wellbeing/admin/greeting_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="标记生日蛋糕已送达", permissions=["change"])
    def mark_cake_delivered(self, request, queryset):
        done, refused = 0, 0
        for greeting in queryset:
            try:
                greeting_cake_delivered(greeting=greeting, actor=request.user)
                done += 1
            except DomainError:
                refused += 1
        self.message_user(request, f"已标记{done}份生日蛋糕送达。")
        if refused:
            self.message_user(request, f"{refused}条不是待配送的生日蛋糕，未作改动。", level=messages.WARNING)

    def _resolve_unknown(self, request, queryset, *, received: bool):
        done, refused = 0, 0
        for greeting in queryset:
            try:
                greeting_unknown_resolve(greeting=greeting, actor=request.user, received=received)
                done += 1
            except DomainError:
                refused += 1
        self.message_user(request, f"已核实{done}条祝福。")
        if refused:
            self.message_user(request, f"{refused}条不是“结果未知”的祝福，未作改动。", level=messages.WARNING)

    @admin.action(description="核实结果未知的祝福：本人已收到", permissions=["change"])
    def mark_unknown_received(self, request, queryset):
        self._resolve_unknown(request, queryset, received=True)

    @admin.action(description="核实结果未知的祝福：本人未收到", permissions=["change"])
    def mark_unknown_not_received(self, request, queryset):
        self._resolve_unknown(request, queryset, received=False)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("cake-list/", view(self.cake_list_view), name="wellbeing_greeting_cake_list"),
            *super().get_urls(),
        ]

    def cake_list_view(self, request):
        """The day's cake-delivery list (生日蛋糕配送名单): page, .xlsx or printable PDF."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        day = parse_date(request.GET.get("date"), default=timezone.localdate())
        greetings = self.get_queryset(request).cake_list(day)
        branches = Branch.objects.visible_to(request.user)
        branch_id = parse_int(request.GET.get("branch"), min_value=1)
        branch = branches.filter(pk=branch_id).first() if branch_id else None
        if branch is not None:
            greetings = greetings.filter(member__branch=branch)
        rows = cake_list_rows(greetings)
        scope = branch.name if branch else "全部"
        fmt = request.GET.get("format")
        if fmt in ("xlsx", "pdf"):
            access_log_record(
                user=request.user, action="export", target=f"生日蛋糕配送名单 {day:%Y-%m-%d} {scope}",
                request=request, row_count=len(rows),
            )  # fmt: skip
            filename = f"生日蛋糕配送名单-{day:%Y%m%d}-{scope}"
            if fmt == "xlsx":
                return attachment(cake_list_xlsx(rows), f"{filename}.xlsx", XLSX_MIME)
            pdf = render_pdf("wellbeing/pdf/cake_list.html", {"day": day, "scope": scope, "rows": rows})
            return attachment(pdf, f"{filename}.pdf", "application/pdf")
        context = {
            **self.admin_site.each_context(request),
            "title": f"生日蛋糕配送名单（{day:%Y年%m月%d日}）",
            "opts": self.model._meta,
            "day": day,
            "rows": rows,
            "branches": branches,
            "branch": branch,
        }
        return TemplateResponse(request, "wellbeing/admin/cake_list.html", context)
