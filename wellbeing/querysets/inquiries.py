"""Reads of letters/visits/calls: open, overdue and near-deadline cases, and statistics."""

from django.db.models import Count, F
from django.db.models.functions import TruncMonth

from core.querysets import ScopedQuerySet


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
