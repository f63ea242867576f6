"""Reads of the workshops app: scoped querysets, subsidy totals and coverage counts."""

import datetime

from django.db.models import Count, DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from core.querysets import ScopedQuerySet

ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


class WorkshopScopedQuerySet(ScopedQuerySet):
    """Scoped rows that reach their branch through a house (``branch_path`` says how)."""


class WorkshopQuerySet(ScopedQuerySet):
    def named_by(self, year: int):
        """Houses that were named on or before the end of ``year`` and not revoked by then."""
        year_end = datetime.date(year, 12, 31)
        return self.filter(named_on__lte=year_end).exclude(revoked_on__lte=year_end)

    def with_subsidy_total(self):
        """Annotate ``subsidy_total``: everything ever paid to each house (a subquery: no GROUP BY)."""
        subsidy_model = self.model._meta.get_field("subsidies").related_model
        total = (
            subsidy_model.objects.filter(workshop=OuterRef("pk"))
            .order_by()
            .values("workshop")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        return self.annotate(subsidy_total=Coalesce(Subquery(total), ZERO))


class AssessmentQuerySet(ScopedQuerySet):
    def passed_acceptance(self):
        return self.filter(purpose=self.model.Purpose.ACCEPTANCE, passed=True)

    def annual_review(self, year: int):
        return self.filter(purpose=self.model.Purpose.ANNUAL_REVIEW, review_year=year, passed__isnull=False)


class SubsidyQuerySet(ScopedQuerySet):
    """Subsidies, with their totals per house, per branch and per year."""

    def _totals(self, *keys):
        return self.values(*keys).annotate(total=Sum("amount"), count=Count("pk")).order_by(*keys)

    def totals_by_workshop(self):
        """Rows of ``workshop``, ``workshop__name``, ``total``, ``count``."""
        return self._totals("workshop", "workshop__name")

    def totals_by_branch(self):
        """Rows of ``workshop__branch``, ``workshop__branch__name``, ``total``, ``count``."""
        return self._totals("workshop__branch", "workshop__branch__name")

    def totals_by_year(self):
        """Rows of ``year``, ``total``, ``count``."""
        return self._totals("year")

    def grand_total(self):
        return self.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]


class ActivityQuerySet(ScopedQuerySet):
    def counts_by_kind(self):
        return self.values("kind").annotate(count=Count("pk"), people=Sum("participants")).order_by("kind")
