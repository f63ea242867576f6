"""Admin of certificates (劳模证明), craftsman cards (匠心卡) and member invitations.

Every write goes through members.services; every queryset through ScopedModelAdmin, so an
officer issues, lists and downloads only for their own branch.
"""

import io
import logging
import tempfile

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html

from core import documents
from core.admin.base import PortalModelAdmin, ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin
from core.admin.input import SafeAutocompleteSelect
from core.audit import access_log_record
from core.errors import DomainError
from core.models import AccessLog
from core.notifications import SmsError, send_sms
from core.parsing import parse_int
from core.roles import is_association_staff
from core.scoping import user_scope
from members import services
from members.models import Certificate, CraftsmanCard, DocumentSeal, Member
from members.tasks import certificate_render_task

from .resources import CertificateResource, CraftsmanCardResource

logger = logging.getLogger(__name__)


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(label="用途", choices=[(p, p) for p in Certificate.PURPOSES])
    purpose_other = forms.CharField(label="具体用途", max_length=90, required=False)

    def purpose_text(self) -> str:
        data = self.cleaned_data
        return (data.get("purpose_other") or "").strip() if data["purpose"] == "其他" else data["purpose"]

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "其他" and not (data.get("purpose_other") or "").strip():
            raise forms.ValidationError("选“其他”时请填写具体用途。")
        return data


class IssueForm(PurposeForm):
    member = forms.ModelChoiceField(label="劳模工匠", queryset=Member.objects.none())
    field_order = ["member", "purpose", "purpose_other"]

    def __init__(self, *args, user, admin_site, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Member.objects.visible_to(user).select_related("branch").order_by("name")
        # Picked by the registry's scoped search (name, full ID number or phone), not a typed id.
        field.widget = SafeAutocompleteSelect(Certificate._meta.get_field("member"), admin_site)
        field.widget.choices = field.choices
        field.label_from_instance = admin_site._registry[Member].autocomplete_label
        field.help_text = "输入姓名、完整身份证号或手机号码查找（批量开具请在“劳模工匠”列表中勾选）"


class ReasonForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


def _intermediate(modeladmin, request, queryset, *, form, title, action, submit):
    """An action's confirmation page carrying the selected ids (Django's delete-selected pattern)."""
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": title,
        "form": form,
        "objects": queryset[:200],
        "count": queryset.count(),
        "action": action,
        "submit": submit,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "selected": request.POST.getlist(ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
    }
    return TemplateResponse(request, "members/admin/action_form.html", context)


@admin.action(description="为所选会员开具劳模证明", permissions=["view"])
def issue_certificates(modeladmin, request, queryset):
    if not request.user.has_perm("members.add_certificate"):
        raise PermissionDenied
    form = PurposeForm(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        return _intermediate(
            modeladmin, request, queryset, form=form, title="开具劳模证明",
            action="issue_certificates", submit="开具",
        )  # fmt: skip
    issued, refused = services.certificates_issue_bulk(
        members=list(queryset), actor=request.user, purpose=form.purpose_text()
    )
    if issued:
        modeladmin.message_user(request, f"已开具 {len(issued)} 份证明，正在生成PDF。", messages.SUCCESS)
    waiting = sum(1 for c in issued if c.queued is False)
    if waiting:
        modeladmin.message_user(
            request, f"其中 {waiting} 份已排队：PDF暂时无法生成，稍后自动重试。", messages.WARNING
        )
    for message in refused[:20]:
        modeladmin.message_user(request, message, messages.ERROR)
    if not issued:
        return None
    issued = list(Certificate.objects.filter(pk__in=[c.pk for c in issued]).order_by("year", "number"))
    # The result page: what was issued and one download of the whole batch (a zip, a merged PDF).
    return TemplateResponse(
        request,
        "members/admin/issue_result.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "劳模证明已开具",
            "opts": modeladmin.model._meta,
            "issued": issued,
            "ready": sum(c.is_ready for c in issued),
            "refused": refused,
            "batch_url": certificate_batch_url([c.pk for c in issued]),
            "limit": services.CERTIFICATE_BATCH_LIMIT,
        },
    )


@admin.action(description="为所选会员发放匠心卡", permissions=["view"])
def issue_cards(modeladmin, request, queryset):
    if not request.user.has_perm("members.add_craftsmancard"):
        raise PermissionDenied
    count = 0
    for member in queryset:
        try:
            services.card_issue(member=member, actor=request.user)
            count += 1
        except DomainError as exc:
            modeladmin.message_user(request, exc.message, messages.ERROR)
    if count:
        modeladmin.message_user(request, f"已发放 {count} 张匠心卡。", messages.SUCCESS)


@admin.action(description="邀请所选会员开通账号（发送一次性链接）", permissions=["change"])
def invite_members(modeladmin, request, queryset):
    """One-time links only for members without an opened login (``services.member_invite``).

    A member whose login is opened, staff, grouped or deactivated gets no link: the officer
    sees why, per member, and how many were skipped.
    """
    base = request.build_absolute_uri("/").rstrip("/")
    skipped = 0
    for member in queryset[:50]:
        try:
            link = base + services.member_invite(member=member, actor=request.user)
        except DomainError as exc:
            skipped += 1
            modeladmin.message_user(request, f"{member.name}：未发送邀请。{exc.message}", messages.ERROR)
            continue
        sent = False
        if member.mobile:
            try:
                send_sms(
                    mobile=member.mobile, text=f"{member.name}您好，请打开链接开通劳模工匠服务账号：{link}"
                )
                sent = True
            except SmsError:
                pass
        note = "已短信发送" if sent else "短信未发送，请转交本人"
        modeladmin.message_user(request, f"{member.name}：{note}。一次性链接 {link}", messages.SUCCESS)
    if skipped:
        modeladmin.message_user(
            request,
            f"已跳过 {skipped} 名会员：已开通账号或关联的账号不能通过邀请设置密码。",
            messages.WARNING,
        )


BATCH_FORMATS = ("zip", "pdf")
BATCH_TOO_LARGE = f"一次最多下载{services.CERTIFICATE_BATCH_LIMIT}份证明，请按开具时间或分会筛选后分批下载。"


def certificate_batch_url(ids) -> str | None:
    """The batch download page of these certificates (None past the batch limit)."""
    if len(ids) > services.CERTIFICATE_BATCH_LIMIT:
        return None
    return f"{reverse('admin:members_certificate_batch')}?ids={','.join(str(pk) for pk in ids)}"


def parse_certificate_ids(raw: str) -> tuple[list[int], str | None]:
    """``3,4,5`` → ids, or a Chinese reason why the selection cannot be read."""
    parts = [p.strip() for p in (raw or "").split(",") if p.strip()]
    if not parts:
        return [], "没有选择证明：请在劳模证明列表中勾选后选择动作“批量下载所选证明”。"
    if len(parts) > services.CERTIFICATE_BATCH_LIMIT:
        return [], BATCH_TOO_LARGE
    ids = [parse_int(p, min_value=1) for p in parts]
    if None in ids:
        return [], "所选证明的编号无法识别，请回到劳模证明列表重新勾选。"
    return sorted(set(ids)), None


class MemberDocumentsAdminMixin:
    """The member's printable 登记表: a button on the change page and an action for a selection.

    Association staff get the full 身份证号 and birth date, officers (their own branch only,
    through ``get_queryset``) the masked number and the age, as on the member form. Every
    download is logged with the member ids.
    """

    change_form_template = "members/admin/member/change_form.html"

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/registration-form/",
                view(self.registration_form_view),
                name="members_member_registration_form",
            ),
        ]
        return urls + super().get_urls()

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            actions["print_registration_forms"] = self.get_action("print_registration_forms")
        return actions

    def registration_form_view(self, request, object_id):
        member_id = parse_int(object_id, min_value=1)
        member = self.get_queryset(request).filter(pk=member_id).first() if member_id else None
        if member is None or not self.has_view_permission(request, member):
            raise Http404("找不到该会员。")
        return self._registration_forms(request, self.get_queryset(request).filter(pk=member.pk),
                                        target=f"劳模工匠登记表 {member.name}")  # fmt: skip

    @admin.action(description="打印所选会员登记表（合并PDF）", permissions=["view"])
    def print_registration_forms(self, request, queryset):
        limit = services.REGISTRATION_FORM_BATCH_LIMIT
        ids = list(queryset.order_by().values_list("pk", flat=True)[: limit + 1])
        if len(ids) > limit:
            self.message_user(
                request, f"一次最多打印{limit}人的登记表，请缩小筛选范围后分批打印。", messages.ERROR
            )
            return None
        if not ids:
            self.message_user(request, "没有可打印的会员。", messages.WARNING)
            return None
        return self._registration_forms(
            request, self.get_queryset(request).filter(pk__in=ids), target=f"劳模工匠登记表（{len(ids)}人）"
        )

    def _registration_forms(self, request, queryset, *, target):
        full = is_association_staff(request.user)
        ids = list(queryset.values_list("pk", flat=True))
        content = services.registration_forms_pdf(queryset, full_id=full)
        access_log_record(
            user=request.user, action=AccessLog.Action.DOWNLOAD, target=target, request=request,
            detail={"document": "registration_form", "full_values": full, "member_ids": ids[:500]},
            row_count=len(ids),
        )  # fmt: skip
        name = target.replace("劳模工匠登记表", "登记表").replace(" ", "-")
        response = FileResponse(io.BytesIO(content), as_attachment=True, filename=f"{name}.pdf")
        response["Cache-Control"] = "private, no-store"
        return response


