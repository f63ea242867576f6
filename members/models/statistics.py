"""The statistics snapshot: precomputed registry counts, replaced whole by one refresh.

At a province's size (a million members) the statistics page and the dashboard would scan
the registry on every view; they read these small tables instead, keyed so that the
branch and status filters (and the honours' kind and year) are sums over rows.
"""

from django.db import models

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager


class StatisticsSnapshot(models.Model):
    """The one row (pk 1) saying when the counts were computed and for which day.

    Age bands depend on the day: a snapshot of another day is stale and not served.
    """

    computed_at = models.DateTimeField("计算时间")
    as_of = models.DateField("统计日期")
    # RegistryChange.version read before counting: the snapshot is current while they agree.
    registry_version = models.PositiveBigIntegerField("名册版本", default=0)
    seconds = models.FloatField("耗时（秒）", default=0)
    member_rows = models.PositiveIntegerField(default=0)
    honor_rows = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = verbose_name_plural = "统计快照"

    def __str__(self):
        return f"统计快照 {self.computed_at:%Y-%m-%d %H:%M}"


class RegistryChange(models.Model):
    """The one row (pk 1) counting committed changes of members and honours.

    Bumped after every commit that changes the registry (a member or honour saved or
    deleted, an import); a snapshot computed from an older version is stale, and the pages
    count live until the next refresh has run. A row of its own, not a field of the
    snapshot: a refresh holds the snapshot row locked while it counts, and a member's save
    must not wait for it.
    """

    version = models.PositiveBigIntegerField("版本", default=0)
    changed_at = models.DateTimeField("最近修改", null=True)

    class Meta:
        verbose_name = verbose_name_plural = "名册修改计数"

    def __str__(self):
        return f"名册版本 {self.version}"


class MemberKeys(models.Model):
    """The keys members are counted by: branch, status, category, highest honour level, gender, age band."""

    branch = models.ForeignKey("members.Branch", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    category = models.CharField(max_length=20, blank=True)
    top_honor_level = models.PositiveSmallIntegerField(null=True)
    gender = models.CharField(max_length=1)
    age_band = models.SmallIntegerField(help_text="index into AGE_BANDS, -1 outside every band")
    n = models.PositiveIntegerField()

    branch_path = "branch"
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        abstract = True


class MemberCount(MemberKeys):
    """Members per (branch, status, category, highest honour level, gender, age band)."""

    class Meta:
        verbose_name = verbose_name_plural = "统计快照：人数"

    def __str__(self):
        return f"{self.branch_id}/{self.status}/{self.category}: {self.n}"


class MemberKindCount(MemberKeys):
    """Members holding at least one honour of a kind, per the same keys as MemberCount.

    Serves the statistics page's honour-kind filter, which selects members, not honours.
    """

    honor_kind = models.CharField(max_length=20)

    class Meta:
        verbose_name = verbose_name_plural = "统计快照：按荣誉类别的人数"

    def __str__(self):
        return f"{self.branch_id}/{self.honor_kind}/{self.status}: {self.n}"


class HonorCount(models.Model):
    """Honours per (branch of the member, status of the member, kind, year, level)."""

    branch = models.ForeignKey("members.Branch", on_delete=models.CASCADE, related_name="+")
    member_status = models.CharField(max_length=20)
    kind = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    level = models.PositiveSmallIntegerField()
    n = models.PositiveIntegerField()

    branch_path = "branch"
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        verbose_name = verbose_name_plural = "统计快照：荣誉数"

    def __str__(self):
        return f"{self.branch_id}/{self.kind}/{self.year}: {self.n}"
