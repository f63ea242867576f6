"""Admin of the registry: branches, members with honours, honours, officers."""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.cache import add_never_cache_headers

from core.admin.base import ScopedModelAdmin, ScopedRelatedFieldListFilter, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.audit import access_log_record, id_numbers_confirmed
from core.errors import DomainError
from core.idcard import ID_NUMBER_TAKEN, mask_phone
from core.models import AccessLog
from core.roles import is_association_staff
from core.scoping import scopes_disabled
from members import services
from members.admin.documents import MemberDocumentsAdminMixin, invite_members, issue_cards, issue_certificates
from members.admin.filters import (
    AgeBandFilter,
    HonorKindFilter,
    HonorLevelFilter,
    HonorYearFilter,
)
from members.admin.io import MemberIOAdminMixin, RegistrationScanInline
from members.models import Branch, Honor, Member, OfficerProfile
from members.querysets import ID_LIKE
from members.services.registry import HONOR_FIELDS, MEMBER_FIELDS
from members.services.staff_accounts import officer_account_state, officer_invite, officer_login_suggestion
from members.tokens import staff_invitation_hours

from .resources import HonorResource


def _form_values(form, allowed, *, change):
    """What a form writes: every cleaned field on add, the changed ones on change."""
    names = form.changed_data if change else form.cleaned_data
    return {name: form.cleaned_data[name] for name in names if name in allowed and name in form.cleaned_data}


@admin.register(Branch)
class BranchAdmin(ScopedModelAdmin):
    list_display = ["name", "code", "kind", "active", "sort_order"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "code"]
    ordering = ["sort_order", "pk"]


class HonorInline(ScopedTabularInline):
    model = Honor
    extra = 0
    fields = ["kind", "level", "title", "year", "awarding_body", "document_number"]


class MemberAdminForm(forms.ModelForm):
    """The member form: a number already in the registry gets the API's one answer, logged."""

    request = None  # bound by MemberAdmin.get_form

    def validate_unique(self):
        super().validate_unique()
        refused = [e for e in self.errors.as_data().get("id_number", []) if e.code == "unique"]
        if refused and self.request is not None:
            self.errors["id_number"] = self.error_class([ID_NUMBER_TAKEN])
            with scopes_disabled():  # the holder may be in another branch: logged, never shown
                taken = list(
                    Member.objects.filter(id_number=self.instance.id_number).values_list("pk", flat=True)[:1]
                )
            id_numbers_confirmed(
                user=self.request.user,
                door="管理后台登记（号码已在名册中）",
                member_ids=taken,
                request=self.request,
            )


