"""Models of the wellbeing app, one module per area: care (greetings, visits, budgets) and inquiries."""

from .care import (
    BirthdayPreference,
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    CondolenceVisitPhoto,
    Greeting,
    GreetingSettings,
    GreetingTemplate,
    HardshipCase,
    HardshipFollowUp,
    VisitCampaign,
)
from .inquiries import Inquiry, InquiryLog

__all__ = [
    "BirthdayPreference",
    "CampaignEntry",
    "CareBudget",
    "CondolenceVisit",
    "CondolenceVisitPhoto",
    "Greeting",
    "GreetingSettings",
    "GreetingTemplate",
    "HardshipCase",
    "HardshipFollowUp",
    "Inquiry",
    "InquiryLog",
    "VisitCampaign",
]
