"""Reads of the registry: branches, members (search, highest honour), honours."""

import datetime
import re

from django.db.models import OuterRef, Q, Subquery
from django.db.models.functions import Substr

from core.dates import years_before
from core.idcard import normalise
from core.querysets import ScopedQuerySet


class BranchQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(active=True)


NAME_BIGRAM_STARTS = range(1, 6)  # covers names of up to six characters
ID_LIKE = re.compile(r"^\d{14,17}[\dXx]$")
DIGITS = re.compile(r"^\d{3,11}$")


class MemberQuerySet(ScopedQuerySet):
    def search(self, term: str):
        """The registry's one search: a full ID number, a phone number (prefix) or a name fragment.

        Each kind of term goes to its own indexed lookup instead of OR-ing all three.
        """
        term = (term or "").strip()
        if not term:
            return self
        if ID_LIKE.match(term):
            return self.filter(id_number=normalise(term))
        if DIGITS.match(term):
            return self.filter(mobile__startswith=term)
        if len(term) == 2:
            return self.name_has_bigram(term)
        return self.filter(name__contains=term)

    def name_has_bigram(self, term: str):
        """Names containing a two-character fragment, through the per-position indexes."""
        condition = Q()
        for start in NAME_BIGRAM_STARTS:
            condition |= Q(**{f"name_bigram_{start}": term})
        return self.alias(
            **{f"name_bigram_{start}": Substr("name", start, 2) for start in NAME_BIGRAM_STARTS}
        ).filter(condition)

    def with_highest_honor(self):
        """Annotate the title, level and year of each member's highest honour (one subquery)."""
        honor_model = self.model._meta.get_field("honors").related_model
        best = honor_model.objects.filter(member=OuterRef("pk")).order_by("level", "-year", "pk")
        return self.annotate(
            highest_honor_title=Subquery(best.values("title")[:1]),
            highest_honor_level=Subquery(best.values("level")[:1]),
            highest_honor_year=Subquery(best.values("year")[:1]),
        )

    def active(self):
        return self.filter(status=self.model.Status.ACTIVE)

    def born_between(self, oldest: datetime.date, youngest: datetime.date):
        return self.filter(birth_date__gte=oldest, birth_date__lte=youngest)


class HonorQuerySet(ScopedQuerySet):
    pass


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
