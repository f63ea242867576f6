"""The base FilterSet of every API list: numbers, years and dates from the query string are bounded.

django-filter's NumberFilter parses any decimal (``1e999999999`` included) and DateFilter
any date, and hands them to the ORM: a year lookup past 9999 raises in ``datetime.date``
and a huge integer costs the server to convert. Every FilterSet of the API derives from
``BoundedFilterSet``, which gives each number a range (years 1900..2100, other numbers a
64-bit integer) and each date the registry's date range, so bad input answers 400 with a
Chinese message before any query runs. Declared and model-generated filters alike.
"""

import django_filters
from django.core.exceptions import ValidationError

from core.parsing import ID_MAX, parse_int, validate_reasonable_date, validate_reasonable_year


def validate_filter_integer(value) -> None:
    """A whole number a 64-bit column can hold (ids, counts, levels)."""
    if value is None:
        return
    if parse_int(str(value), min_value=-ID_MAX, max_value=ID_MAX) is None:
        raise ValidationError("请输入有效的整数。", code="invalid_integer")


def _is_year(name: str, filter_) -> bool:
    field_name = str(filter_.field_name or name)
    return (
        filter_.lookup_expr in ("year", "iso_year")
        or field_name.split("__")[-1] == "year"
        or name.endswith("year")
    )


def bound_filter(name: str, filter_) -> None:
    """Attach the range validator that fits the filter (in place; filters belong to their FilterSet)."""
    if isinstance(filter_, django_filters.NumberFilter):
        validator = validate_reasonable_year if _is_year(name, filter_) else validate_filter_integer
    elif isinstance(filter_, django_filters.DateFilter | django_filters.DateTimeFilter):
        validator = validate_reasonable_date
    else:
        return
    validators = list(filter_.extra.get("validators", []))
    if validator not in validators:
        filter_.extra["validators"] = [*validators, validator]


class BoundedFilterSet(django_filters.FilterSet):
    """Base of every API FilterSet: every number and date filter carries a range validator."""

    @classmethod
    def get_filters(cls):
        filters = super().get_filters()
        for name, filter_ in filters.items():
            bound_filter(name, filter_)
        return filters
