"""Models of the members app, one module per aggregate."""

from .cards import CraftsmanCard
from .certificates import Certificate, DocumentCounter, RenderState
from .imports import MemberImport
from .registry import ETHNICITIES, POLITICAL_STATUSES, Branch, Honor, Member, OfficerProfile
from .scans import RegistrationScan
from .seals import DocumentSeal
from .statistics import HonorCount, MemberCount, MemberKindCount, RegistryChange, StatisticsSnapshot
from .transfers import Transfer

__all__ = [
    "ETHNICITIES",
    "POLITICAL_STATUSES",
    "Branch",
    "Certificate",
    "CraftsmanCard",
    "DocumentCounter",
    "DocumentSeal",
    "Honor",
    "HonorCount",
    "Member",
    "MemberCount",
    "MemberImport",
    "MemberKindCount",
    "OfficerProfile",
    "RegistrationScan",
    "RegistryChange",
    "RenderState",
    "StatisticsSnapshot",
    "Transfer",
]
