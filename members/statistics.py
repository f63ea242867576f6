"""Registry statistics: members by branch × category × highest honour level, gender × age band, honours per year.

Two sources with one output: the statistics snapshot (precomputed counts, refreshed every
few minutes by Celery beat) when the filters can be answered from its keys, else the live
registry. Both go through ``visible_to(user)``.
"""

import datetime

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Sum, Value, When
from django.utils import timezone

from core.tasks import portal_task
from members.querysets import AGE_BANDS, birth_range_for_ages

from .models import Branch, Honor, Member, StatisticsSnapshot

NO_HONOR = "无荣誉"
REFRESH_REQUESTED_KEY = "members:statistics-snapshot-refresh-requested"
LIVE_NO_SNAPSHOT = "统计快照尚未生成或已过期，本页为实时计算；快照正在后台生成"
LIVE_HONOR_FILTER = "按授予年份筛选时实时计算"


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

    def _data(self) -> dict:
        return getattr(self, "cleaned_data", {}) if self.is_bound else {}

    def snapshot_servable(self) -> bool:
        """Branch, status and honour kind are keys of the snapshot; a range of award years is not
        (a member's honours of several years cannot be summed into "holds one in the range")."""
        data = self._data()
        return not (data.get("year_from") or data.get("year_to"))

    def member_counts(self, rows, kind_rows):
        """Snapshot member counts narrowed by the branch, status and honour-kind filters."""
        data = self._data()
        if data.get("honor_kind"):
            rows = kind_rows.filter(honor_kind=data["honor_kind"])
        if data.get("branch"):
            rows = rows.filter(branch=data["branch"])
        if data.get("status"):
            rows = rows.filter(status=data["status"])
        return rows

    def honor_counts(self, rows):
        """Snapshot honour counts narrowed by every filter (the member's branch and status too)."""
        data = self._data()
        if data.get("branch"):
            rows = rows.filter(branch=data["branch"])
        if data.get("status"):
            rows = rows.filter(member_status=data["status"])
        return self.honors(rows)  # kind, year and level are named as on Honor

    def honors(self, honors):
        data = self._data()
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


def age_band_case(today, field="birth_date"):
    """Index into AGE_BANDS of a member's age on ``today`` (-1 outside every band), in SQL."""
    whens = []
    for index, (_, _, low, high) in enumerate(AGE_BANDS):
        oldest, youngest = birth_range_for_ages(low, high, today)
        whens.append(When(**{f"{field}__gte": oldest, f"{field}__lte": youngest}, then=Value(index)))
    return Case(*whens, default=Value(-1), output_field=IntegerField())


def snapshot_current(today: datetime.date) -> StatisticsSnapshot | None:
    """Today's snapshot, or None (missing, or of another day: the age bands moved) with a refresh requested."""
    snapshot = StatisticsSnapshot.objects.filter(pk=1, as_of=today).first()
    if snapshot is None:
        statistics_snapshot_request()
    return snapshot


def statistics_snapshot_request() -> None:
    """Ask Celery for a refresh after this transaction commits, at most once in five minutes."""
    if cache.add(REFRESH_REQUESTED_KEY, 1, timeout=300):
        portal_task("members.tasks.statistics_snapshot_refresh_task").enqueue_after_commit()


def freshness(snapshot: StatisticsSnapshot | None, live_reason: str = LIVE_NO_SNAPSHOT) -> dict:
    """What the page says about its figures: when the snapshot was computed, or why they are live."""
    if snapshot is None:
        return {"source": "live", "text": f"实时统计（{live_reason}）"}
    minutes = settings.STATISTICS_SNAPSHOT_MINUTES
    when = timezone.localtime(snapshot.computed_at)
    return {
        "source": "snapshot",
        "computed_at": when.isoformat(),
        "text": f"统计数据更新于 {when:%Y-%m-%d %H:%M}，每{minutes}分钟更新（统计快照）",
    }


def registry_statistics(*, members, honors, today: datetime.date | None = None) -> dict:
    """The three tables of the statistics page, live, from already scoped and filtered querysets."""
    today = today or timezone.localdate()
    by_branch = (
        members.values("branch__name", "branch__sort_order", "category", "top_honor_level")
        .annotate(n=Count("pk"))
        .order_by("branch__sort_order", "branch__name", "category", "top_honor_level")
    )
    by_age = (
        members.annotate(band=age_band_case(today))
        .values("gender", "band")
        .annotate(n=Count("pk"))
        .order_by("band", "gender")
    )
    per_year = (
        honors.filter(member__in=members.values("pk"))
        .values("year", "level")
        .annotate(n=Count("pk"))
        .order_by("year", "level")
    )
    return _tables(by_branch, by_age, per_year, members.count())


def registry_statistics_from_snapshot(*, member_counts, honor_counts) -> dict:
    """The same three tables, summed from already scoped and filtered snapshot rows."""
    by_branch = (
        member_counts.values("branch__name", "branch__sort_order", "category", "top_honor_level")
        .annotate(n=Sum("n"))
        .order_by("branch__sort_order", "branch__name", "category", "top_honor_level")
    )
    by_age = (
        member_counts.values("gender", band=F("age_band")).annotate(n=Sum("n")).order_by("band", "gender")
    )
    per_year = honor_counts.values("year", "level").annotate(n=Sum("n")).order_by("year", "level")
    return _tables(by_branch, by_age, per_year, member_counts.aggregate(n=Sum("n"))["n"] or 0)


def _tables(by_branch, by_age, per_year, total) -> dict:
    levels = dict(Honor.Level.choices)
    categories = dict(Member.Category.choices)
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
    genders = dict(Member.Gender.choices)
    age_rows = [[genders.get(r["gender"], r["gender"]), bands.get(r["band"], "其他"), r["n"]] for r in by_age]
    year_rows = [[r["year"], levels.get(r["level"], r["level"]), r["n"]] for r in per_year]
    return {
        "total": total,
        "by_branch": {"headers": ["分会", "类别", "最高荣誉级别", "人数"], "rows": branch_rows},
        "by_age": {"headers": ["性别", "年龄段", "人数"], "rows": age_rows},
        "per_year": {"headers": ["授予年份", "级别", "荣誉数"], "rows": year_rows},
        "band_labels": [label for _, label, _, _ in AGE_BANDS],
        "level_labels": [label for _, label in Honor.Level.choices],
    }
