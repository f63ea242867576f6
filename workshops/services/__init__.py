"""Writes of the workshops app: one function per business action.

The life cycle of a house goes only through ``workshop_transition`` (and ``workshop_apply``
for the first step); both check the transition map in ``models.workshop.TRANSITIONS``, the
actor's role and the rule's requirements, then write the new status and one
``WorkshopTransition`` row in the same transaction.

One module per aggregate; everything is re-exported here, so callers keep writing
``from workshops.services import …``.
"""

from .standard import assessment_check, assessment_record, standard_activate, standard_copy
from .subsidies import SUBSIDY_STATUSES, subsidy_check, subsidy_record
from .workshop import (
    workshop_allowed_transitions,
    workshop_apply,
    workshop_include_leader,
    workshop_transition,
)

__all__ = [
    "SUBSIDY_STATUSES", "assessment_check", "assessment_record", "standard_activate", "standard_copy",
    "subsidy_check", "subsidy_record", "workshop_allowed_transitions", "workshop_apply",
    "workshop_include_leader", "workshop_transition",
]  # fmt: skip
