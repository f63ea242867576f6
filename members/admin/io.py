"""Registry in and out, in the admin: import, export, scans, transfers and statistics.

``MemberIOAdminMixin`` adds the pages to MemberAdmin (its URLs and actions); the
transfer and import-record admins are registered here. Every page reads through
``visible_to(request.user)``; every write calls a service.
"""

import logging

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.forms.models import BaseInlineFormSet
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme

from core.access import access_object
from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record
from core.cache import CacheUnavailable
from core.crosstab import crosstab_sheet
from core.errors import DomainError
from core.models import AccessLog
from core.roles import is_association_staff, officer_branch_id
from core.scoping import scopes_disabled
from core.spreadsheets import XLSX_MIME, attachment, xlsx_sheets_bytes
from core.throttle import throttle_hit
from members import services
from members.exports import member_export_response
from members.importing.jobs import progress_get
from members.importing.template import import_errors_xlsx, member_import_template
from members.models import (
    Branch,
    Honor,
    HonorCount,
    Member,
    MemberCount,
    MemberImport,
    MemberKindCount,
    RegistrationScan,
    Transfer,
)
from members.statistics import (
    LIVE_HONOR_FILTER,
    LIVE_INVALID,
    LIVE_NOW,
    RECENT_YEARS,
    TABLE_ORDER,
    StatisticsFilterForm,
    freshness,
    registry_statistics,
    registry_statistics_from_snapshot,
    snapshot_current,
    statistics_refresh_enqueue,
)

from .resources import TransferResource

EXPORT_PARAMS = ("_format", "_full")
logger = logging.getLogger(__name__)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="导入文件", help_text="Excel（.xlsx）或CSV（UTF-8或GBK编码）；请使用导入模板。"
    )


class ZipUploadForm(forms.Form):
    archive = forms.FileField(
        label="压缩包（.zip）", help_text="文件名中须含18位身份证号，如“330106198001011234-登记表.pdf”。"
    )


