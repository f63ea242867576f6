"""Admin of newsletter issues, their articles and photos.

Issues, articles and photos are branch-owned and go through the scoped base classes.
Officers edit their branch's drafts and submit them for review; once an issue is under
review or published its content is read-only for them.
"""

from django.contrib import admin, messages
from django.contrib.admin import RelatedOnlyFieldListFilter
from django.contrib.admin.utils import unquote
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from core.admin.base import ScopedModelAdmin, ScopedTabularInline
from core.admin.exporting import ExcelExportMixin
from core.errors import DomainError
from core.roles import is_association_staff

from .. import services
from ..models import Article, ArticlePhoto, NewsletterIssue
from .resources import NewsletterIssueResource

DRAFT = NewsletterIssue.Status.DRAFT


def _officer_may_edit(issue) -> bool:
    return issue is None or issue.status == DRAFT


class DraftOnlyForOfficersMixin:
    """Officers change and delete only what belongs to a draft issue; staff always may."""

    def issue_of(self, obj):
        raise NotImplementedError

    def _editable(self, request, obj) -> bool:
        return obj is None or is_association_staff(request.user) or _officer_may_edit(self.issue_of(obj))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._editable(request, obj)


class ArticleInline(DraftOnlyForOfficersMixin, ScopedTabularInline):
    """The issue's table of contents; the articles themselves are edited on their own page."""

    model = Article
    extra = 0
    fields = ["position", "title", "category", "author"]
    show_change_link = True
    ordering = ["position", "pk"]

    def issue_of(self, obj):
        return obj  # inline permission checks receive the parent issue

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(NewsletterIssue)
class NewsletterIssueAdmin(ExcelExportMixin, DraftOnlyForOfficersMixin, ScopedModelAdmin):
    resource_classes = [NewsletterIssueResource]
    list_display = [
        "__str__",
        "month_display",
        "title",
        "owner",
        "status",
        "article_count",
        "published_at",
        "links",
    ]
    list_filter = ["status", ("branch", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "=number"]
    date_hierarchy = "month"
    inlines = [ArticleInline]
    readonly_fields = ["status", "review_note", "submitted_at", "published_at", "links"]
    fields = [
        "number",
        "month",
        "title",
        "cover",
        "branch",
        "status",
        "review_note",
        "submitted_at",
        "published_at",
        "links",
    ]
    actions = ["submit_for_review", "publish", "return_to_draft", "withdraw"]
    change_form_template = "publications/admin/newsletterissue/change_form.html"

    # Workflow buttons on the change page: step -> (label, service, done, association only).
    STEPS = {
        "submit": ("提交审核", services.issue_submit, "已提交审核", False),
        "publish": ("审核通过并发布", services.issue_publish, "已发布", True),
        "return": ("退回修改", services.issue_return, "已退回修改", True),
        "withdraw": ("撤回发布", services.issue_withdraw, "已撤回为草稿", True),
    }
    STEP_FROM = {"submit": DRAFT, "publish": "review", "return": "review", "withdraw": "published"}

    def issue_of(self, obj):
        return obj

    def get_urls(self):
        view = self.admin_site.admin_view(require_POST(self.workflow_view))
        return [
            path("<path:object_id>/workflow/<str:step>/", view, name="publications_newsletterissue_workflow"),
            *super().get_urls(),
        ]

    def workflow_steps(self, request, obj) -> list[tuple[str, str]]:
        """The buttons this user may press for this issue in its current status."""
        association = is_association_staff(request.user)
        steps = []
        for step, (label, _service, _done, association_only) in self.STEPS.items():
            if association_only and not association:
                continue
            if obj.status == self.STEP_FROM[step]:
                steps.append((step, label))
        return steps

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra_context = {**(extra_context or {})}
        if obj is not None:
            extra_context["workflow_steps"] = self.workflow_steps(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def workflow_view(self, request, object_id, step):
        """POST one workflow step for one issue, found through the scoped queryset (else 404)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None or step not in self.STEPS or not self.has_view_permission(request, obj):
            raise Http404
        _label, service, done, _association_only = self.STEPS[step]
        kwargs = {"note": request.POST.get("note", "")} if step in ("return", "withdraw") else {}
        try:
            service(issue=obj, actor=request.user, **kwargs)
        except DomainError as exc:
            self.message_domain_error(request, exc)
        else:
            self.message_user(request, f"{obj}{done}。", level=messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:publications_newsletterissue_change", args=[obj.pk]))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("branch").annotate(n_articles=Count("articles"))

    @admin.display(description="出版月份", ordering="month")
    def month_display(self, obj):
        return obj.month_label

    @admin.display(description="编辑单位", ordering="branch")
    def owner(self, obj):
        return obj.owner_label

    @admin.display(description="文章数", ordering="n_articles")
    def article_count(self, obj):
        return getattr(obj, "n_articles", None)

    @admin.display(description="查看")
    def links(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        label = "网页" if obj.is_published else "网页预览"
        return format_html(
            '<a href="{}" target="_blank">{}</a> · <a href="{}">打印版PDF</a>',
            obj.get_absolute_url(),
            label,
            reverse("publications:issue_pdf", args=[obj.number]),
        )

    def has_publish_permission(self, request):
        return is_association_staff(request.user)

    def _run(self, request, queryset, service, done, **kwargs):
        count = 0
        for issue in queryset:
            try:
                service(issue=issue, actor=request.user, **kwargs)
                count += 1
            except DomainError as exc:
                self.message_domain_error(request, exc)
        if count:
            self.message_user(request, f"{count}期已{done}。", level=messages.SUCCESS)

    @admin.action(description="提交审核", permissions=["view"])
    def submit_for_review(self, request, queryset):
        self._run(request, queryset, services.issue_submit, "提交审核")

    @admin.action(description="审核通过并发布", permissions=["publish"])
    def publish(self, request, queryset):
        self._run(request, queryset, services.issue_publish, "发布")

    @admin.action(description="退回修改", permissions=["publish"])
    def return_to_draft(self, request, queryset):
        self._run(request, queryset, services.issue_return, "退回修改")

    @admin.action(description="撤回发布", permissions=["publish"])
    def withdraw(self, request, queryset):
        self._run(request, queryset, services.issue_withdraw, "撤回为草稿")


class ArticlePhotoInline(DraftOnlyForOfficersMixin, ScopedTabularInline):
    model = ArticlePhoto
    extra = 1
    fields = ["image", "caption", "position"]

    def issue_of(self, obj):
        return obj.issue if obj is not None else None  # obj is the parent article

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and self._editable(request, obj)


@admin.register(Article)
class ArticleAdmin(DraftOnlyForOfficersMixin, ScopedModelAdmin):
    list_display = ["title", "issue", "category", "author", "issue_status", "position"]
    list_filter = ["category", "issue__status", ("issue", RelatedOnlyFieldListFilter)]
    search_fields = ["title", "author", "body_text"]
    list_select_related = ["issue"]
    autocomplete_fields = ["featured_members"]
    inlines = [ArticlePhotoInline]
    fields = ["issue", "position", "title", "author", "category", "summary", "body", "featured_members"]

    def issue_of(self, obj):
        return obj.issue

    @admin.display(description="期刊状态", ordering="issue__status")
    def issue_status(self, obj):
        return obj.issue.get_status_display()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "issue" and formfield is not None and not is_association_staff(request.user):
            # Officers write into their branch's drafts only.
            formfield.queryset = formfield.queryset.filter(status=DRAFT)
        return formfield

    def save_related(self, request, form, formsets, change):
        # The member picker offers only the user's scope; featured members of other
        # branches (added by association staff) must survive an officer's edit.
        hidden = []
        if change and not is_association_staff(request.user):
            visible = form.fields["featured_members"].queryset
            hidden = list(form.instance.featured_members.exclude(pk__in=visible.values("pk")))
        super().save_related(request, form, formsets, change)
        if hidden:
            form.instance.featured_members.add(*hidden)
