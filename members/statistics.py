"""Registry statistics: members by branch × category × highest honour level, gender × age band, honours per year."""

import datetime

from django import forms
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Value, When

from .admin_filters import AGE_BANDS, birth_range_for_ages
from .models import Branch, Honor, Member

NO_HONOR = "无荣誉"


class StatisticsFilterForm(forms.Form):
    branch = forms.ModelChoiceField(
        label="分会", queryset=Branch.objects.none(), required=False, empty_label="全部"
    )
    status = forms.ChoiceField(label="状态", choices=[("", "全部"), *Member.Status.choices], required=False)
    honor_kind = forms.ChoiceField(
        label="荣誉类别", choices=[("", "全部"), *Honor.Kind.choices], required=False
    )
    year_from = forms.IntegerField(label="授予年份自", min_value=1950, max_value=2100, required=False)
    year_to = forms.IntegerField(label="至", min_value=1950, max_value=2100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Officers are scoped to their branch anyway; the choice only lists what they may see.
        self.fields["branch"].queryset = Branch.objects.visible_to(user)

    def honors(self, honors):
        data = self.cleaned_data
        if data.get("honor_kind"):
            honors = honors.filter(kind=data["honor_kind"])
        if data.get("year_from"):
            honors = honors.filter(year__gte=data["year_from"])
        if data.get("year_to"):
            honors = honors.filter(year__lte=data["year_to"])
        return honors

    def members(self, members):
        data = self.cleaned_data
        if data.get("branch"):
            members = members.filter(branch=data["branch"])
        if data.get("status"):
            members = members.filter(status=data["status"])
        if data.get("honor_kind") or data.get("year_from") or data.get("year_to"):
            members = members.filter(Exists(self.honors(Honor.objects.filter(member=OuterRef("pk")))))
        return members


def _age_band_case(today):
    whens = []
    for index, (_, _, low, high) in enumerate(AGE_BANDS):
        oldest, youngest = birth_range_for_ages(low, high, today)
        whens.append(When(birth_date__gte=oldest, birth_date__lte=youngest, then=Value(index)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def registry_statistics(*, members, honors, today: datetime.date | None = None) -> dict:
    """The three tables of the statistics page, from already scoped and filtered querysets."""
    today = today or datetime.date.today()
    levels = dict(Honor.Level.choices)
    categories = dict(Member.Category.choices)
    by_branch = (
        members.values("branch__name", "branch__sort_order", "category", "top_honor_level")
        .annotate(n=Count("pk"))
        .order_by("branch__sort_order", "branch__name", "category", "top_honor_level")
    )
    branch_rows = [
        [
            r["branch__name"],
            categories.get(r["category"], r["category"]),
            levels.get(r["top_honor_level"], NO_HONOR),
            r["n"],
        ]  # fmt: skip
        for r in by_branch
    ]
    bands = {index: label for index, (_, label, _, _) in enumerate(AGE_BANDS)}
    by_age = (
        members.annotate(band=_age_band_case(today))
        .values("gender", "band")
        .annotate(n=Count("pk"))
        .order_by("band")
    )
    genders = dict(Member.Gender.choices)
    age_rows = [[genders.get(r["gender"], r["gender"]), bands.get(r["band"], "其他"), r["n"]] for r in by_age]
    per_year = (
        honors.filter(member__in=members.values("pk"))
        .values("year", "level")
        .annotate(n=Count("pk"))
        .order_by("year", "level")
    )
    year_rows = [[r["year"], levels.get(r["level"], r["level"]), r["n"]] for r in per_year]
    return {
        "total": members.count(),
        "by_branch": {"headers": ["分会", "类别", "最高荣誉级别", "人数"], "rows": branch_rows},
        "by_age": {"headers": ["性别", "年龄段", "人数"], "rows": age_rows},
        "per_year": {"headers": ["授予年份", "级别", "荣誉数"], "rows": year_rows},
        "band_labels": [label for _, label, _, _ in AGE_BANDS],
        "level_labels": [label for _, label in Honor.Level.choices],
    }
