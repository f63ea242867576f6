"""Reads of the wellbeing app: scoped querysets.

Care: greetings of a day, budget spending, campaign progress, open hardship cases. Letters,
visits and calls: open, overdue and near-deadline cases, and statistics.
"""

from decimal import Decimal

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from core.querysets import ScopedQuerySet

ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=14, decimal_places=2))


class GreetingQuerySet(ScopedQuerySet):
    def on_day(self, day):
        """Greetings made for one day's birthdays."""
        return self.filter(birthday=day)

    def cake_list(self, day):
        """The cake-delivery list of one day (生日蛋糕配送名单), by branch then name."""
        return (
            self.on_day(day)
            .filter(channel="cake")
            .select_related("member", "member__branch")
            .order_by("member__branch__sort_order", "member__branch_id", "member__name", "member_id")
        )

    def retry_due(self, now):
        """Failed greetings whose back-off has elapsed."""
        return self.filter(status="failed", next_attempt_at__lte=now)


class CareBudgetQuerySet(ScopedQuerySet):
    def for_payer(self, *, branch_id, year):
        """The budget a visit is charged to: a branch's, or the association's own when branch_id is None."""
        if branch_id is None:
            return self.filter(branch__isnull=True, year=year)
        return self.filter(branch_id=branch_id, year=year)


class CondolenceVisitQuerySet(ScopedQuerySet):
    def in_year(self, year):
        return self.filter(visit_date__year=year)

    def charged_to(self, *, branch_id, year):
        """Visits paid from one budget line: a branch's (branch_id) or the association's own (None)."""
        qs = self.in_year(year)
        if branch_id is None:
            return qs.filter(paid_by_association=True)
        return qs.filter(paid_by_association=False, member__branch_id=branch_id)

    def spending(self) -> Decimal:
        """Cash plus the value of goods."""
        totals = self.aggregate(
            cash=Coalesce(Sum("cash_amount"), ZERO), goods=Coalesce(Sum("goods_value"), ZERO)
        )
        return totals["cash"] + totals["goods"]

    def totals_by_payer(self):
        """Per budget line (branch id, or None with paid_by_association): visits, people, cash, goods."""
        return (
            self.values("paid_by_association", "member__branch_id")
            .annotate(
                visits=Count("pk"),
                people=Count("member", distinct=True),
                cash=Coalesce(Sum("cash_amount"), ZERO),
                goods=Coalesce(Sum("goods_value"), ZERO),
            )
            .order_by()
        )


class CampaignEntryQuerySet(ScopedQuerySet):
    def pending(self):
        return self.filter(status="pending")

    def progress_by_branch(self):
        """Per branch: how many on the list, visited, waived, still pending."""
        return (
            self.values("member__branch_id", "member__branch__name")
            .annotate(
                total=Count("pk"),
                done=Count("pk", filter=Q(status="done")),
                waived=Count("pk", filter=Q(status="waived")),
                pending=Count("pk", filter=Q(status="pending")),
            )
            .order_by("member__branch__name")
        )


class HardshipCaseQuerySet(ScopedQuerySet):
    def active(self):
        """Cases still being helped (登记 or 帮扶中)."""
        return self.filter(status__in=["open", "helping"])


class InquiryQuerySet(ScopedQuerySet):
    def open(self):
        """Cases not yet answered (登记, 办理中): the deadline applies to the answer."""
        return self.filter(status__in=["registered", "in_progress"])

    def overdue(self, today):
        """Open cases past their deadline."""
        return self.open().filter(deadline__lt=today)

    def due_by(self, day):
        """Open cases whose deadline is on or before ``day`` (overdue included)."""
        return self.open().filter(deadline__lte=day)

    def statistics(self, dimension: str):
        """Counts per channel, category, branch or month (``dimension``), with how many were overdue or closed."""
        if dimension == "month":
            qs = self.annotate(key=TruncMonth("received_at")).values("key")
        elif dimension == "branch":
            qs = self.values(key=F("branch__name"))
        elif dimension in ("channel", "category"):
            qs = self.values(key=F(dimension))
        else:
            raise ValueError(f"unknown dimension {dimension!r}")
        return qs.annotate(total=Count("pk")).order_by("key")


class InquiryLogQuerySet(ScopedQuerySet):
    pass
