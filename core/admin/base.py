"""The admin base classes: every model with history, and every branch-owned model, is served through them.

``PortalModelAdmin`` (every admin with history) makes history read-only and masked and
lets the changelist filter only through its declared filters. ``ScopedModelAdmin`` (every
branch-owned model) ties each door of Django's admin that reads or writes rows to
``Model.objects.visible_to(request.user)``: the changelist and its search, filters and
actions (``get_queryset``), change/delete/history views (object permission checks),
foreign-key choices and the validation of posted ids (``formfield_for_*``), raw-id
labels (``ScopedRawIdWidget``) and autocomplete (the related admin's ``get_queryset``);
a user whose scope is empty writes nothing.
"""

import dataclasses
import logging

from django.contrib import admin, messages
from django.contrib.admin import helpers, widgets
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets, get_fields_from_path, unquote
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import EmptyResultSet, FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import connections
from django.http import Http404, HttpResponseNotAllowed
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from core.access import branch_for_new_row
from core.admin.input import valid_keys
from core.errors import DomainError
from core.idcard import mask_id_number, mask_phone
from core.querysets import is_branch_owned, scoped_queryset
from core.roles import is_association_staff
from core.scoping import user_scope

security_logger = logging.getLogger("django.security.DisallowedModelAdminLookup")


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
    """Foreign-key and many-to-many choices limited to what the user may see.

    A relation to a model whose admin sets ``pick_by_search`` (people: thousands of rows,
    same names) is picked through the scoped autocomplete, unless declared a raw-id field.
    """

    def get_autocomplete_fields(self, request):
        fields = list(super().get_autocomplete_fields(request))
        for field in self.model._meta.get_fields():
            if not (field.concrete and (field.many_to_one or field.many_to_many)) or field.auto_created:
                continue
            related_admin = self.admin_site._registry.get(field.related_model)
            if (
                getattr(related_admin, "pick_by_search", False)
                and field.name not in fields
                and field.name not in self.raw_id_fields
            ):
                fields.append(field.name)
        return fields

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # A person picked on a visit or a nomination is not added, edited or deleted from
        # beside the picker (the × would delete the member record itself). Django wraps
        # the widget with those links here, after formfield_for_foreignkey.
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        related_admin = self.admin_site._registry.get(db_field.remote_field.model) if db_field.is_relation else None
        if formfield is not None and getattr(related_admin, "pick_by_search", False):
            for name in ("can_add_related", "can_change_related", "can_delete_related"):
                if hasattr(formfield.widget, name):
                    setattr(formfield.widget, name, False)
        return formfield


class ScopedObjectPermissionMixin:
    """Object-level checks: an object outside the user's scope is as good as missing.

    A user whose scope is empty (an officer whose profile names no branch, a staff login
    without a role) writes nothing: no add, change or delete, whatever their permissions.
    """

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def _visible(self, request, obj) -> bool:
        return obj is None or self.model._default_manager.visible_to(request.user).filter(pk=obj.pk).exists()

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and self._visible(request, obj)

    def _may_write(self, request) -> bool:
        return not user_scope(request.user).is_empty

    def has_add_permission(self, request):
        return super().has_add_permission(request) and self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return (
            super().has_change_permission(request, obj)
            and self._may_write(request)
            and self._visible(request, obj)
        )

    def has_delete_permission(self, request, obj=None):
        return (
            super().has_delete_permission(request, obj)
            and self._may_write(request)
            and self._visible(request, obj)
        )


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


HIDDEN_IN_HISTORY = "（不显示）"


def _hidden(value) -> str:
    return HIDDEN_IN_HISTORY if value not in (None, "") else ""


# Fields that history shows masked, to every role: a history page is not a door that logs
# who saw a full 身份证号 (the change form is), and a diff shows old and new values.
HISTORY_MASKS = {
    "id_number": mask_id_number,
    "mobile": mask_phone,
    "recovery_mobile": mask_phone,
    "contact_phone": mask_phone,
    "emergency_contact_phone": mask_phone,
    "address": _hidden,
    "health_status": _hidden,
    "health_declaration": _hidden,
    "travel_history": _hidden,
}

# The lookups Django's list filters and date hierarchy put in the URL after a field path.
FILTER_LOOKUPS = frozenset(
    {"exact", "isnull", "isempty", "in", "gt", "gte", "lt", "lte", "year", "month", "day"}
)


class MaskedHistoryContextHelper(HistoricalRecordContextHelper):
    """History diffs with the sensitive fields masked (old and new values alike)."""

    def __init__(self, model, historical_record, *, masks):
        super().__init__(model, historical_record)
        self.masks = masks

    def format_delta_change(self, change):
        mask = self.masks.get(change.field)
        if mask is None:
            return super().format_delta_change(change)
        field = self.model._meta.get_field(change.field)
        return dataclasses.replace(
            change, field=str(field.verbose_name), old=mask(change.old), new=mask(change.new)
        )