def _download_link(obj, url_name):
    if obj.is_ready:
        return format_html('<a href="{}">下载PDF</a>', reverse(url_name, args=[obj.pk]))
    return obj.get_render_state_display()


@admin.register(Certificate)
class CertificateAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CertificateResource]
    list_display = [
        "serial",
        "holder_name",
        "purpose",
        "status",
        "render_state",
        "channel",
        "issued_at",
        "download",
    ]
    list_filter = ["status", "render_state", "channel", ("member__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["serial", "holder_name"]
    list_select_related = ["member"]
    date_hierarchy = "issued_at"
    actions = ["revoke", "rerender"]
    readonly_fields = [
        "serial", "member", "holder_name", "holder_gender", "holder_masked_id", "honors_list", "purpose",
        "channel", "issued_by", "issued_at", "status", "revoked_reason", "revoked_at", "revoked_by",
        "render_state", "render_error", "rendered_at", "download",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="证明的荣誉")
    def honors_list(self, obj):
        return "；".join(f"{h['year']}年 {h['title']}（{h['level']}）" for h in obj.honors_snapshot)

    @admin.display(description="文件")
    def download(self, obj):
        return _download_link(obj, "members:certificate_download")

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # a certificate is revoked, never deleted: its serial must stay accounted for

    def add_view(self, request, form_url="", extra_context=None):
        """Issue for one member through the service (the model form would bypass it)."""
        if not self.has_add_permission(request) or user_scope(request.user).is_empty:
            raise PermissionDenied
        form = IssueForm(
            request.POST or None,
            user=request.user,
            admin_site=self.admin_site,
            initial={"member": request.GET.get("member")},
        )
        if request.method == "POST" and form.is_valid():
            try:
                certificate = services.certificate_issue(
                    member=form.cleaned_data["member"], actor=request.user, purpose=form.purpose_text()
                )
            except DomainError as exc:
                self.message_domain_error(request, exc)
            else:
                self.log_addition(request, certificate, [{"added": {}}])
                if certificate.queued is False:
                    self.message_user(
                        request,
                        f"已开具 {certificate.serial}，已排队：PDF暂时无法生成，稍后自动重试。",
                        messages.WARNING,
                    )
                else:
                    self.message_user(
                        request, f"已开具 {certificate.serial}，正在生成PDF。", messages.SUCCESS
                    )
                return redirect("admin:members_certificate_change", certificate.pk)
        context = {
            **self.admin_site.each_context(request), "title": "开具劳模证明", "form": form,
            "opts": self.model._meta, "submit": "开具",
        }  # fmt: skip
        return TemplateResponse(request, "members/admin/issue_form.html", context)

    @admin.action(description="撤销所选证明", permissions=["revoke"])
    def revoke(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _intermediate(
                self, request, queryset, form=form, title="撤销劳模证明", action="revoke", submit="撤销"
            )
        done = 0
        for certificate in queryset:
            try:
                services.certificate_revoke(
                    certificate=certificate, actor=request.user, reason=form.cleaned_data["reason"]
                )
                done += 1
            except DomainError as exc:
                self.message_domain_error(request, exc)
        if done:
            self.message_user(request, f"已撤销 {done} 份证明。", messages.SUCCESS)
        return None

    def has_revoke_permission(self, request):
        # Revocation is the association's decision (the issue: "staff revoke with a reason").
        return user_scope(request.user).all_branches

    # ---- batch download -------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        urls = [path("batch/", view(self.batch_download_view), name="members_certificate_batch")]
        return urls + super().get_urls()

    def get_actions(self, request):
        # Added here, not in ``actions``, so that the list above stays as it is.
        actions = super().get_actions(request)
        if self.has_view_permission(request):
            actions["batch_download"] = self.get_action("batch_download")
        return actions

    @admin.action(description="批量下载所选证明（压缩包或合并PDF）", permissions=["view"])
    def batch_download(self, request, queryset):
        ids = list(queryset.order_by().values_list("pk", flat=True)[: services.CERTIFICATE_BATCH_LIMIT + 1])
        if len(ids) > services.CERTIFICATE_BATCH_LIMIT:
            self.message_user(request, BATCH_TOO_LARGE, messages.ERROR)
            return None
        if not ids:
            self.message_user(request, "没有可下载的证明。", messages.WARNING)
            return None
        return redirect(certificate_batch_url(ids))

    def batch_download_view(self, request):
        """The selected certificates: their state, and once all are rendered, a zip or one merged PDF.

        Ids come in the query string (``ids=3,4,5``); an id outside the user's scope is as
        missing as one that does not exist (404). Revoked certificates are listed and left
        out of the files; while a PDF is still being rendered the page says so and refreshes.
        """
        if not self.has_view_permission(request):
            raise PermissionDenied
        ids, error = parse_certificate_ids(request.GET.get("ids", ""))
        if error:
            return self._batch_page(request, None, error=error, status=400)
        certificates = list(self.get_queryset(request).filter(pk__in=ids))
        if len(certificates) != len(ids):
            raise Http404("找不到所选的部分证明。")
        batch = services.certificate_batch(certificates)
        fmt = request.GET.get("format")
        if fmt in BATCH_FORMATS and batch.downloadable:
            return self._batch_file(request, batch, fmt)
        # Still rendering: the page says so, refreshes itself (the same URL, so the file comes
        # once everything is ready) and offers 重试.
        return self._batch_page(request, batch, fmt=fmt if fmt in BATCH_FORMATS else "")

    def _batch_page(self, request, batch, *, fmt="", error=None, status=200):
        context = {
            **self.admin_site.each_context(request),
            "title": "批量下载劳模证明",
            "opts": self.model._meta,
            "batch": batch,
            "error": error,
            "ids": request.GET.get("ids", "") if batch is not None else "",
            "format": fmt,
            "limit": services.CERTIFICATE_BATCH_LIMIT,
        }
        return TemplateResponse(request, "members/admin/certificate_batch.html", context, status=status)

    def _batch_file(self, request, batch, fmt):
        out = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)
        count = len(batch.ready)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        try:
            if fmt == "zip":
                services.certificates_zip(batch, out)
                filename, label = f"劳模证明-{stamp}-{count}份.zip", "压缩包"
            else:
                services.certificates_merged_pdf(batch, out)
                filename, label = f"劳模证明-{stamp}-{count}份（打印）.pdf", "合并PDF"
        except (OSError, documents.UnreadablePdf):
            # A stored file gone or damaged: say which way out, never a server error.
            logger.exception("certificate batch download failed")
            out.close()
            self.message_user(
                request, "部分证明的PDF文件无法读取。请勾选这些证明执行“重新生成PDF”，生成后再下载。",
                messages.ERROR,
            )  # fmt: skip
            return self._batch_page(request, batch)
        access_log_record(
            user=request.user, action=AccessLog.Action.DOWNLOAD, target=f"劳模证明批量下载（{label}，{count}份）",
            request=request, row_count=count,
            detail={"format": fmt, "certificate_ids": [c.pk for c in batch.ready]},
        )  # fmt: skip
        out.seek(0)
        response = FileResponse(out, as_attachment=True, filename=filename)
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description="重新生成PDF", permissions=["view"])
    def rerender(self, request, queryset):
        ids = list(queryset.values_list("pk", flat=True)[:500])
        queued = sum(certificate_render_task.enqueue(pk, force=True) for pk in ids)
        if queued < len(ids):
            self.message_user(
                request, f"生成服务暂时不可用，{len(ids) - queued} 份未能提交，请稍后重试。", messages.WARNING
            )
        if queued:
            self.message_user(request, f"已提交 {queued} 份重新生成。", messages.SUCCESS)


class ExpiryFilter(admin.SimpleListFilter):
    title = "有效期"
    parameter_name = "expiry"

    def lookups(self, request, model_admin):
        return [("60", "60天内到期"), ("expired", "已过期")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "60":
            return queryset.expiring_within(60, today=today)
        if self.value() == "expired":
            return queryset.filter(expires_on__lt=today)
        return queryset


@admin.register(CraftsmanCard)
class CraftsmanCardAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CraftsmanCardResource]
    list_display = [
        "number",
        "holder_name",
        "title",
        "issued_on",
        "expires_on",
        "status",
        "render_state",
        "download",
    ]
    list_filter = [ExpiryFilter, "status", "render_state", ("member__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["number", "holder_name"]
    list_select_related = ["member"]
    actions = ["revoke"]
    readonly_fields = [
        "number", "member", "holder_name", "title", "issued_on", "expires_on", "benefit_list", "status",
        "revoked_reason", "issued_by", "render_state", "render_error", "rendered_at", "download",
    ]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="权益")
    def benefit_list(self, obj):
        return "、".join(obj.benefit_labels())

    @admin.display(description="文件")
    def download(self, obj):
        return _download_link(obj, "members:card_download")

    def has_add_permission(self, request):
        return False  # issued from the member list (action 发放匠心卡) through card_issue

    def has_change_permission(self, request, obj=None):
        return False if obj is not None else super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="注销所选匠心卡", permissions=["revoke"])
    def revoke(self, request, queryset):
        form = ReasonForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            return _intermediate(
                self, request, queryset, form=form, title="注销匠心卡", action="revoke", submit="注销"
            )
        for card in queryset:
            try:
                services.card_revoke(card=card, actor=request.user, reason=form.cleaned_data["reason"])
            except DomainError as exc:
                self.message_domain_error(request, exc)
        return None

    def has_revoke_permission(self, request):
        return user_scope(request.user).all_branches


__all__ = ["MemberDocumentsAdminMixin", "invite_members", "issue_cards", "issue_certificates"]


# ---------------------------------------------------------------------------------------
# The association's electronic seal (association-only: no branch_path, so officers hold no
# permission on it; one row, replaced by a new upload, every version in its history).
# ---------------------------------------------------------------------------------------


class SealForm(forms.ModelForm):
    image = forms.FileField(
        label="印章图片",
        help_text="印章的扫描件或照片（PNG或JPEG，不超过5 MB）。白色背景会自动去除，图片会裁剪到印章边缘。",
        # A plain file input: the stored image is private (no URL to link as "currently").
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg"}),
    )

    class Meta:
        model = DocumentSeal
        fields = ["image", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.prepared = None
        if self.instance.pk and "image" in self.fields:
            self.fields["image"].required = False
            self.fields["image"].label = "更换印章图片"
            self.initial["image"] = None

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        if not upload or getattr(upload, "_committed", False):
            if self.instance.pk:
                return self.instance.image  # note only: the image stays
            raise forms.ValidationError("请选择印章图片。", code="required")
        try:
            self.prepared = services.seal_image_from_upload(upload)
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages, code="bad_seal") from None
        return upload


@admin.register(DocumentSeal)
class DocumentSealAdmin(PortalModelAdmin):
    form = SealForm
    list_display = ["__str__", "size", "note", "updated_at", "updated_by"]
    readonly_fields = ["preview", "size", "updated_at", "updated_by"]
    fields = ["preview", "image", "note", "size", "updated_at", "updated_by"]

    def has_module_permission(self, request):
        return is_association_staff(request.user) and super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_association_staff(request.user) and super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        # No query here: it is asked on every admin page (the navigation). The add page
        # itself sends to the existing seal (below): there is only ever one.
        return is_association_staff(request.user) and super().has_add_permission(request)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context = {**context, "show_save_and_add_another": False}  # there is only one seal
        return super().render_change_form(request, context, add, change, form_url, obj)

    def changelist_view(self, request, extra_context=None):
        # One seal: once it exists, the list offers no 增加 (a new image is uploaded on its page).
        if services.current_seal() is not None:
            extra_context = {**(extra_context or {}), "has_add_permission": False}
        return super().changelist_view(request, extra_context)

    def add_view(self, request, form_url="", extra_context=None):
        seal = services.current_seal()
        if seal is not None:
            messages.info(request, "协会已有电子印章；在此页上传新图片即更换印章。")
            return redirect("admin:members_documentseal_change", seal.pk)
        return super().add_view(request, form_url, extra_context)

    def has_change_permission(self, request, obj=None):
        return is_association_staff(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False  # replaced by a new upload, never removed: issuing would stop

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # The version page shows every field read-only, and Django shows a read-only file as a
        # link to its URL, which a private file has not (a 500): the preview shows that version.
        request.seal_version_page = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        return [f for f in fields if f != "image"] if getattr(request, "seal_version_page", False) else fields

    @admin.display(description="当前印章")
    def preview(self, obj):
        if obj is None or not obj.pk or not obj.image:
            return "尚未上传。未上传印章时不能开具证明和匠心卡。"
        try:
            with obj.image.open("rb") as handle:
                url = documents.data_url(handle.read(), "image/png")
        except OSError:
            return "印章图片文件丢失，请重新上传。"
        return format_html(
            '<img src="{}" alt="电子印章" style="width:40mm;height:auto;background:'
            '#fff;border:1px solid #ddd;padding:4px">',
            url,
        )

    @admin.display(description="尺寸")
    def size(self, obj):
        if obj is None or not obj.pk:
            return "—"
        return f"{obj.width_px} × {obj.height_px} 像素（打印宽度40毫米）"

    def save_model(self, request, obj, form, change):
        content, width, height = form.prepared or (None, None, None)
        try:
            saved = services.seal_save(
                content=content, width=width, height=height, actor=request.user, note=form.cleaned_data.get("note", "")
            )
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk, obj.image, obj._state.adding = saved.pk, saved.image, False
