"""Changelist filters of the registry that do not multiply rows (Exists, not joins)."""

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from core.dates import years_before
from core.parsing import parse_year
from members.models import Honor


class HonorExistsFilter(admin.SimpleListFilter):
    """Members holding at least one honour with a given value of one field."""

    honor_field: str

    def honor_filter(self, value):
        return {self.honor_field: value}

    def queryset(self, request, queryset):
        value = self.value()
        if value in (None, ""):
            return queryset
        try:
            honors = Honor.objects.filter(member=OuterRef("pk"), **self.honor_filter(value))
        except (ValueError, ValidationError) as exc:
            # A value typed into the URL (?honor_level=abc): the admin's "invalid filter" redirect.
            raise IncorrectLookupParameters(exc) from exc
        return queryset.filter(Exists(honors))


class HonorKindFilter(HonorExistsFilter):
    title = "荣誉类别"
    parameter_name = "honor_kind"
    honor_field = "kind"

    def lookups(self, request, model_admin):
        return Honor.Kind.choices


class HonorLevelFilter(HonorExistsFilter):
    title = "荣誉级别"
    parameter_name = "honor_level"
    honor_field = "level"

    def lookups(self, request, model_admin):
        return [(str(v), label) for v, label in Honor.Level.choices]


class HonorYearFilter(HonorExistsFilter):
    title = "授予年份"
    parameter_name = "honor_year"
    honor_field = "year"

    def lookups(self, request, model_admin):
        # A fixed range, not a DISTINCT over every honour: cheap at any registry size.
        this_year = datetime.date.today().year
        return [(str(y), f"{y}年") for y in range(this_year, this_year - 15, -1)]

    def honor_filter(self, value):
        year = parse_year(value)
        return {"pk__in": []} if year is None else {"year": year}


AGE_BANDS = [
    ("lt40", "40岁以下", 0, 39),
    ("40s", "40–49岁", 40, 49),
    ("50s", "50–59岁", 50, 59),
    ("60s", "60–69岁", 60, 69),
    ("70s", "70–79岁", 70, 79),
    ("80plus", "80岁及以上", 80, 150),
]


def birth_range_for_ages(low: int, high: int, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """Birth dates of people aged low..high (inclusive) on ``today``."""

    oldest = years_before(today, high + 1) + datetime.timedelta(days=1)
    youngest = years_before(today, low)
    return oldest, youngest


class AgeBandFilter(admin.SimpleListFilter):
    title = "年龄段"
    parameter_name = "age_band"

    def lookups(self, request, model_admin):
        return [(code, label) for code, label, _, _ in AGE_BANDS]

    def queryset(self, request, queryset):
        for code, _, low, high in AGE_BANDS:
            if self.value() == code:
                oldest, youngest = birth_range_for_ages(low, high, datetime.date.today())
                return queryset.filter(birth_date__gte=oldest, birth_date__lte=youngest)
        return queryset
