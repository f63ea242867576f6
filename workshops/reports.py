"""The coverage report: houses per branch, kind and status, and progress against the yearly target.

A read: every query goes through ``visible_to(user)``, so an officer's report holds only
the officer's branch and an officer without a branch gets an empty report.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from core.roles import is_association_staff
from members.models import Branch

from .models import CoverageTarget, Subsidy, Workshop

Status = Workshop.Status
Kind = Workshop.Kind
STATUS_COLUMNS = [
    Status.NAMED,
    Status.RECTIFYING,
    Status.APPLIED,
    Status.REVIEWED,
    Status.ACCEPTED,
    Status.REJECTED,
    Status.REVOKED,
]
KIND_COLUMNS = list(Kind)


@dataclass
class BranchRow:
    branch: Branch
    by_status: dict[str, int] = field(default_factory=dict)
    by_kind: dict[str, int] = field(default_factory=dict)
    named_by_year_end: int = 0
    named_in_year: int = 0
    target: int | None = None
    subsidy_in_year: Decimal = Decimal(0)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def named_now(self) -> int:
        return sum(self.by_status.get(s, 0) for s in Workshop.NAMED_STATUSES)

    @property
    def in_progress(self) -> int:
        return sum(self.by_status.get(s, 0) for s in Workshop.IN_PROGRESS_STATUSES)

    @property
    def status_counts(self) -> list[int]:
        return [self.by_status.get(s, 0) for s in STATUS_COLUMNS]

    @property
    def kind_counts(self) -> list[int]:
        return [self.by_kind.get(k, 0) for k in KIND_COLUMNS]

    @property
    def uncovered(self) -> bool:
        """No named house in this branch: the report highlights it."""
        return self.named_now == 0

    @property
    def progress(self) -> int | None:
        return _percent(self.named_by_year_end, self.target)


def _percent(done: int, target: int | None) -> int | None:
    if not target:
        return None
    return round(done * 100 / target)


@dataclass
class Coverage:
    year: int
    rows: list[BranchRow]
    city_target: int | None  # association staff only

    @property
    def totals(self) -> BranchRow:
        total = BranchRow(branch=None)
        for row in self.rows:
            for key, n in row.by_status.items():
                total.by_status[key] = total.by_status.get(key, 0) + n
            for key, n in row.by_kind.items():
                total.by_kind[key] = total.by_kind.get(key, 0) + n
            total.named_by_year_end += row.named_by_year_end
            total.named_in_year += row.named_in_year
            total.subsidy_in_year += row.subsidy_in_year
        total.target = self.city_target
        return total

    @property
    def uncovered(self) -> list[BranchRow]:
        return [r for r in self.rows if r.uncovered]


def coverage_report(*, user, year: int) -> Coverage:
    """Counts per visible branch for ``year`` (named houses are counted as of the year's end)."""
    branches = list(Branch.objects.visible_to(user).filter(active=True).order_by("sort_order", "pk"))
    rows = {b.pk: BranchRow(branch=b) for b in branches}
    houses = Workshop.objects.visible_to(user).filter(branch__in=rows)
    for item in houses.values("branch", "status", "kind").annotate(n=Count("pk")).order_by():
        row = rows[item["branch"]]
        row.by_status[item["status"]] = row.by_status.get(item["status"], 0) + item["n"]
        row.by_kind[item["kind"]] = row.by_kind.get(item["kind"], 0) + item["n"]
    for item in houses.named_by(year).values("branch").annotate(n=Count("pk")).order_by():
        rows[item["branch"]].named_by_year_end = item["n"]
    for item in houses.filter(named_on__year=year).values("branch").annotate(n=Count("pk")).order_by():
        rows[item["branch"]].named_in_year = item["n"]
    subsidies = Subsidy.objects.visible_to(user).filter(year=year, workshop__branch__in=rows)
    for item in subsidies.totals_by_branch():
        rows[item["workshop__branch"]].subsidy_in_year = item["total"]
    targets = CoverageTarget.objects.visible_to(user).filter(year=year, branch__in=rows)
    for target in targets:
        rows[target.branch_id].target = target.target_count
    city_target = None
    if is_association_staff(user):
        city = CoverageTarget.objects.filter(year=year, branch__isnull=True).first()
        city_target = city.target_count if city else None
    return Coverage(year=year, rows=list(rows.values()), city_target=city_target)


def coverage_table(coverage: Coverage) -> tuple[list[str], list[list]]:
    """Headers and rows of the report as a spreadsheet (one row per branch, then the total)."""
    headers = (
        ["分会"]
        + [k.label for k in KIND_COLUMNS]
        + [s.label for s in STATUS_COLUMNS]
        + [
            "合计",
            f"{coverage.year}年底累计命名",
            f"{coverage.year}年新命名",
            "目标",
            "完成率(%)",
            f"{coverage.year}年补助(元)",
            "覆盖情况",
        ]
    )

    def line(name, row, uncovered_label):
        return (
            [name]
            + [row.by_kind.get(k, 0) for k in KIND_COLUMNS]
            + [row.by_status.get(s, 0) for s in STATUS_COLUMNS]
            + [
                row.total,
                row.named_by_year_end,
                row.named_in_year,
                row.target,
                row.progress,
                row.subsidy_in_year,
                uncovered_label,
            ]
        )

    rows = [
        line(r.branch.name, r, "尚无已命名的劳模工匠之家" if r.uncovered else "已覆盖") for r in coverage.rows
    ]
    if coverage.rows:
        rows.append(line("合计", coverage.totals, f"未覆盖{len(coverage.uncovered)}个分会"))
    return headers, rows
