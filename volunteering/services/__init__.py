"""Writes of the volunteering app: one keyword-only function per business action.

Life cycles are explicit transition maps: ``REQUEST_TRANSITIONS`` for service requests
(待受理 → 已派单 → 服务中 → 待评价 → 已办结, with 不予受理 / 已撤回 as exits) and
``EVENT_TRANSITIONS`` for events (计划中 → 已完成 / 已取消). Every change of status goes
through ``_move``, which refuses anything the map does not list.

One module per aggregate; everything is re-exported here, so callers keep writing
``from volunteering.services import …``.
"""

from .donations import donation_record
from .events import (
    EVENT_TRANSITIONS,
    participation_record,
    service_event_cancel,
    service_event_complete,
    service_event_create,
    service_event_link_request,
)
from .requests import (
    REQUEST_TRANSITIONS,
    request_allowed_transitions,
    service_request_assign,
    service_request_complete,
    service_request_record_feedback,
    service_request_reject,
    service_request_start,
    service_request_submit,
    service_request_withdraw,
)

__all__ = [
    "EVENT_TRANSITIONS", "REQUEST_TRANSITIONS", "donation_record", "participation_record",
    "request_allowed_transitions", "service_event_cancel", "service_event_complete", "service_event_create",
    "service_event_link_request", "service_request_assign", "service_request_complete",
    "service_request_record_feedback", "service_request_reject", "service_request_start",
    "service_request_submit", "service_request_withdraw",
]  # fmt: skip
