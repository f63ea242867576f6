"""Reads of the wellbeing app: scoped querysets, one module per area."""

from .care import (
    CampaignEntryQuerySet,
    CareBudgetQuerySet,
    CondolenceVisitQuerySet,
    GreetingQuerySet,
    HardshipCaseQuerySet,
)
from .inquiries import InquiryLogQuerySet, InquiryQuerySet

__all__ = [
    "CampaignEntryQuerySet",
    "CareBudgetQuerySet",
    "CondolenceVisitQuerySet",
    "GreetingQuerySet",
    "HardshipCaseQuerySet",
    "InquiryLogQuerySet",
    "InquiryQuerySet",
]
