"""Fixtures of the workshops tests: the current 建设规范, a second association user, assessments."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f
from workshops.models import Assessment, Criterion, Dimension, Standard
from workshops.services import assessment_record
from workshops.standard_seed import seed_standard


@pytest.fixture
def standard(db):
    seed_standard(Standard, Dimension, Criterion)
    return Standard.objects.get(is_active=True)


@pytest.fixture
def reviewer(db):
    """A second association account: the submitter may not first-review its own application."""
    return f.association_staff(username="reviewer")


@pytest.fixture
def assess(standard, staff_user):
    """Record an assessment through the service with every criterion at ``share`` of its points."""

    def make(workshop, *, passing=True, purpose="acceptance", review_year=None, on=None, share=None):
        share = Decimal(share if share is not None else ("1" if passing else "0.5"))
        scores = {c.pk: c.max_score * share for c in Criterion.objects.filter(dimension__standard=standard)}
        assessment = Assessment(
            workshop=workshop,
            standard=standard,
            purpose=purpose,
            review_year=review_year,
            assessed_on=on or datetime.date(2021, 5, 1),
            assessors="评估组",
        )
        return assessment_record(assessment=assessment, scores=scores, actor=staff_user)

    return make
