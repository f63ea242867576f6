"""Models of the wellbeing app, one module per aggregate."""

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
    "ConvalescenceTrip",
    "EpidemicRole",
    "HealthStatus",
    "MemberWorkProfile",
    "Nomination",
    "PriorityGroup",
    "ProgrammeItem",
    "SafetyCheck",
    "TripQuota",
    "TripRules",
    "TripStatus",
]
