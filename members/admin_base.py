"""The scoped admin base classes: every branch-owned model is served through them.

Each door of Django's admin that reads or writes rows is tied to
``Model.objects.visible_to(request.user)``: the changelist and its search, filters and
actions (``get_queryset``), change/delete/history views (object permission checks),
foreign-key choices and the validation of posted ids (``formfield_for_*``), raw-id
labels (``ScopedRawIdWidget``) and autocomplete (the related admin's ``get_queryset``).
"""

from django.contrib import admin, messages
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import EmptyResultSet, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import Http404
from django.utils.functional import cached_property
from simple_history.admin import SimpleHistoryAdmin

from .errors import DomainError
from .roles import is_association_staff, user_scope


def is_branch_owned(model) -> bool:
    """A model is branch-owned when it says how it reaches its branch."""
    return hasattr(model, "branch_path")


def scoped_queryset(model, user):
    """The rows of ``model`` a user may pick or see; non-branch-owned models are not narrowed."""
    manager = model._default_manager
    if is_branch_owned(model):
        return manager.visible_to(user)
    return manager.all()


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A relation filter whose choices are the related rows the user may see.

    Unlike RelatedFieldListFilter it never lists another branch's rows; unlike
    RelatedOnlyFieldListFilter it needs no DISTINCT over the whole changelist (which
    costs a full scan at a million members). Meant for small related tables (branches).
    """

    def field_choices(self, field, request, model_admin):
        queryset = scoped_queryset(field.related_model, request.user)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


class ScopedRawIdWidget(ForeignKeyRawIdWidget):
    """Raw-id input whose label is looked up through the scoped queryset, not _default_manager."""

    def __init__(self, rel, admin_site, *, queryset, attrs=None, using=None):
        super().__init__(rel, admin_site, attrs=attrs, using=using)
        self.queryset = queryset

    def label_and_url_for_value(self, value):
        key = self.rel.get_related_field().name
        try:
            self.queryset.get(**{key: value})
        except (ValueError, self.queryset.model.DoesNotExist, ValidationError):
            return "", ""
        return super().label_and_url_for_value(value)


class ScopedFormFieldsMixin:
    """Foreign-key and many-to-many choices limited to what the user may see."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.remote_field.model
        queryset = scoped_queryset(related, request.user)
        kwargs["queryset"] = queryset
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if formfield is not None and type(formfield.widget) is ForeignKeyRawIdWidget:
            formfield.widget = ScopedRawIdWidget(
                db_field.remote_field, self.admin_site, queryset=queryset, using=kwargs.get("using")
            )
        return formfield

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs["queryset"] = scoped_queryset(db_field.remote_field.model, request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedObjectPermissionMixin:
    """Object-level checks: an object outside the user's scope is as good as missing."""

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _visible(self, request, obj) -> bool:
        return obj is None or self.model._default_manager.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._visible(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._visible(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._visible(request, obj)


class CappedCountPaginator(Paginator):
    """Counts at most ``cap`` rows: a changelist never runs COUNT(*) over a million rows.

    Past the cap the page says "超过 N 条" and offers the first N rows; filters and
    search narrow the list (templates/admin/pagination.html).
    """

    cap = 10_000

    @cached_property
    def count(self):
        queryset = self.object_list
        self.count_capped = False
        try:
            sql, params = queryset.order_by().values("pk")[: self.cap + 1].query.sql_with_params()
        except EmptyResultSet:  # .none(): an officer without a branch
            return 0
        with connections[queryset.db].cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM ({sql}) capped", params)
            found = cursor.fetchone()[0]
        self.count_capped = found > self.cap
        return min(found, self.cap)


class ScopedModelAdmin(ScopedObjectPermissionMixin, ScopedFormFieldsMixin, SimpleHistoryAdmin):
    """Base ModelAdmin for every branch-owned model (the meta-test enforces it).

    An officer's new rows are forced into the officer's branch when the model has a
    direct ``branch`` field; officers cannot move rows between branches here (that is
    a transfer, with its own approval).
    """

    list_per_page = 50
    show_full_result_count = False
    paginator = CappedCountPaginator

    def is_association(self, request) -> bool:
        return is_association_staff(request.user)

    def _has_direct_branch(self) -> bool:
        return self.model.branch_path == "branch"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._has_direct_branch() and not self.is_association(request) and "branch" not in fields:
            fields.append("branch")
        return fields

    def save_model(self, request, obj, form, change):
        if self._has_direct_branch() and not self.is_association(request):
            scope = user_scope(request.user)
            if scope.branch_id is None:
                raise Http404
            if not change:
                obj.branch_id = scope.branch_id
        super().save_model(request, obj, form, change)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "… doesn't exist"; we answer 404 instead, the
        # same for another branch's object and for a missing one (SECURITY.md).
        raise Http404

    # History views fetch through the scoped queryset first: simple-history would fall
    # back to the latest historical record of an object the user cannot see.
    def _require_visible(self, request, object_id):
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        if not self.is_association(request):
            self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_visible(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def message_domain_error(self, request, exc: DomainError):
        self.message_user(request, exc.message, level=messages.ERROR)


class ScopedInline(ScopedFormFieldsMixin):
    """Mixin for inlines of scoped admins: the inline rows and their choices are scoped too."""

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_branch_owned(self.model):
            qs = qs.visible_to(request.user)
        return qs


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass
