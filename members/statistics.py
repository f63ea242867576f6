"""Registry statistics: members by branch × category × highest honour level, gender × age band, honours per year.

Two sources with one output: the statistics snapshot (precomputed counts, refreshed every
few minutes by Celery beat) when the filters can be answered from its keys, else the live
registry. Both go through ``visible_to(user)``.
"""

import datetime

from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.crosstab import counts_by, crosstab
from core.tasks import portal_task
from members.querysets import AGE_BANDS, birth_range_for_ages

from .models import Branch, Honor, Member, RegistryChange, StatisticsSnapshot

NO_HONOR = "无荣誉"
REFRESH_QUEUED_KEY = "members:statistics-refresh-queued"
REFRESH_QUEUED_SECONDS = 30 * 60
LIVE_NOW = "数据为实时统计（{time}）"
LIVE_HONOR_FILTER = "按授予年份筛选，数据为实时统计（{time}）"
LIVE_INVALID = "筛选条件有误，请修改后重新筛选"
RECENT_YEARS = 15  # award years listed one by one; earlier ones per decade


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

    def branches(self, branches) -> list[tuple[int, str]]:
        """(pk, name) of the branches the tables list: the visible ones, or the one chosen."""
        data = self._data()
        if data.get("branch"):
            branches = branches.filter(pk=data["branch"].pk)
        else:
            branches = branches.filter(active=True)
        return list(branches.order_by("sort_order", "pk").values_list("pk", "name"))

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
    """The snapshot when it is today's and no member or honour changed since it was counted;
    else None (the pages count live, which is always right) with a refresh requested.

    One query: the registry's change counter is compared in the same statement.
    """
    version = Coalesce(Subquery(RegistryChange.objects.filter(pk=1).values("version")[:1]), Value(0))
    snapshot = StatisticsSnapshot.objects.filter(pk=1, as_of=today, registry_version=version).first()
    if snapshot is None:
        statistics_snapshot_request()
    return snapshot


def registry_changed() -> None:
    """Members or honours changed: once this transaction commits, bump the change counter, which
    makes the snapshot stale (the pages count live until a refresh has run).

    Once per transaction however many rows it writes, and after the commit, so that a long
    import does not hold the counter's row locked (every other save would wait for it).
    """
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        isinstance(entry[1], _RegistryBump) and not entry[1].ran for entry in connection.run_on_commit
    ):
        return
    transaction.on_commit(_RegistryBump())


class _RegistryBump:
    """The after-commit bump; ``ran`` tells a later write of the same transaction it is pending."""

    ran = False

    def __call__(self) -> None:
        self.ran = True
        now = timezone.now()
        if not RegistryChange.objects.filter(pk=1).update(version=F("version") + 1, changed_at=now):
            RegistryChange.objects.get_or_create(pk=1, defaults={"version": 1, "changed_at": now})


def statistics_snapshot_request() -> None:
    """Ask Celery for a refresh once this transaction commits, unless one is already queued and
    not yet started.

    A refresh that is running does not count: it may have read the registry before the
    change, so another one is queued behind it (the task forgets the queued mark when it
    starts). A lost message is asked for again after REFRESH_QUEUED_SECONDS at the latest.
    """
    transaction.on_commit(_refresh_enqueue)


def _refresh_enqueue() -> None:
    statistics_refresh_enqueue()


def statistics_refresh_enqueue() -> str:
    """Queue a refresh now: "queued", "already" (one is queued and not yet started) or
    "unreachable" (the broker is down). Eager (no broker configured) runs it before returning."""
    if not cache.add(REFRESH_QUEUED_KEY, 1, timeout=REFRESH_QUEUED_SECONDS):
        return "already"
    if not portal_task("members.tasks.statistics_snapshot_refresh_task").enqueue():
        # Broker unreachable: do not try on every page view; beat or the next change retries.
        cache.set(REFRESH_QUEUED_KEY, 1, timeout=60)
        return "unreachable"
    return "queued"


def statistics_refresh_started() -> None:
    """A refresh starts counting: changes from now on need another refresh, so let them ask."""
    cache.delete(REFRESH_QUEUED_KEY)


def registry_version() -> int:
    return RegistryChange.objects.filter(pk=1).values_list("version", flat=True).first() or 0


def freshness(snapshot: StatisticsSnapshot | None, live_reason: str = LIVE_NOW) -> dict:
    """What the page says about its figures, in plain words: when they were counted."""
    if snapshot is None:
        now = timezone.localtime()
        return {"source": "live", "text": live_reason.format(time=f"{now:%H:%M}")}
    when = timezone.localtime(snapshot.computed_at)
    return {"source": "snapshot", "computed_at": when.isoformat(), "text": f"数据更新于 {when:%H:%M}"}


def registry_statistics(
    *, members, honors, branches, today: datetime.date | None = None, recent_years=RECENT_YEARS
) -> dict:
    """The crosstabs of the statistics page, live, from already scoped and filtered querysets.

    ``branches``: (pk, name) of the branches the rows list, in display order.
    """
    today = today or timezone.localdate()
    by_branch = (
        members.values_list("branch", "category", "top_honor_level").annotate(n=Count("pk")).order_by()
    )
    by_age = members.annotate(band=age_band_case(today)).values_list("band", "gender").annotate(n=Count("pk"))
    per_year = (
        honors.filter(member__in=members.values("pk")).values_list("year", "level").annotate(n=Count("pk"))
    )
    return registry_tables(by_branch, by_age.order_by(), per_year.order_by(), branches, recent_years)


def registry_statistics_from_snapshot(
    *, member_counts, honor_counts, branches, recent_years=RECENT_YEARS
) -> dict:
    """The same crosstabs, summed from already scoped and filtered snapshot rows."""
    by_branch = (
        member_counts.values_list("branch", "category", "top_honor_level").annotate(n=Sum("n")).order_by()
    )
    by_age = member_counts.values_list("age_band", "gender").annotate(n=Sum("n")).order_by()
    per_year = honor_counts.values_list("year", "level").annotate(n=Sum("n")).order_by()
    return registry_tables(by_branch, by_age, per_year, branches, recent_years)


LEVELS = list(Honor.Level.choices)  # 全国 → 省级 → 市级 → 区县级: the order of every table and chart
CATEGORIES = [
    (Member.Category.MODEL_WORKER, "劳模"),
    (Member.Category.CRAFTSMAN, "工匠"),
    (Member.Category.BOTH, "劳模、工匠"),
    (Member.Category.NONE, "未分类"),
]
OTHER_BAND = -1


def year_crosstab(years: dict, recent_years: int | None) -> dict:
    """授予年份 × 级别: the last ``recent_years`` years one by one, earlier ones per decade
    (a 60-year registry stays one screen); every year when ``recent_years`` is None."""
    found = sorted({y for y, _ in years}, reverse=True)
    if recent_years is None or len(found) <= recent_years:
        rows, counts = [(y, f"{y}年") for y in found], years
    else:
        first_recent = timezone.localdate().year - recent_years + 1

        def key(year):
            return year if year >= first_recent else year // 10 * 10

        counts = counts_by((key(y), level, n) for (y, level), n in years.items())
        rows = []
        for row_key in sorted({key(y) for y in found}, reverse=True):
            if row_key >= first_recent:
                rows.append((row_key, f"{row_key}年"))
            else:
                last = min(row_key + 9, first_recent - 1)
                rows.append((row_key, f"{row_key}–{last}年"))
    return crosstab(
        key="year_level", title="各年度授予荣誉（按级别）", corner="授予年份",
        rows=rows, columns=LEVELS, counts=counts, unit="项",
    )  # fmt: skip


def registry_tables(by_branch, by_age, per_year, branches, recent_years=RECENT_YEARS) -> dict:
    """(branch, category, top level, n), (age band, gender, n) and (year, level, n) rows as the
    page's crosstabs: 分会 × 类别, 分会 × 最高荣誉级别, 年龄段 × 性别, 授予年份 × 级别."""
    by_branch = list(by_branch)
    branch_rows = list(branches)
    listed = {pk for pk, _ in branch_rows}
    # A branch no longer listed (inactive, say) still has its members counted, under its name.
    missing = {b for b, _, _, _ in by_branch if b not in listed}
    if missing:
        branch_rows += list(
            Branch.objects.filter(pk__in=missing).order_by("sort_order", "pk").values_list("pk", "name")
        )
    by_category = counts_by((b, c or "", n) for b, c, _, n in by_branch)
    by_level = counts_by((b, lv, n) for b, _, lv, n in by_branch)
    ages = counts_by(by_age)
    years = counts_by(per_year)
    band_rows = [(i, label) for i, (_, label, _, _) in enumerate(AGE_BANDS)]
    if any(band == OTHER_BAND and n for (band, _), n in ages.items()):
        band_rows.append((OTHER_BAND, "出生日期不详"))
    tables = {
        "branch_category": crosstab(
            key="branch_category", title="各分会人数（按类别）", corner="分会",
            rows=branch_rows, columns=CATEGORIES, counts=by_category, unit="人",
        ),
        "branch_level": crosstab(
            key="branch_level", title="各分会人数（按最高荣誉级别）", corner="分会",
            rows=branch_rows, columns=[*LEVELS, (None, NO_HONOR)], counts=by_level, unit="人",
        ),
        "age_gender": crosstab(
            key="age_gender", title="年龄段与性别", corner="年龄段",
            rows=band_rows, columns=list(Member.Gender.choices), counts=ages, unit="人",
        ),
        "year_level": year_crosstab(years, recent_years),
    }  # fmt: skip
    return {"total": tables["branch_category"]["total"], "tables": tables}


TABLE_ORDER = ("branch_category", "branch_level", "age_gender", "year_level")
