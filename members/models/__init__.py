"""Models of the members app, one module per aggregate."""

from .audit import AccessLog
from .registry import ETHNICITIES, POLITICAL_STATUSES, Branch, Honor, Member, OfficerProfile

__all__ = ["ETHNICITIES", "POLITICAL_STATUSES", "AccessLog", "Branch", "Honor", "Member", "OfficerProfile"]