class PortalModelAdmin(SimpleHistoryAdmin):
    """Base of every admin with history (``ScopedModelAdmin`` derives from it; the meta-test enforces it).

    - History is read-only for everyone: django-simple-history's version page would save
      a POST as a revert (the whole old version, hidden fields included) with only view
      permission; here it answers 405 and shows the old version read-only. Sensitive
      fields (``HISTORY_MASKS``) are masked in the list, the diffs and the version page.
      Models without history answer 404 and their change form offers no history link.
    - The changelist filters only through the declared ``list_filter`` and
      ``date_hierarchy``: ``?id_number__startswith=…`` would be an oracle on the ID number.
      Any other lookup is refused like an invalid one (a redirect to ``?e=1``), the same
      for every value.
    """

    history_masked_fields: dict = {}  # extra field -> mask function, per admin

    # ---- history ------------------------------------------------------------------------

    @property
    def has_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    def history_masks(self) -> dict:
        return {**HISTORY_MASKS, **self.history_masked_fields}

    def _clean_id(self, field, value):
        """A primary key from the URL, or 404 (not a 500) for one that cannot be an id."""
        keys = valid_keys(field, [unquote(value)])
        if not keys:
            raise Http404
        return keys[0]

    def get_historical_record_context_helper(self, request, historical_record):
        return MaskedHistoryContextHelper(self.model, historical_record, masks=self.history_masks())

    def revert_disabled(self, request, obj=None):
        return True

    def has_change_history_permission(self, request, obj=None):
        return False

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context = {**context, "hide_history_link": not self.has_history}
        return super().render_change_form(request, context, add, change, form_url, obj)

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_history:
            raise Http404
        object_id = self._clean_id(self.model._meta.pk, object_id)
        return super().history_view(request, str(object_id), extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """One old version, read-only; nothing is ever saved from here."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_history:
            raise Http404
        request.current_app = self.admin_site.name
        opts = self.model._meta
        history_model = getattr(self.model, opts.simple_history_manager_attribute).model
        object_id = self._clean_id(opts.pk, object_id)
        version_id = self._clean_id(history_model._meta.pk, version_id)
        record = history_model.objects.filter(
            **{opts.pk.attname: object_id, "history_id": version_id}
        ).first()
        if record is None:
            raise Http404
        obj = record.instance
        obj._state.adding = False
        if not self.has_view_history_or_change_history_permission(request, obj):
            raise PermissionDenied
        masks = self.history_masks()
        for field in opts.concrete_fields:
            if field.attname in masks:
                setattr(obj, field.attname, masks[field.attname](getattr(obj, field.attname)))

        fieldsets = self.get_fieldsets(request, obj)
        form = self.get_form(request, obj, change=True, fields=flatten_fieldsets(fieldsets))(instance=obj)
        admin_form = helpers.AdminForm(
            form, list(fieldsets), {}, readonly_fields=flatten_fieldsets(fieldsets), model_admin=self
        )
        prefix = f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}"
        context = {
            **self.admin_site.each_context(request),
            "title": f"查看历史版本：{obj}",
            "adminform": admin_form,
            "object_id": object_id,
            "original": obj,
            "is_popup": False,
            "media": mark_safe(self.media + admin_form.media),
            "errors": helpers.AdminErrorList(form, []),
            "inline_admin_formsets": [],
            "app_label": opts.app_label,
            "original_opts": opts,
            "changelist_url": reverse(f"{prefix}_changelist"),
            "change_url": reverse(f"{prefix}_change", args=(obj.pk,)),
            "history_url": reverse(f"{prefix}_history", args=(obj.pk,)),
            "change_history": False,
            "revert_disabled": True,
            "add": False,
            "change": True,
            "has_add_permission": False,
            "has_view_permission": True,
            "has_change_permission": False,
            "has_delete_permission": False,
            "has_editable_inline_admin_formsets": False,
            "has_file_field": False,
            "has_absolute_url": False,
            "form_url": "",
            "opts": history_model._meta,
            "content_type_id": self.content_type_model_cls.objects.get_for_model(self.model).id,
            "save_as": False,
            "save_on_top": False,
            **(extra_context or {}),
        }
        return self.render_history_view(request, self.object_history_form_template, context)

    # ---- changelist lookups ---------------------------------------------------------------

    def _declared_lookup(self, lookup, request) -> bool:
        paths = {self.date_hierarchy} if self.date_hierarchy else set()
        for item in self.get_list_filter(request):
            if isinstance(item, type) and issubclass(item, admin.SimpleListFilter):
                if lookup == item.parameter_name:
                    return True
            elif isinstance(item, (list, tuple)):
                paths.add(item[0])
            elif isinstance(item, str):
                paths.add(item)
        for path in paths:
            if lookup == path:
                return True
            if not lookup.startswith(path + "__"):
                continue
            rest = lookup[len(path) + 2 :].split("__")
            if rest[-1] not in FILTER_LOOKUPS or len(rest) > 2:
                continue
            if len(rest) == 1:
                return True
            # A relation filter names the related row by its key: branch__id__exact.
            try:
                field = get_fields_from_path(self.model, path)[-1]
            except (FieldDoesNotExist, AttributeError):
                continue
            related = getattr(field, "related_model", None)
            keys = {"pk", related._meta.pk.name} if related is not None else set()
            target = getattr(field, "target_field", None)
            if target is not None:
                keys.add(target.name)
            if rest[0] in keys:
                return True
        return False

    def lookup_allowed(self, lookup, value, request=None):
        # Raw-id popups filter by the foreign key's limit_choices_to (Django's own rule).
        for fk_lookup in self.model._meta.related_fkey_lookups:
            if callable(fk_lookup):
                fk_lookup = fk_lookup()
            if (lookup, value) in widgets.url_params_from_lookup_dict(fk_lookup).items():
                return True
        return self._declared_lookup(lookup, request)

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except DisallowedModelAdminLookup as exc:
            # The changelist (and the export reusing it) answer like any invalid filter.
            security_logger.warning("%s (user %s)", exc, request.user.pk)
            raise IncorrectLookupParameters(str(exc)) from exc


class PortalAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete view (scoped through the related admin's ``get_queryset`` and
    search) with the label the related admin chooses: ``autocomplete_label(obj)`` tells
    people with the same name apart; ``autocomplete_select_related`` fetches what it reads.
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        if not queryset.ordered:
            # Paged 20 at a time: without a total order a row can repeat or go missing between
            # pages (teams, courses and events have no default ordering).
            queryset = queryset.order_by(*self.model_admin.get_ordering(self.request), "-pk")
        related = getattr(self.model_admin, "autocomplete_select_related", None)
        return queryset.select_related(*related) if related else queryset

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        label = getattr(self.model_admin, "autocomplete_label", None)
        if label is not None:
            result["text"] = label(obj)
        return result


# The list columns that name a row's branch (an officer's rows are all of their branch).
OWN_BRANCH_COLUMNS = frozenset({"branch", "branch_name", "branch_display"})


class ScopedModelAdmin(ScopedObjectPermissionMixin, ScopedFormFieldsMixin, PortalModelAdmin):
    """Base ModelAdmin for every branch-owned model (the meta-test enforces it).

    An officer's new rows are forced into the officer's branch when the model has a
    direct ``branch`` field (``branch_for_new_row``, the rule every door shares); officers cannot move rows between branches here (that is
    a transfer, with its own approval).
    """

    list_per_page = 50
    show_full_result_count = False
    paginator = CappedCountPaginator

    def is_association(self, request) -> bool:
        return is_association_staff(request.user)

    def get_list_display(self, request):
        # An officer's lists hold one branch: its column only takes the width others need.
        columns = super().get_list_display(request)
        if self.is_association(request):
            return columns
        return [c for c in columns if c not in OWN_BRANCH_COLUMNS] or columns

    def _has_direct_branch(self) -> bool:
        return self.model.branch_path == "branch"

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._has_direct_branch() and not self.is_association(request) and "branch" not in fields:
            fields.append("branch")
        return fields

    def save_model(self, request, obj, form, change):
        if self._has_direct_branch() and not change:
            obj.branch_id = branch_for_new_row(request.user, obj.branch_id)
        super().save_model(request, obj, form, change)

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django redirects to the index with "… doesn't exist"; we answer 404 instead, the
        # same for another branch's object and for a missing one (docs/security.md).
        raise Http404

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # A row an officer writes stays in the officer's scope (a safety net behind the
        # scoped choices and the forced branch); this runs inside the change view's
        # transaction, so refusing here writes nothing.
        obj = form.instance
        if obj.pk is not None and not self.is_association(request) and not self._visible(request, obj):
            raise PermissionDenied

    # History views fetch through the scoped queryset first: simple-history would fall
    # back to the latest historical record of an object the user cannot see.
    def _require_visible(self, request, object_id):
        object_id = self._clean_id(self.model._meta.pk, object_id)
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404

    def history_view(self, request, object_id, extra_context=None):
        if not self.has_history:
            raise Http404
        if not self.is_association(request):
            self._require_visible(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        if not self.has_history:
            raise Http404
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
