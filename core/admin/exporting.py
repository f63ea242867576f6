"""导出Excel on every list staff work from: django-import-export, held to the portal's rules.

``ExcelExportMixin`` goes in the bases of a list's ModelAdmin (before the base admin) with
``resource_classes = [SomeResource]`` (a ``PortalResource``, declared in the app's
``admin/resources.py``). It adds import-export's export page (the 导出Excel button, which
carries the changelist's search and filters) and the 导出Excel（所选记录） action, and makes
them doors that fail closed:

- the rows are exactly the changelist's: ``get_changelist_instance(request).queryset``, the
  admin's scoped ``get_queryset`` with its search and declared filters; an undeclared or
  malformed filter is refused like on the list (a message and the list, no file);
- only users who may view the list export it; an officer exports their own branch only, an
  officer without a branch nothing; members and visitors never reach the admin;
- 身份证号, phones, addresses and health notes are masked as the registry export masks them
  (``members/exports.py``): for everyone by default, in full only for association staff who
  ask for it on the export page; the access log says so;
- every file is written by ``core.spreadsheets`` (the one formula neutraliser, text cells for
  numbers, widths, frozen bold header, dates as dates) and recorded with
  ``core.audit.access_log_record`` (format, row count, masked filter, fields);
- column headers are the model fields' verbose names, the page is in Chinese.
"""

import re

from django import forms
from django.contrib import messages
from django.contrib.admin.exceptions import DisallowedModelAdminLookup
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import FieldDoesNotExist, FieldError, PermissionDenied
from django.db import models
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from import_export import resources
from import_export.admin import ExportActionMixin
from import_export.formats.base_formats import CSV, XLSX
from import_export.forms import SelectableFieldsExportForm
from import_export.signals import post_export

from core.admin.base import HIDDEN_IN_HISTORY, HISTORY_MASKS
from core.admin.input import valid_keys
from core.audit import access_log_record, masked_filter
from core.idcard import mask_phone
from core.models import AccessLog
from core.roles import is_association_staff
from core.spreadsheets import XLSX_MIME, attachment, csv_bytes, xlsx_bytes

EXPORT_LABEL = "导出Excel"
EXPORT_SELECTED_LABEL = "导出Excel（所选记录）"
FULL_VALUES_LABEL = "包含完整的身份证号、手机号码、住址和健康信息（仅协会工作人员，将记入访问日志）"
NO_FIELD_SELECTED = "请至少勾选一列。"
INVALID_FILTER = "筛选条件无效，未导出。"
# Relation paths ending in one of these take the relation's name as their header:
# "member__name" is 劳模工匠, not 姓名.
NAMING_ATTRIBUTES = ("name", "title", "subject")


# A phone as people type it in free text: 7 or more digits, single spaces or dashes allowed
# between them (138 1234 5678, 138-1234-5678, +86 138…, 0571-87654321). Over-masking a long
# number that is not a phone is the safe side.
PHONE_IN_TEXT = re.compile(r"\+?\d(?:[ \t-]?\d){6,}")


def mask_phones_in_text(value):
    """Free text that may hold a phone (联系方式): every phone-like run masked, separators and all."""
    if not value:
        return value
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(re.sub(r"\D", "", m.group())), str(value))


def hidden(value):
    return HIDDEN_IN_HISTORY if value not in (None, "") else ""


# The same fields, and the same masks, as history shows to every role (core.admin.base).
SENSITIVE = {**HISTORY_MASKS, "contact": mask_phones_in_text, "special_needs": hidden}


