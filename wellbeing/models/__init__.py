"""Models of the wellbeing app, one module per aggregate."""

from .trips import (
    ACTIVE_NOMINATION,
    HOLDING,
    TRIP_TRANSITIONS,
    ConvalescenceTrip,
    EpidemicRole,
    HealthStatus,
    MemberWorkProfile,
    Nomination,
    PriorityGroup,
    ProgrammeItem,
    SafetyCheck,
    TripQuota,
    TripRules,
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
