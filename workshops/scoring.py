"""The one place where an assessment's weighted total and pass/fail are computed.

Inside a dimension each criterion weighs by its points: the dimension's score is the share
of its points earned, on a 0–100 scale. The total is the dimensions' scores weighted by
their weights (which add up to 100). An assessment passes when the total reaches the
standard's pass mark and no dimension falls below its own minimum.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class CriterionSpec:
    id: int
    text: str
    max_score: Decimal
    guidance: str = ""


@dataclass(frozen=True)
class DimensionSpec:
    id: int
    name: str
    weight: Decimal
    min_score: Decimal
    criteria: tuple[CriterionSpec, ...]


@dataclass(frozen=True)
class StandardSpec:
    """A standard loaded once, with everything scoring needs."""

    id: int
    pass_mark: Decimal
    dimensions: tuple[DimensionSpec, ...]

    @property
    def criteria(self) -> list[CriterionSpec]:
        return [c for d in self.dimensions for c in d.criteria]

    @classmethod
    def load(cls, standard) -> "StandardSpec":
        dimensions = []
        for dim in standard.dimensions.prefetch_related("criteria").order_by("order", "pk"):
            criteria = tuple(
                CriterionSpec(c.pk, c.text, c.max_score, c.guidance)
                for c in sorted(dim.criteria.all(), key=lambda c: (c.order, c.pk))
            )
            dimensions.append(DimensionSpec(dim.pk, dim.name, dim.weight, dim.min_score, criteria))
        return cls(standard.pk, standard.pass_mark, tuple(dimensions))


@dataclass(frozen=True)
class DimensionResult:
    name: str
    weight: Decimal
    score: Decimal  # 0–100
    min_score: Decimal

    @property
    def below_minimum(self) -> bool:
        return self.score < self.min_score


@dataclass(frozen=True)
class Result:
    total: Decimal
    passed: bool
    pass_mark: Decimal
    dimensions: tuple[DimensionResult, ...]
    reasons: tuple[str, ...] = field(default=())


def standard_problems(spec: StandardSpec) -> list[str]:
    """What keeps a standard from being used for scoring (empty when it is usable)."""
    problems = []
    if not spec.dimensions:
        problems.append("建设规范没有评估维度。")
    total_weight = sum((d.weight for d in spec.dimensions), Decimal(0))
    if spec.dimensions and total_weight != HUNDRED:
        problems.append(f"各维度权重之和为{total_weight.normalize():f}，应为100。")
    for d in spec.dimensions:
        if not d.criteria:
            problems.append(f"维度“{d.name}”没有评分标准。")
    return problems


def score_problems(spec: StandardSpec, scores: dict[int, Decimal]) -> list[str]:
    """Missing, unknown or out-of-range scores, in Chinese."""
    problems = []
    known = {c.id: c for c in spec.criteria}
    for criterion in spec.criteria:
        value = scores.get(criterion.id)
        if value is None:
            problems.append(f"“{criterion.text}”未评分。")
        elif value < 0 or value > criterion.max_score:
            problems.append(f"“{criterion.text}”得分应在0至{criterion.max_score.normalize():f}之间。")
    for unknown in set(scores) - set(known):
        problems.append(f"评分项{unknown}不属于该建设规范。")
    return problems


def compute(spec: StandardSpec, scores: dict[int, Decimal]) -> Result:
    """Weighted total and pass/fail of complete, valid scores (check score_problems first)."""
    dimension_results = []
    weighted = Decimal(0)
    total_weight = sum((d.weight for d in spec.dimensions), Decimal(0))
    for d in spec.dimensions:
        points = sum((c.max_score for c in d.criteria), Decimal(0))
        earned = sum((Decimal(scores[c.id]) for c in d.criteria), Decimal(0))
        score = earned / points * HUNDRED if points else Decimal(0)
        weighted += score * d.weight
        dimension_results.append(DimensionResult(d.name, d.weight, _round(score), d.min_score))
    total = _round(weighted / total_weight) if total_weight else Decimal(0)
    reasons = []
    if total < spec.pass_mark:
        reasons.append(f"加权总分{total}低于合格线{spec.pass_mark}。")
    for r in dimension_results:
        if r.below_minimum:
            reasons.append(f"“{r.name}”得分{r.score}低于该维度最低要求{r.min_score}。")
    return Result(total, not reasons, spec.pass_mark, tuple(dimension_results), tuple(reasons))