class PortalResource(resources.ModelResource):
    """A list's export: verbose-name headers, display values, masked personal data.

    Declare ``Meta.model`` and ``Meta.fields`` (relation paths welcome: ``member__branch__name``);
    ``labels`` overrides a header, ``unmasked`` names fields that look personal but are not
    (a workshop's address). Choices export their labels, relations their ``str``, many-to-many
    fields their items joined by 、, booleans 是/否, dates as dates.
    """

    labels: dict[str, str] = {}
    unmasked: tuple[str, ...] = ()

    def __init__(self, *, full: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.full = full

    # ---- headers ------------------------------------------------------------------------

    @classmethod
    def column_label(cls, name: str) -> str:
        if name in cls.labels:
            return cls.labels[name]
        declared = cls.fields.get(name)
        if declared is not None and declared.column_name and declared.column_name != name:
            return str(declared.column_name)
        chain = cls._field_chain(name)
        if not chain:
            return name
        if len(chain) > 1 and name.split("__")[-1] in NAMING_ATTRIBUTES:
            return str(chain[-2].verbose_name)
        return str(getattr(chain[-1], "verbose_name", name))

    @classmethod
    def _field_chain(cls, path: str) -> list:
        model, chain = cls._meta.model, []
        for part in path.split("__"):
            if model is None:
                return []
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return []
            chain.append(field)
            model = field.related_model if field.is_relation else None
        return chain

    @classmethod
    def sensitive_fields(cls) -> list[str]:
        return [n for n in cls().get_export_order() if n.split("__")[-1] in SENSITIVE and n not in cls.unmasked]

    def get_export_headers(self, selected_fields=None):
        return [self.column_label(self.get_field_name(f)) for f in self.get_export_fields(selected_fields)]

    # ---- values -------------------------------------------------------------------------

    def filter_export(self, queryset, **kwargs):
        # One query for the forward relations the columns follow and one per many-to-many
        # column, not one per row.
        related, prefetched = set(), set()
        for name in self.get_export_order():
            chain, path = self._field_chain(name), []
            for field in chain:
                if not (field.concrete and (field.many_to_one or field.one_to_one)):
                    break
                path.append(field.name)
            if chain and chain[-1].many_to_many and len(path) == len(chain) - 1:
                prefetched.add(name)
            elif path:
                related.add("__".join(path))
        if related:
            queryset = queryset.select_related(*sorted(related))
        if prefetched:
            queryset = queryset.prefetch_related(*sorted(prefetched))
        return queryset

    def export_field(self, field, instance, **kwargs):
        name = self.get_field_name(field)
        dehydrate = field.get_dehydrate_method(name)
        if callable(dehydrate) or hasattr(self, dehydrate):
            value = super().export_field(field, instance, **kwargs)
        else:
            path = field.attribute or name
            if getattr(field.widget, "key_is_id", False) and path.endswith("_id"):
                path = path[:-3]
            value = self._value(instance, path)
        return self._mask(name, value, field.attribute)

    def _mask(self, name, value, attribute=None):
        if self.full or name in self.unmasked:
            return value
        for path in (name, attribute or ""):
            mask = SENSITIVE.get(path.split("__")[-1])
            if mask is not None:
                return mask(value)
        return value

    @staticmethod
    def _value(obj, path: str):
        parts = path.split("__")
        for index, part in enumerate(parts):
            if obj is None:
                return None
            try:
                field = obj._meta.get_field(part)
            except FieldDoesNotExist:
                field = None
            if index < len(parts) - 1:
                obj = getattr(obj, part, None)
                continue
            if field is not None and field.many_to_many:
                return "、".join(str(item) for item in getattr(obj, part).all())
            if field is not None and getattr(field, "choices", None):
                return getattr(obj, f"get_{part}_display")()
            value = getattr(obj, part, None)
            if callable(value) and not isinstance(value, models.Model):
                value = value()
            if isinstance(value, models.Model):
                return str(value)
            if isinstance(value, bool):
                return "是" if value else "否"
            return value
        return None


class PortalXLSX(XLSX):
    """Excel through core.spreadsheets: the format every file of the portal has."""

    def get_title(self):
        return "Excel（.xlsx）"

    def export_data(self, dataset, **kwargs):
        return xlsx_bytes(dataset.headers, list(dataset), title=dataset.title or "Sheet1")


class PortalCSV(CSV):
    def get_title(self):
        return "CSV（UTF-8）"

    def export_data(self, dataset, **kwargs):
        return csv_bytes(dataset.headers, list(dataset))


class ExportKeysField(forms.MultipleChoiceField):
    """The ids of the rows picked on the list: any id that can be a key (they only narrow the
    scoped queryset, so another branch's id exports nothing); a malformed one is refused."""

    widget = forms.MultipleHiddenInput

    def __init__(self, key_field, **kwargs):
        super().__init__(required=False, **kwargs)
        self.key_field = key_field

    def valid_value(self, value):
        return bool(valid_keys(self.key_field, [value]))


class PortalExportForm(SelectableFieldsExportForm):
    """import-export's export form in Chinese: headers as labels, Excel preselected."""

    def __init__(self, formats, resources, **kwargs):
        kwargs.setdefault("label_suffix", "：")
        super().__init__(formats, resources, **kwargs)
        self.fields["resource"].label = "导出内容"
        field = self.fields["format"]
        field.label = "文件格式"
        field.choices = [c for c in field.choices if c[0] != ""]
        field.initial = "0"

    def _get_field_label(self, resource, field_name):
        return resource.column_label(field_name) if hasattr(resource, "column_label") else field_name

    def _validate_any_field_selected(self, resource):
        if not getattr(self, "_selected_resource_fields", None):
            raise forms.ValidationError(NO_FIELD_SELECTED)


class ExcelExportMixin(ExportActionMixin):
    """The portal's 导出Excel for a list admin (see the module's docstring)."""

    export_formats = [PortalXLSX, PortalCSV]
    export_form_class = PortalExportForm
    export_template_name = "admin/import_export/export.html"
    # The export page, not an export button on every change form.
    show_change_form_export = False
    change_form_template = None

    # ---- who --------------------------------------------------------------------------

    def has_export_permission(self, request):
        return super().has_export_permission(request) and self.has_view_or_change_permission(request)

    def may_export_full(self, request) -> bool:
        return is_association_staff(request.user)

    # ---- which rows -------------------------------------------------------------------

    def get_export_queryset(self, request):
        """The changelist's own queryset: scoped, searched, filtered through its declared filters."""
        try:
            return self.get_changelist_instance(request).queryset
        except DisallowedModelAdminLookup as exc:  # admins outside PortalModelAdmin
            raise IncorrectLookupParameters(str(exc)) from exc

    # ---- the page -----------------------------------------------------------------------

    def _export_form(self, request, *, data=None, initial=None, items=False):
        form = self.get_export_form_class()(
            self.get_export_formats(), self.get_export_resource_classes(request), data=data, initial=initial
        )
        if items:
            form.fields["export_items"] = ExportKeysField(self.model._meta.pk)
        if self.may_export_full(request) and any(
            getattr(r, "sensitive_fields", list)() for r in self.get_export_resource_classes(request)
        ):
            form.fields["full_values"] = forms.BooleanField(label=FULL_VALUES_LABEL, required=False)
        return form

    def _changelist_url(self, request, query: str = "") -> str:
        opts = self.model._meta
        url = reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_changelist")
        return url + query

    def export_action(self, request):
        if not self.has_export_permission(request):
            raise PermissionDenied
        try:
            queryset = self.get_export_queryset(request)
        except IncorrectLookupParameters:
            self.message_user(request, INVALID_FILTER, messages.ERROR)
            return HttpResponseRedirect(self._changelist_url(request, "?e=1"))
        data = request.POST if request.method == "POST" else None
        form = self._export_form(request, data=data, items=bool(data) and "export_items" in data)
        if form.is_bound and form.is_valid():
            items = form.cleaned_data.get("export_items")
            if "export_items" in form.fields and items:
                queryset = queryset.filter(pk__in=valid_keys(self.model._meta.pk, items))
            try:
                return self.export_response(request, queryset, form)
            except (ValueError, FieldError) as exc:
                self.message_user(request, str(exc), messages.ERROR)
        # The form posts back to this address, the list's filters with it.
        return self._export_page(request, form, row_count=queryset.count(), export_url=request.get_full_path())

    def export_admin_action(self, request, queryset):
        """The list action: the export page for the ticked rows."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        keys = [str(pk) for pk in queryset.values_list("pk", flat=True)]
        form = self._export_form(request, initial={"export_items": keys}, items=True)
        url = reverse(f"{self.admin_site.name}:{self.model._meta.app_label}_{self.model._meta.model_name}_export")
        if request.GET:
            url += "?" + request.GET.urlencode()
        return self._export_page(request, form, export_url=url, selected=len(keys))

    def _export_page(self, request, form, **extra):
        context = self.init_request_context_data(request, form)
        masked = any(getattr(r, "sensitive_fields", list)() for r in self.get_export_resource_classes(request))
        context.update(
            title=f"{EXPORT_LABEL}：{self.model._meta.verbose_name_plural}", subtitle=None,
            masked_columns=masked, offers_full="full_values" in form.fields, **extra,
        )  # fmt: skip
        request.current_app = self.admin_site.name
        return TemplateResponse(request, [self.export_template_name], context)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if "export_admin_action" in actions:
            func, name, _label = actions["export_admin_action"]
            actions["export_admin_action"] = (func, name, EXPORT_SELECTED_LABEL)
        return actions

    # ---- the file -----------------------------------------------------------------------

    def export_response(self, request, queryset, form):
        file_format = self.get_export_formats()[int(form.cleaned_data["format"])]()
        resource_class = self.choose_export_resource_class(form, request)
        full = bool(form.cleaned_data.get("full_values")) and self.may_export_full(request)
        resource = resource_class(full=full, **self.get_export_resource_kwargs(request))
        fields = self.get_export_resource_fields_from_form(form)
        dataset = resource.export(queryset=queryset, export_fields=fields, force_native_type=True)
        title = str(self.model._meta.verbose_name_plural)
        dataset.title = title
        content = file_format.export_data(dataset)
        extension = file_format.get_extension()
        access_log_record(
            user=request.user, action=AccessLog.Action.EXPORT, target=title, request=request,
            detail={"format": extension, "full_values": full, "filter": masked_filter(request.GET),
                    "fields": list(dataset.headers), "selected": "export_items" in form.fields},
            row_count=len(dataset),
        )  # fmt: skip
        post_export.send(sender=None, model=self.model)
        today = timezone.localdate()
        content_type = XLSX_MIME if extension == "xlsx" else "text/csv; charset=utf-8"
        return attachment(content, f"{title}-{today:%Y%m%d}.{extension}", content_type)

