"""Models of the wellbeing app, one module per area: trips, greetings, care (visits, budgets), inquiries."""

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
from .inquiries import CalendarDay, Inquiry, InquiryLog
from .trip_profiles import EpidemicRole, HealthStatus, MemberWorkProfile, PriorityGroup, TripRules
from .trips import (
    ACTIVE_NOMINATION,
    HOLDING,
    TRIP_TRANSITIONS,
    ConvalescenceTrip,
    Nomination,
    ProgrammeItem,
    SafetyCheck,
    TripQuota,
    TripStatus,
)

__all__ = [
    "ACTIVE_NOMINATION",
    "HOLDING",
    "TRIP_TRANSITIONS",
    "BirthdayPreference",
    "CalendarDay",
    "CampaignEntry",
    "CareBudget",
    "CondolenceVisit",
    "CondolenceVisitPhoto",
    "ConvalescenceTrip",
    "EpidemicRole",
    "Greeting",
    "GreetingSettings",
    "GreetingTemplate",
    "HardshipCase",
    "HardshipFollowUp",
    "HealthStatus",
    "Inquiry",
    "InquiryLog",
    "MemberWorkProfile",
    "Nomination",
    "PriorityGroup",
    "ProgrammeItem",
    "SafetyCheck",
    "TripQuota",
    "TripRules",
    "TripStatus",
    "VisitCampaign",
]
