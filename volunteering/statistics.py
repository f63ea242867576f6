"""Yearly statistics per branch and category, and the 双百工程 progress (reads only).

Each figure is aggregated by its own query from its own table: summing hours over a join
with the beneficiaries (or counting people per category and adding the categories up)
would count a participation once per beneficiary, and a person once per category. Totals
per branch and for the whole year are therefore separate aggregates, not sums of rows.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum

from core.crosstab import crosstab
from members.models import Branch

from .models import Course, Donation, EventBeneficiary, Participation, ServiceEvent

CLASS_GOAL = 100  # 双百工程: a hundred classes…
TEACHER_GOAL = 100  # …given by a hundred model workers and craftsmen.
CATEGORY_LABELS = dict(ServiceEvent.Category.choices)
TOTAL = "__total__"


@dataclass
class Figures:
    """The figures of one cell of the table (a branch and category, a branch, or the year)."""

    events: int = 0
    audience: int = 0
    hours: Decimal = Decimal("0")
    participations: int = 0
    people: int = 0
    beneficiaries: int = 0
    small_micro: int = 0
    donation_money: Decimal = Decimal("0")
    donation_goods: Decimal = Decimal("0")


@dataclass
class YearStatistics:
    year: int
    branches: list[Branch]
    cells: dict = field(default_factory=dict)  # (branch_id | TOTAL, category | TOTAL) -> Figures

    def cell(self, branch_id, category=TOTAL) -> Figures:
        return self.cells.setdefault((branch_id, category), Figures())

    @property
    def total(self) -> Figures:
        return self.cell(TOTAL, TOTAL)

    def rows(self):
        """(branch, category label, Figures) rows: each branch's categories, then its subtotal."""
        for branch in self.branches:
            for category, label in CATEGORY_LABELS.items():
                figures = self.cells.get((branch.pk, category))
                if figures is not None:
                    yield branch.name, label, figures
            yield branch.name, "小计", self.cell(branch.pk)
        yield "全部", "合计", self.total


def _fill(stats, rows, branch_key, category_key, **names):
    for row in rows:
        branch_id = row[branch_key] if branch_key else TOTAL
        category = row[category_key] if category_key else TOTAL
        figures = stats.cell(branch_id, category)
        for attr, key in names.items():
            setattr(figures, attr, row[key] or 0)


def _grouped(queryset, branch_field, category_field, **aggregates):
    """The same aggregates by (branch, category), by branch and overall."""
    yield branch_field, category_field, queryset.values(branch_field, category_field).annotate(**aggregates)
    yield branch_field, None, queryset.values(branch_field).annotate(**aggregates)
    yield None, None, [queryset.aggregate(**aggregates)]


def yearly_statistics(*, user, year: int) -> YearStatistics:
    """Events, hours, distinct people, beneficiaries and donations of one year, as ``user`` may see."""
    events = ServiceEvent.objects.visible_to(user).done().in_year(year)
    participations = Participation.objects.visible_to(user).counted().filter(event__date__year=year)
    served = EventBeneficiary.objects.visible_to(user).filter(event__status="done", event__date__year=year)
    donations = Donation.objects.visible_to(user).in_year(year)

    stats = YearStatistics(year=year, branches=[])
    for b, c, rows in _grouped(
        events, "team__branch", "category", n_events=Count("pk"), n_audience=Sum("audience_count")
    ):
        _fill(stats, rows, b, c, events="n_events", audience="n_audience")
    for b, c, rows in _grouped(
        participations,
        "event__team__branch",
        "event__category",
        n_hours=Sum("hours"),
        n_parts=Count("pk"),
        n_people=Count("member", distinct=True),
    ):
        _fill(stats, rows, b, c, hours="n_hours", participations="n_parts", people="n_people")
    for b, c, rows in _grouped(
        served,
        "event__team__branch",
        "event__category",
        n_orgs=Count("beneficiary", distinct=True),
        n_small=Count("beneficiary", distinct=True, filter=Q(beneficiary__is_small_micro=True)),
    ):
        _fill(stats, rows, b, c, beneficiaries="n_orgs", small_micro="n_small")
    money, goods = Sum("value", filter=Q(kind="money")), Sum("value", filter=Q(kind="goods"))
    for row in donations.values("branch").annotate(money=money, goods=goods):
        figures = stats.cell(row["branch"])
        figures.donation_money, figures.donation_goods = row["money"] or 0, row["goods"] or 0
    overall = donations.aggregate(money=money, goods=goods)
    stats.total.donation_money, stats.total.donation_goods = overall["money"] or 0, overall["goods"] or 0

    branch_ids = {key[0] for key in stats.cells if key[0] != TOTAL}
    stats.branches = list(Branch.objects.filter(pk__in=branch_ids).order_by("sort_order", "pk"))
    return stats


