"""Models of the 劳模工匠之家 network: houses and their life cycle, the 建设规范 and assessments,
subsidies, activities and coverage targets."""

from .activity import ActivityPhoto, CoverageTarget, Subsidy, WorkshopActivity
from .standard import Assessment, AssessmentAttachment, AssessmentScore, Criterion, Dimension, Standard
from .workshop import TRANSITIONS, Actor, TransitionRule, Workshop, WorkshopPhoto, WorkshopTransition

__all__ = [
    "TRANSITIONS",
    "ActivityPhoto",
    "Actor",
    "Assessment",
    "AssessmentAttachment",
    "AssessmentScore",
    "CoverageTarget",
    "Criterion",
    "Dimension",
    "Standard",
    "Subsidy",
    "TransitionRule",
    "Workshop",
    "WorkshopActivity",
    "WorkshopPhoto",
    "WorkshopTransition",
]
