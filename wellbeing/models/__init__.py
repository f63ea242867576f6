"""Models of the wellbeing app, one module per area: greetings, care (visits, budgets) and inquiries."""

from .care import (
    CampaignEntry,
    CareBudget,
    CondolenceVisit,
    CondolenceVisitPhoto,
    HardshipCase,
    HardshipFollowUp,
    VisitCampaign,
)
from .greetings import BirthdayPreference, Greeting, GreetingSettings, GreetingTemplate
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