class TransferRequestForm(forms.Form):
    to_branch = forms.ModelChoiceField(label="转入分会", queryset=Branch.objects.active())
    reason = forms.CharField(label="转移理由", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        with scopes_disabled():  # the receiving branch is any active branch, not one in the officer's scope
            self.fields["to_branch"].queryset = Branch.objects.active()


class DecisionForm(forms.Form):
    note = forms.CharField(label="处理意见", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RegistrationScanForm(forms.ModelForm):
    class Meta:
        model = RegistrationScan
        fields = ["file", "note"]
        # A plain file input: the stored file is never linked by URL, only by the download view.
        widgets = {"file": forms.FileInput}


class RegistrationScanFormSet(BaseInlineFormSet):
    """A member form posted without the scans section (older clients, scripts) changes no scans."""

    def __init__(self, data=None, files=None, *args, **kwargs):
        prefix = kwargs.get("prefix") or self.get_default_prefix()
        if data is not None and f"{prefix}-TOTAL_FORMS" not in data:
            data = data.copy()
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        super().__init__(data, files, *args, **kwargs)


class RegistrationScanInline(ScopedTabularInline):
    model = RegistrationScan
    form = RegistrationScanForm
    formset = RegistrationScanFormSet
    extra = 0
    fields = ["file", "note", "download", "kind", "size", "uploaded_at"]
    readonly_fields = ["download", "kind", "size", "uploaded_at"]

    @admin.display(description="下载")
    def download(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("admin:members_member_scan_download", args=[obj.pk])
        return format_html('<a href="{}">下载（{}）</a>', url, obj.get_kind_display())

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.actor = request.user
        return formset


class MemberIOAdminMixin:
    """Import, export, scans, transfers and statistics on the member changelist."""

    change_list_template = "members/admin/member/change_list.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path("import/", view(self.import_view), name="members_member_import"),
            path("import/template/", view(self.import_template_view), name="members_member_import_template"),
            path("import/<int:job_id>/", view(self.import_detail_view), name="members_member_import_detail"),
            path(
                "import/<int:job_id>/errors/",
                view(self.import_errors_view),
                name="members_member_import_errors",
            ),  # fmt: skip
            path(
                "import/<int:job_id>/progress/",
                view(self.import_progress_view),
                name="members_member_import_progress",
            ),  # fmt: skip
            path("export/", view(self.export_view), name="members_member_export"),
            path("statistics/", view(self.statistics_view), name="members_member_statistics"),
            path(
                "statistics/refresh/",
                view(self.statistics_refresh_view),
                name="members_member_statistics_refresh",
            ),  # fmt: skip
            path("scans/bulk/", view(self.scans_bulk_view), name="members_member_scans_bulk"),
            path(
                "scans/<int:scan_id>/download/",
                view(self.scan_download_view),
                name="members_member_scan_download",
            ),  # fmt: skip
        ]
        return urls + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        # One aggregate query for both counts: the changelist has a query budget.
        branch_id = officer_branch_id(request.user)
        pending = Transfer.objects.visible_to(request.user).pending()
        # Association staff: every pending request is "incoming" to them; nothing is outgoing.
        incoming = Q(to_branch=branch_id) if branch_id else Q()
        outgoing = Q(from_branch=branch_id) if branch_id else Q(pk__in=[])
        pending = pending.aggregate(
            incoming=Count("pk", filter=incoming), outgoing=Count("pk", filter=outgoing)
        )
        extra_context = {
            **(extra_context or {}),
            "can_export_full": is_association_staff(request.user),
            "pending_transfers": pending,
        }
        return super().changelist_view(request, extra_context)

    def _page(self, request, template, title, **context):
        return TemplateResponse(
            request,
            template,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                **context,
            },  # fmt: skip
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not RegistrationScan:
            return super().save_formset(request, form, formset, change)
        # New scans go through the service (content check, who uploaded); only the note of a
        # stored scan can change; a removal deletes the stored file too.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            scan = inline_form.instance
            if scan.pk and formset.can_delete and formset._should_delete_form(inline_form):
                scan.file.delete(save=False)
                scan.delete()
                formset.deleted_objects.append(scan)
            elif not inline_form.has_changed():
                continue
            elif scan.pk:
                scan.save(update_fields=["note"])
                formset.changed_objects.append((scan, ["note"]))
            elif inline_form.cleaned_data.get("file"):
                try:
                    created = services.registration_scan_add(
                        member=form.instance, upload=inline_form.cleaned_data["file"], actor=request.user,
                        note=inline_form.cleaned_data.get("note", ""),
                    )  # fmt: skip
                except DomainError as exc:
                    self.message_domain_error(request, exc)
                else:
                    formset.new_objects.append(created)

    # ---- import -----------------------------------------------------------------------

    def import_view(self, request):
        if not self.has_add_permission(request):
            raise Http404
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                job = services.member_import_start(upload=form.cleaned_data["file"], actor=request.user)
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("admin:members_member_import_detail", job.pk)
        recent = MemberImport.objects.visible_to(request.user).filter(created_by=request.user)[:10]
        return self._page(
            request, "members/admin/member/import.html", "导入劳模工匠名册", form=form, recent=recent
        )

    def import_template_view(self, request):
        self._require_view(request)
        # The branches this user may import into: every active one for staff, an officer's own.
        names = list(Branch.objects.visible_to(request.user).active().values_list("name", flat=True))
        return attachment(member_import_template(names), "劳模工匠导入模板.xlsx", XLSX_MIME)

    def _job(self, request, job_id):
        # Another officer's import, another branch's and a missing one: the same 404.
        return access_object(MemberImport.objects.filter(created_by_id=request.user.pk), request.user, job_id)

    def import_detail_view(self, request, job_id):
        job = self._job(request, job_id)
        if request.method == "POST":
            try:
                job = services.member_import_confirm(job=job, actor=request.user)
            except DomainError as exc:
                self.message_domain_error(request, exc)
            else:
                if job.status == MemberImport.Status.DONE:
                    counts = job.report.get("counts", {})
                    self.message_user(
                        request, f"导入完成：新增{counts.get('new', 0)}人，更新{counts.get('updated', 0)}人。"
                    )
            return redirect("admin:members_member_import_detail", job.pk)
        return self._page(
            request, "members/admin/member/import_detail.html", f"导入：{job.filename}", job=job,
            report=job.report, busy=job.status in (MemberImport.Status.VALIDATING, MemberImport.Status.WRITING),
        )  # fmt: skip

    def import_errors_view(self, request, job_id):
        """The preview's error list as .xlsx (values masked as the report stores them), logged."""
        job = self._job(request, job_id)
        errors = job.report.get("errors") or []
        if not errors:
            raise Http404
        access_log_record(
            user=request.user, action=AccessLog.Action.DOWNLOAD, target=f"导入错误清单 {job.filename}"[:200],
            request=request, detail={"import_id": job.pk}, row_count=len(errors),
        )  # fmt: skip
        return attachment(import_errors_xlsx(errors), f"导入错误清单-{job.pk}.xlsx", XLSX_MIME)

    def import_progress_view(self, request, job_id):
        job = self._job(request, job_id)
        progress = progress_get(job.pk) or {"phase": job.status, "done": 0, "total": job.total_rows}
        return JsonResponse({"status": job.status, "status_label": job.get_status_display(), **progress})

    # ---- export -----------------------------------------------------------------------

    def _require_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied

    def export_view(self, request):
        self._require_view(request)
        fmt = "csv" if request.GET.get("_format") == "csv" else "xlsx"
        full = request.GET.get("_full") == "1" and is_association_staff(request.user)
        request.GET = request.GET.copy()
        for key in EXPORT_PARAMS:
            request.GET.pop(key, None)
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            self.message_user(request, "筛选条件无效。", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:members_member_changelist"))
        # Exactly the changelist's rows: its scoped, searched and filtered queryset.
        queryset = changelist.queryset
        return member_export_response(
            queryset=queryset,
            fmt=fmt,
            full=full,
            user=request.user,
            request=request,
            filter_params=request.GET,
        )

    # ---- statistics -------------------------------------------------------------------

    def statistics_view(self, request):
        self._require_view(request)
        params = request.GET.copy()
        download = params.pop("_format", None)
        only = params.pop("table", [None])[-1]
        form = StatisticsFilterForm(params or None, user=request.user)
        stats = self._statistics(request, form, every_year=bool(download))
        if download:
            keys = [only] if only in stats["tables"] else list(TABLE_ORDER)
            sheets = [(stats["tables"][k]["title"], *crosstab_sheet(stats["tables"][k]), ()) for k in keys]
            name = stats["tables"][only]["title"] if only in stats["tables"] else "劳模工匠统计"
            return attachment(xlsx_sheets_bytes(sheets), f"{name}.xlsx", XLSX_MIME)
        downloads = {}
        for key in TABLE_ORDER:
            one = params.copy()
            one.update({"_format": "xlsx", "table": key})
            downloads[key] = f"?{one.urlencode()}"
        return self._page(
            request, "members/admin/member/statistics.html", "劳模工匠统计", form=form, stats=stats,
            tables=[(stats["tables"][k], downloads[k]) for k in TABLE_ORDER], query=params.urlencode(),
            can_refresh=is_association_staff(request.user),
        )  # fmt: skip

    def _statistics(self, request, form, every_year=False) -> dict:
        """From the snapshot when the filters allow and it is current, else live. Award years
        one by one when asked (downloads) or filtered, else the recent ones and then decades."""
        today = timezone.localdate()
        valid = form.is_valid() if form.is_bound else True
        recent_years = None if every_year or (valid and not form.snapshot_servable()) else RECENT_YEARS
        snapshot, reason = None, LIVE_HONOR_FILTER if valid else LIVE_INVALID
        if valid and form.snapshot_servable():
            snapshot, reason = snapshot_current(today), LIVE_NOW
        branches = form.branches(Branch.objects.visible_to(request.user)) if valid else []
        if snapshot is not None:
            stats = registry_statistics_from_snapshot(
                member_counts=form.member_counts(
                    MemberCount.objects.visible_to(request.user),
                    MemberKindCount.objects.visible_to(request.user),
                ),
                honor_counts=form.honor_counts(HonorCount.objects.visible_to(request.user)),
                branches=branches,
                recent_years=recent_years,
            )
        else:
            members = Member.objects.visible_to(request.user)
            honors = Honor.objects.visible_to(request.user)
            if valid and form.is_bound:
                members, honors = form.members(members), form.honors(honors)
            elif not valid:
                members, honors = members.none(), honors.none()
            stats = registry_statistics(
                members=members, honors=honors, branches=branches, today=today, recent_years=recent_years
            )
        stats["freshness"] = freshness(snapshot, reason)
        return stats

    def statistics_refresh_view(self, request):
        """刷新 (association staff, POST): rebuild the snapshot now, and say whether it is done."""
        if not is_association_staff(request.user):
            raise PermissionDenied
        back = request.POST.get("next") or ""
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        back = back or reverse("admin:members_member_statistics")
        if request.method != "POST":
            return HttpResponseRedirect(back)
        try:
            allowed = throttle_hit(f"statistics-refresh:{request.user.pk}", limit=3, window=60)
        except CacheUnavailable:
            allowed = False
        if not allowed:
            self.message_user(request, "刚刚已经更新过，请一分钟后再试。", messages.WARNING)
            return HttpResponseRedirect(back)
        logger.info("statistics refresh requested by %s", request.user.get_username())
        outcome = statistics_refresh_enqueue()
        snapshot = snapshot_current(timezone.localdate()) if outcome == "queued" else None
        if snapshot is not None:
            self.message_user(
                request, f"统计数据已更新（{timezone.localtime(snapshot.computed_at):%H:%M}）。"
            )
        elif outcome == "unreachable":
            self.message_user(
                request, "后台服务暂时不可用，数据暂按实时统计显示，请稍后再试。", messages.WARNING
            )
        else:
            self.message_user(request, "正在更新统计数据，请稍候刷新本页。")
        return HttpResponseRedirect(back)

    # ---- scans ------------------------------------------------------------------------

    def scans_bulk_view(self, request):
        if not self.has_change_permission(request):
            raise Http404
        form = ZipUploadForm(request.POST or None, request.FILES or None)
        report = None
        if request.method == "POST" and form.is_valid():
            try:
                report = services.registration_scans_from_zip(
                    archive=form.cleaned_data["archive"], actor=request.user
                )
            except DomainError as exc:
                form.add_error("archive", exc.message)
        return self._page(request, "members/admin/member/scans_bulk.html", "批量上传登记表扫描件", form=form,
                          report=report)  # fmt: skip

    def scan_download_view(self, request, scan_id):
        scan = (
            RegistrationScan.objects.visible_to(request.user)
            .select_related("member")
            .filter(pk=scan_id)
            .first()
        )
        if scan is None:
            raise Http404
        access_log_record(
            user=request.user, action=AccessLog.Action.DOWNLOAD, target=f"登记表扫描件 {scan.member.name}",
            request=request, detail={"scan_id": scan.pk, "member_id": scan.member_id},
        )  # fmt: skip
        extension = {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[scan.kind]
        response = FileResponse(
            scan.file.open("rb"), as_attachment=True, filename=f"登记表-{scan.pk}.{extension}"
        )
        response["Cache-Control"] = "no-store"
        return response

    # ---- transfers --------------------------------------------------------------------

    def _transfer_form(self, request, queryset, *, direct: bool):
        form = TransferRequestForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            done = 0
            for member in queryset:
                try:
                    if direct:
                        services.member_transfer(member=member, actor=request.user, **form.cleaned_data)
                    else:
                        services.member_transfer_request(
                            member=member, actor=request.user, **form.cleaned_data
                        )
                    done += 1
                except DomainError as exc:
                    self.message_user(request, f"{member.name}：{exc.message}", messages.ERROR)
            verb = "转移" if direct else "提交转移申请"
            if done:
                self.message_user(request, f"已为{done}人{verb}。")
            return None
        return self._page(
            request, "members/admin/member/transfer.html", "直接转移" if direct else "申请名单转移",
            form=form, members=queryset, action=request.POST.get("action"),
            action_checkbox_name=admin.helpers.ACTION_CHECKBOX_NAME,
        )  # fmt: skip

    @admin.action(description="申请名单转移（转入分会审批）")
    def transfer_request_action(self, request, queryset):
        return self._transfer_form(request, queryset, direct=False)

    @admin.action(description="直接转移到其他分会（协会）")
    def transfer_direct_action(self, request, queryset):
        return self._transfer_form(request, queryset, direct=True)

    def get_actions(self, request):
        # Added here rather than in ``actions``, so that MemberAdmin's own list does not drop them.
        actions = super().get_actions(request)
        names = ["transfer_request_action"]
        if is_association_staff(request.user):
            names.append("transfer_direct_action")
        for name in names:
            actions[name] = self.get_action(name)
        return actions


class TransferDirectionFilter(admin.SimpleListFilter):
    title = "方向"
    parameter_name = "direction"

    def lookups(self, request, model_admin):
        return [("incoming", "待我方接收"), ("outgoing", "我方发出待处理")]

    def queryset(self, request, queryset):
        branch_id = officer_branch_id(request.user)
        if self.value() == "incoming":
            return queryset.incoming(branch_id) if branch_id else queryset.pending()
        if self.value() == "outgoing":
            return queryset.outgoing(branch_id) if branch_id else queryset.pending()
        return queryset


@admin.register(Transfer)
class TransferAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [TransferResource]
    list_display = [
        "member",
        "from_branch",
        "to_branch",
        "status",
        "requested_at",
        "requested_by",
        "decided_at",
    ]
    list_filter = [TransferDirectionFilter, "status", ("from_branch", RelatedOnlyFieldListFilter),
                   ("to_branch", RelatedOnlyFieldListFilter)]  # fmt: skip
    search_fields = ["member__name"]
    list_select_related = ["member", "from_branch", "to_branch", "requested_by"]
    readonly_fields = [f.name for f in Transfer._meta.fields]
    actions = ["accept_action", "reject_action", "cancel_action"]

    def has_add_permission(self, request):
        return False  # requests start from the member list (action 申请名单转移)

    def has_delete_permission(self, request, obj=None):
        return False

    def _decide(self, request, queryset, service, title):
        form = DecisionForm(request.POST if "apply" in request.POST else None)
        if not form.is_bound and service is not services.transfer_cancel:
            return TemplateResponse(request, "members/admin/transfer/decide.html", {
                **self.admin_site.each_context(request), "opts": self.model._meta, "title": title, "form": form,
                "transfers": queryset, "action": request.POST.get("action"),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            })  # fmt: skip
        note = form.cleaned_data.get("note", "") if form.is_valid() else ""
        done = 0
        for transfer in queryset:
            try:
                if service is services.transfer_cancel:
                    service(transfer=transfer, actor=request.user)
                else:
                    service(transfer=transfer, actor=request.user, note=note)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{transfer.member.name}：{exc.message}", messages.ERROR)
        if done:
            self.message_user(request, f"已处理{done}项。")
        return None

    @admin.action(description="接收（人员转入我方）")
    def accept_action(self, request, queryset):
        return self._decide(request, queryset, services.transfer_accept, "接收名单转移")

    @admin.action(description="拒绝")
    def reject_action(self, request, queryset):
        return self._decide(request, queryset, services.transfer_reject, "拒绝名单转移")

    @admin.action(description="撤回我方申请")
    def cancel_action(self, request, queryset):
        return self._decide(request, queryset, services.transfer_cancel, "撤回")


@admin.register(MemberImport)
class MemberImportAdmin(ScopedModelAdmin):
    """The list of imports; uploading and confirming happen on the member list's import page."""

    list_display = ["filename", "status", "total_rows", "created_by", "created_at", "finished_at"]
    list_filter = ["status"]
    readonly_fields = [
        "filename",
        "status",
        "total_rows",
        "created_by",
        "branch",
        "created_at",
        "finished_at",
    ]
    exclude = ["file", "report"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
