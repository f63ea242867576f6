"""Models of the volunteering app: teams, events, hours, requests, donations, 双百 classes.

How each model reaches its branch (``branch_path``, the one scoping mechanism):

=====================  =============================  ==========================================
model                  branch_path                    why
=====================  =============================  ==========================================
ServiceTeam            ``branch``                     a team is formed by one branch
TeamMembership         ``team__branch``               belongs to the team
Beneficiary            ``branch``                     the branch that registered the organisation
ServiceEvent           ``team__branch``               the team that served
EventBeneficiary       ``event__team__branch``        belongs to the event
EventPhoto             ``event__team__branch``        belongs to the event
Participation          ``event__team__branch``        hours count for the serving team's branch
ServiceRequest         ``branch``                     the branch that received the request
Donation               ``branch``                     the donor's branch (checked in ``clean``)
Course (双百课程)      ``teacher__branch``            the teaching member's branch
=====================  =============================  ==========================================
"""

from .classes import Course
from .donations import Donation
from .events import EventBeneficiary, EventPhoto, Participation, ServiceEvent
from .requests import ServiceRequest
from .teams import Beneficiary, ServiceTeam, TeamMembership

__all__ = [
    "Beneficiary",
    "Course",
    "Donation",
    "EventBeneficiary",
    "EventPhoto",
    "Participation",
    "ServiceEvent",
    "ServiceRequest",
    "ServiceTeam",
    "TeamMembership",
]