def category_totals(*, user, year: int) -> dict[str, Figures]:
    """Figures per category across the branches the user sees (distinct people per category)."""
    stats = YearStatistics(year=year, branches=[])
    events = ServiceEvent.objects.visible_to(user).done().in_year(year)
    participations = Participation.objects.visible_to(user).counted().filter(event__date__year=year)
    _fill(stats, events.values("category").annotate(n=Count("pk")), None, "category", events="n")
    _fill(
        stats,
        participations.values("event__category").annotate(h=Sum("hours"), p=Count("member", distinct=True)),
        None,
        "event__category",
        hours="h",
        people="p",
    )
    return {category: stats.cell(TOTAL, category) for category in CATEGORY_LABELS}


STAT_HEADERS = [
    "分会",
    "类别",
    "活动次数",
    "服务时长（小时）",
    "参与人次",
    "参与人数（去重）",
    "服务单位数",
    "其中中小微企业",
    "受益人数",
    "捐赠资金（元）",
    "捐赠物资折价（元）",
]


def statistics_table(stats: YearStatistics):
    """The rows of the statistics sheet (donations are per branch, so only on subtotal rows)."""
    for branch, label, f in stats.rows():
        subtotal = label in ("小计", "合计")
        yield [
            branch,
            label,
            f.events,
            f.hours,
            f.participations,
            f.people,
            f.beneficiaries,
            f.small_micro,
            f.audience,
            f.donation_money if subtotal else None,
            f.donation_goods if subtotal else None,
        ]


@dataclass
class DoubleHundredProgress:
    teachers: int
    classes: int
    catalogue_courses: int
    catalogue_teachers: int
    teacher_goal: int = TEACHER_GOAL
    class_goal: int = CLASS_GOAL

    @staticmethod
    def _percent(value, goal):
        return min(100, round(100 * value / goal)) if goal else 100

    @property
    def teacher_percent(self) -> int:
        return self._percent(self.teachers, self.teacher_goal)

    @property
    def class_percent(self) -> int:
        return self._percent(self.classes, self.class_goal)

    @property
    def achieved(self) -> bool:
        return self.teachers >= self.teacher_goal and self.classes >= self.class_goal


def double_hundred_progress(*, user, year: int | None = None) -> DoubleHundredProgress:
    """双百工程 progress: distinct teachers who have given a class and classes given (completed
    送课 events linked to a catalogue course), over all years or one year."""
    given = ServiceEvent.objects.visible_to(user).classes_given()
    if year is not None:
        given = given.in_year(year)
    figures = given.aggregate(classes=Count("pk"), teachers=Count("course__teacher", distinct=True))
    catalogue = (
        Course.objects.visible_to(user)
        .active()
        .aggregate(courses=Count("pk"), teachers=Count("teacher", distinct=True))
    )
    return DoubleHundredProgress(
        teachers=figures["teachers"],
        classes=figures["classes"],
        catalogue_courses=catalogue["courses"],
        catalogue_teachers=catalogue["teachers"],
    )


def statistics_crosstabs(stats: YearStatistics) -> dict:
    """分会 × 类别 crosstabs of events and hours (both add up: an event has one branch and one
    category), with 合计 row and column."""
    branches = [(b.pk, b.name) for b in stats.branches]
    categories = list(CATEGORY_LABELS.items())
    cells = {key: figures for key, figures in stats.cells.items() if TOTAL not in key}
    return {
        "events": crosstab(
            key="events", title=f"{stats.year}年各分会服务活动次数（按类别）", corner="分会",
            rows=branches, columns=categories, counts={k: f.events for k, f in cells.items()}, unit="次",
        ),
        "hours": crosstab(
            key="hours", title=f"{stats.year}年各分会服务时长（小时，按类别）", corner="分会",
            rows=branches, columns=categories, counts={k: f.hours for k, f in cells.items()}, unit="小时",
        ),
    }  # fmt: skip
