"""Malformed ids at the admin's doors: one mixin that the admin site gives every ModelAdmin.

Django's admin turns some posted ids into queries without cleaning them: the ids of an
action (``_selected_action``) and the values an autocomplete widget redraws after a form
error. Text where a number belongs, or a number past 64 bits, then raises inside the
query (a 500; on PostgreSQL a NUL or an out-of-range integer aborts the transaction).
``PortalAdminSite.register`` mixes ``AdminInputMixin`` into every registered admin, the
library's included, so no admin can miss it.
"""

import functools

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.widgets import AutocompleteMixin, AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models

from core.parsing import INT_MAX, INT_MIN, contains_nul, parse_int
from core.widgets import PhoneInput, is_phone_field_name

INVALID_SELECTION = "所选对象无效，未执行任何操作。"
DATE_PARTS = {"year": (1, 9999), "month": (1, 12), "day": (1, 31)}


def valid_keys(field, values) -> list:
    """The values that ``field`` can look up, cleaned; anything malformed is left out."""
    keys = []
    for value in values:
        try:
            key = field.to_python(value)
            field.get_prep_value(key)
        except (ValidationError, ValueError, TypeError, OverflowError):
            continue
        # The widest integer key any backend stores (PostgreSQL bigint, SQLite INTEGER).
        if isinstance(key, int) and not INT_MIN <= key <= INT_MAX:
            continue
        if contains_nul(key):
            continue
        keys.append(key)
    return keys


class SafeAutocompleteMixin(AutocompleteMixin):
    """Redraws only the submitted values that can be looked up (a form error shows the rest as missing)."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        to_name = getattr(remote, "field_name", None)  # a ManyToManyRel has none: the pk
        to_field = remote.model._meta.get_field(to_name) if to_name else remote.model._meta.pk
        cleaned = {str(key) for key in valid_keys(to_field, [v for v in value if v not in (None, "")])}
        return super().optgroups(name, [v for v in value if str(v) in cleaned], attr)


class SafeAutocompleteSelect(SafeAutocompleteMixin, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(SafeAutocompleteMixin, AutocompleteSelectMultiple):
    pass


SAFE_WIDGETS = {AutocompleteSelect: SafeAutocompleteSelect, AutocompleteSelectMultiple: SafeAutocompleteSelectMultiple}


class SafeModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Refuses malformed ids before Django's ``__in`` query (a 20-digit id overflows SQLite)."""

    def _check_values(self, value):
        model = self.queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        for pk in value:
            if not valid_keys(field, [pk]):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class PhoneWidgetsMixin:
    """Text fields named ``…mobile`` / ``…phone`` as ``type=tel``: a phone's keypad in the admin too.

    ``inputmode=tel`` (digits, -, +): these fields also take a landline with its area code.
    """

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.CharField) and not db_field.choices and is_phone_field_name(db_field.name):
            kwargs.setdefault("widget", PhoneInput(attrs={"class": "vTextField"}, inputmode="tel"))
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class SafeWidgetsMixin(PhoneWidgetsMixin):
    """Autocomplete widgets and many-to-many fields that handle only ids that can be looked up."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if type(formfield) is forms.ModelMultipleChoiceField:
            formfield.__class__ = SafeModelMultipleChoiceField
        if formfield is not None:
            inner = getattr(formfield.widget, "widget", formfield.widget)  # RelatedFieldWidgetWrapper
            safe = SAFE_WIDGETS.get(type(inner))
            if safe is not None:
                inner.__class__ = safe
                # The chosen row is redrawn with the label the search results show.
                related_admin = self.admin_site._registry.get(db_field.remote_field.model)
                label = getattr(related_admin, "autocomplete_label", None)
                if label is not None:
                    formfield.label_from_instance = label
        return formfield


@functools.cache
def _with_safe_widgets(inline_class):
    return type(inline_class.__name__, (SafeWidgetsMixin, inline_class), {"__module__": inline_class.__module__})


class AdminInputMixin(SafeWidgetsMixin):
    """Cleans the ids the admin would otherwise hand to the database as they came."""

    def response_action(self, request, queryset):
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if len(valid_keys(self.model._meta.pk, selected)) != len(selected):
            # None makes the changelist redirect back with the message: nothing was run.
            self.message_user(request, INVALID_SELECTION, messages.WARNING)
            return None
        return super().response_action(request, queryset)

    def get_changelist_instance(self, request):
        # Django parses the date drill-down's year, month and day with int() and catches
        # ValueError only: a 20-digit year overflows (a 500). Out of range is an invalid filter.
        if self.date_hierarchy:
            for part, (low, high) in DATE_PARTS.items():
                value = request.GET.get(f"{self.date_hierarchy}__{part}")
                if value is not None and parse_int(value, min_value=low, max_value=high) is None:
                    raise IncorrectLookupParameters(f"invalid {part}")
        return super().get_changelist_instance(request)

    def get_inline_instances(self, request, obj=None):
        # Inlines are not registered with the site: their widgets are made safe here.
        inlines = super().get_inline_instances(request, obj)
        for inline in inlines:
            if not isinstance(inline, SafeWidgetsMixin):
                inline.__class__ = _with_safe_widgets(type(inline))
        return inlines
