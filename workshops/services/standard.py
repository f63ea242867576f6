"""Writes of the 建设规范 and of assessments: activate or copy a standard, check and record scores."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.roles import is_association_staff

from ..models import Assessment, AssessmentScore, Standard, Workshop
from ..scoring import Result, StandardSpec, compute, score_problems, standard_problems
from ._common import Status, _with_history_user

# ---------------------------------------------------------------------------------------
# The 建设规范 and assessments
# ---------------------------------------------------------------------------------------


def standard_activate(*, standard: Standard, actor) -> Standard:
    """Make one standard the current version (the one new assessments use)."""
    if not is_association_staff(actor):
        raise DomainError("只有协会工作人员可以启用建设规范。", code="association_only")
    problems = standard_problems(StandardSpec.load(standard))
    if problems:
        raise DomainError("该建设规范尚不能启用：" + "".join(problems), code="standard_incomplete")
    with transaction.atomic():
        for other in Standard.objects.select_for_update().filter(is_active=True).exclude(pk=standard.pk):
            other.is_active = False
            _with_history_user(other, actor).save(update_fields=["is_active"])
        standard.is_active = True
        _with_history_user(standard, actor).save(update_fields=["is_active"])
    return standard


def standard_copy(*, standard: Standard, actor, version: str) -> Standard:
    """A new, inactive version of a standard with the same dimensions and criteria."""
    if not is_association_staff(actor):
        raise DomainError("只有协会工作人员可以修订建设规范。", code="association_only")
    if Standard.objects.filter(name=standard.name, version=version).exists():
        raise ConflictError(f"“{standard.name}”已有版本“{version}”。", code="version_exists")
    with transaction.atomic():
        copy = Standard(
            name=standard.name, version=version, pass_mark=standard.pass_mark, notes=standard.notes
        )
        _with_history_user(copy, actor).save()
        for dim in standard.dimensions.prefetch_related("criteria"):
            criteria = list(dim.criteria.all())
            dim.pk = None
            dim.standard = copy
            dim.save()
            for criterion in criteria:
                criterion.pk = None
                criterion.dimension = dim
                criterion.save()
    return copy


def assessment_check(*, assessment: Assessment, scores: dict[int, Decimal], actor) -> Result:
    """Validate an assessment and its scores without writing; return the computed result."""
    if not is_association_staff(actor):
        raise DomainError("评估由协会工作人员录入。", code="association_only")
    if assessment.pk is not None and assessment.is_locked:
        raise DomainError("该评估已作为验收或复核的依据，不能再修改。", code="assessment_locked")
    workshop = assessment.workshop
    if assessment.purpose == Assessment.Purpose.ACCEPTANCE and workshop.status != Status.REVIEWED:
        raise DomainError(
            "只有初审通过、待验收的劳模工匠之家才能录入验收评估。", code="not_awaiting_acceptance"
        )
    if assessment.purpose == Assessment.Purpose.ANNUAL_REVIEW:
        if workshop.status not in Workshop.NAMED_STATUSES:
            raise DomainError("只有已命名的劳模工匠之家才能录入年度复核评估。", code="not_named")
        if not assessment.review_year:
            raise DomainError("年度复核评估须填写复核年度。", code="review_year_required")
        if assessment.review_year > timezone.localdate().year:
            raise DomainError("复核年度不能晚于今年。", code="review_year_future")
    spec = StandardSpec.load(assessment.standard)
    problems = standard_problems(spec) + score_problems(spec, scores)
    if problems:
        raise DomainError("".join(problems), code="invalid_scores")
    return compute(spec, scores)


def assessment_record(*, assessment: Assessment, scores: dict[int, Decimal], actor) -> Assessment:
    """Save an assessment with one score per criterion; its total and pass/fail are computed here."""
    with transaction.atomic():
        if assessment.pk is not None:
            Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        result = assessment_check(assessment=assessment, scores=scores, actor=actor)
        assessment.full_clean()
        assessment.total_score = result.total
        assessment.passed = result.passed
        if assessment.recorded_by_id is None:
            assessment.recorded_by = actor
        _with_history_user(assessment, actor).save()
        existing = {s.criterion_id: s for s in assessment.scores.all()}
        for criterion_id, value in scores.items():
            row = existing.get(criterion_id) or AssessmentScore(
                assessment=assessment, criterion_id=criterion_id
            )
            if row.pk is None or row.score != Decimal(value):
                row.score = Decimal(value)
                _with_history_user(row, actor).save()
    return assessment
