"""Models of the members app, one module per aggregate."""

from .audit import AccessLog
from .cards import CraftsmanCard
from .certificates import Certificate, DocumentCounter, RenderState
from .registry import ETHNICITIES, POLITICAL_STATUSES, Branch, Honor, Member, OfficerProfile

__all__ = [
    "ETHNICITIES",
    "POLITICAL_STATUSES",
    "AccessLog",
    "Branch",
    "Certificate",
    "CraftsmanCard",
    "DocumentCounter",
    "Honor",
    "Member",
    "OfficerProfile",
    "RenderState",
]
