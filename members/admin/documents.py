"""Admin of certificates (劳模证明), craftsman cards (匠心卡) and member invitations.

Every write goes through members.services; every queryset through ScopedModelAdmin, so an
officer issues, lists and downloads only for their own branch.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from core.admin.base import ScopedModelAdmin
from core.admin.input import SafeAutocompleteSelect
from core.errors import DomainError
from core.notifications import SmsError, send_sms
from core.scoping import user_scope
from members import services
from members.models import Certificate, CraftsmanCard, Member
from members.tasks import certificate_render_task


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
    return None


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


def _download_link(obj, url_name):
    if obj.is_ready:
        return format_html('<a href="{}">下载PDF</a>', reverse(url_name, args=[obj.pk]))
    return obj.get_render_state_display()


@admin.register(Certificate)
class CertificateAdmin(ScopedModelAdmin):
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
class CraftsmanCardAdmin(ScopedModelAdmin):
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


__all__ = ["invite_members", "issue_cards", "issue_certificates"]