@admin.register(Member)
class MemberAdmin(MemberDocumentsAdminMixin, MemberIOAdminMixin, ScopedModelAdmin):
    form = MemberAdminForm
    inlines = [HonorInline, RegistrationScanInline]
    actions = [issue_certificates, issue_cards, invite_members]
    list_display = ["name", "category", "branch", "highest_honor", "age_display", "mobile_display", "status"]
    list_filter = [
        ("branch", ScopedRelatedFieldListFilter),
        HonorKindFilter,
        HonorLevelFilter,
        HonorYearFilter,
        "category",
        "status",
        "gender",
        AgeBandFilter,
    ]
    # The search box takes a name fragment, a full ID number or a phone number;
    # get_search_results routes each to its own indexed lookup.
    search_fields = ["name"]
    search_help_text = "输入姓名、完整身份证号或手机号码"
    # Every admin picks a member through this admin's scoped search (name, full ID number,
    # phone); each result shows what tells two people of the same name apart.
    pick_by_search = True
    autocomplete_select_related = ["branch"]
    list_select_related = ["branch"]
    readonly_fields = ["gender", "birth_date", "category", "created_at", "updated_at"]
    # Picked by login name, name or phone (laomo_portal.admin.PortalUserAdmin), never by a typed id.
    autocomplete_fields = ["user"]
    fieldsets = [
        (
            "基本信息",
            {"fields": ["name", "id_number", "gender", "birth_date", "ethnicity", "political_status"]},
        ),
        ("联系方式", {"fields": ["mobile", "address"]}),
        ("工作情况", {"fields": ["employer", "position", "industry"]}),
        ("名册", {"fields": ["branch", "status", "category", "notes", "user", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).with_highest_honor()

    def save_model(self, request, obj, form, change):
        values = _form_values(form, MEMBER_FIELDS, change=change)
        if change:
            services.member_update(obj, actor=request.user, **values)
        else:
            services.member_create(actor=request.user, member=obj, **values)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Honor:
            return super().save_formset(request, form, formset, change)
        # Each honour through its service: scope, full_clean, the member's category.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for inline_form in formset.forms:
            honor = inline_form.instance
            if honor.pk and formset.can_delete and formset._should_delete_form(inline_form):
                services.honor_delete(honor, actor=request.user)
                formset.deleted_objects.append(honor)
            elif not inline_form.has_changed():
                continue
            elif honor.pk:
                values = _form_values(inline_form, HONOR_FIELDS - {"member"}, change=True)
                services.honor_update(honor, actor=request.user, **values)
                formset.changed_objects.append((honor, list(values)))
            else:
                values = _form_values(inline_form, HONOR_FIELDS - {"member"}, change=False)
                services.honor_create(actor=request.user, member=form.instance, honor=honor, **values)
                formset.new_objects.append(honor)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        # The form shows association staff the full ID number: record each page shown.
        if response.status_code == 200 and self.is_association(request):
            obj = getattr(response, "context_data", {}).get("original")
            if obj is not None:
                access_log_record(
                    user=request.user, action=AccessLog.Action.VIEW_ID, target=f"劳模工匠 {obj.name}",
                    request=request, detail={"model": "member", "pk": obj.pk}, row_count=1,
                )  # fmt: skip
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"request": request})

    def get_search_results(self, request, queryset, search_term):
        # The exact match on a full number confirms it (autocomplete asks here too): logged.
        if ID_LIKE.match((search_term or "").strip()):
            id_numbers_confirmed(user=request.user, door="管理后台搜索完整身份证号", count=1, request=request)
        return queryset.search(search_term), False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.is_association(request):
            # Officers see an existing member's ID number masked and cannot change it.
            # Never beside the full birth date, which would give back most of the number
            # (docs/security.md, masking): the age says what an officer needs.
            shown = {"id_number": "masked_id", "birth_date": "age_display"}
            fieldsets = [
                (title, {**opts, "fields": [shown.get(f, f) for f in opts["fields"]]})
                for title, opts in fieldsets
            ]
        if not self.is_association(request):
            fieldsets = [
                (title, {**opts, "fields": [f for f in opts["fields"] if f != "user"]})
                for title, opts in fieldsets
            ]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and not self.is_association(request):
            fields = [*fields, "masked_id", "age_display"]
        return fields

    def get_list_display(self, request):
        if self.is_association(request):
            return [("mobile" if f == "mobile_display" else f) for f in self.list_display]
        return self.list_display

    def autocomplete_label(self, obj):
        return f"{obj.name}（{obj.masked_id_number}，{obj.branch.name}）"

    @admin.display(description="身份证号")
    def masked_id(self, obj):
        return obj.masked_id_number

    @admin.display(description="最高荣誉", ordering="highest_honor_level")
    def highest_honor(self, obj):
        title = getattr(obj, "highest_honor_title", None)
        if not title:
            return "—"
        return f"{title}（{obj.highest_honor_year}）"

    @admin.display(description="年龄", ordering="-birth_date")
    def age_display(self, obj):
        return obj.age

    @admin.display(description="手机号码")
    def mobile_display(self, obj):
        return mask_phone(obj.mobile)


@admin.register(Honor)
class HonorAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [HonorResource]
    list_display = ["title", "member", "kind", "level", "year", "awarding_body"]
    list_filter = ["kind", "level", "year", ("member__branch", ScopedRelatedFieldListFilter)]
    search_fields = ["title", "member__name"]
    autocomplete_fields = ["member"]
    list_select_related = ["member"]

    def save_model(self, request, obj, form, change):
        values = _form_values(form, HONOR_FIELDS, change=change)
        if change:
            services.honor_update(obj, actor=request.user, **values)
        else:
            services.honor_create(actor=request.user, honor=obj, **values)

    def delete_model(self, request, obj):
        services.honor_delete(obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for honor in queryset:
            services.honor_delete(honor, actor=request.user)


@admin.register(OfficerProfile)
class OfficerProfileAdmin(ScopedModelAdmin):
    """分会工作人员: the person, their branch and their login, created by invitation only.

    The login is never picked by id: association staff click 创建登录账号并发送邀请 and the
    officer sets their own password (members.services.staff_accounts). Officers have no
    permission here (``OfficerProfile.officer_actions``).
    """

    list_display = ["display_name", "branch", "user", "account_state", "invited_at"]
    list_filter = [("branch", ScopedRelatedFieldListFilter)]
    search_fields = ["name", "user__username", "user__first_name"]
    fields = ["name", "branch", "mobile", "user", "account_state", "invited_at"]
    readonly_fields = ["user", "account_state", "invited_at"]
    list_select_related = ["user", "branch"]
    change_form_template = "members/admin/officerprofile_change_form.html"

    def get_fields(self, request, obj=None):
        # A new row has no login yet: the login, its state and the invitation time come later.
        fields = super().get_fields(request, obj)
        return fields if obj is not None else [f for f in fields if f in ("name", "branch", "mobile")]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        branch = form.base_fields.get("branch")
        if branch is not None:  # picking a branch here, not editing the branch list
            for flag in ("can_add_related", "can_change_related", "can_delete_related", "can_view_related"):
                setattr(branch.widget, flag, False)
        if "mobile" in form.base_fields:
            form.base_fields["mobile"].widget.input_type = "tel"
        return form

    @admin.display(description="姓名", ordering="name")
    def display_name(self, obj):
        return obj.name or (obj.user.first_name if obj.user_id else "") or "—"

    @admin.display(description="账号状态")
    def account_state(self, obj):
        return officer_account_state(obj)

    def get_urls(self):
        urls = super().get_urls()
        invite = self.admin_site.admin_view(self.invite_view)
        return [path("<path:object_id>/invite/", invite, name="members_officerprofile_invite"), *urls]

    def response_add(self, request, obj, post_url_continue=None):
        if "_invite" in request.POST:
            return redirect("admin:members_officerprofile_invite", obj.pk)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_invite" in request.POST:
            return redirect("admin:members_officerprofile_invite", obj.pk)
        return super().response_change(request, obj)

    def invite_view(self, request, object_id):
        """创建登录账号并发送邀请: a confirmation page, then the link shown once."""
        # The role first, then the object: whoever may not invite learns nothing about ids.
        if not (is_association_staff(request.user) and self.has_change_permission(request)):
            raise PermissionDenied
        profile = self.get_object(request, self._clean_id(self.model._meta.pk, object_id))
        if profile is None:
            raise Http404
        opened = profile.user_id and (profile.user.has_usable_password() or profile.user.last_login)
        username = request.POST.get("username", "")[:150] if request.method == "POST" else ""
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "创建登录账号并发送邀请" if not profile.user_id else "重新发送邀请",
            "profile": profile,
            "opened": opened,
            "suggestion": username or (profile.user.username if profile.user_id else officer_login_suggestion(profile)),
            "hours": staff_invitation_hours(),
        }
        if request.method == "POST" and not opened:
            try:
                result = officer_invite(
                    profile=profile, actor=request.user, username=username,
                    send_by_sms=bool(request.POST.get("send_sms")),
                )
            except DomainError as exc:
                context["error"] = exc.message
            else:
                self.log_change(request, profile, f"发送登录邀请（账号 {result['username']}）")
                profile.refresh_from_db()
                context.update(result=result, profile=profile)
        response = TemplateResponse(request, "members/admin/officerprofile_invite.html", context)
        add_never_cache_headers(response)
        return response
