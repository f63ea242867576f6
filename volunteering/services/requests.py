"""Writes of service requests: submit, assign, start, complete, feedback, and the two exits."""

from django.db import transaction
from django.utils import timezone

from core.errors import DomainError

from ..models import ServiceRequest
from ._common import ES, RS, _full_clean, _lock, _move

REQUEST_TRANSITIONS: dict[str, frozenset[str]] = {
    RS.SUBMITTED: frozenset({RS.ASSIGNED, RS.REJECTED, RS.WITHDRAWN}),
    # Re-assigning to another team is allowed until service starts.
    RS.ASSIGNED: frozenset({RS.ASSIGNED, RS.IN_SERVICE, RS.WITHDRAWN}),
    RS.IN_SERVICE: frozenset({RS.COMPLETED}),
    RS.COMPLETED: frozenset({RS.CLOSED}),
    RS.CLOSED: frozenset(),
    RS.REJECTED: frozenset(),
    RS.WITHDRAWN: frozenset(),
}


def request_allowed_transitions(request: ServiceRequest) -> frozenset[str]:
    """The statuses a request may move to next."""
    return REQUEST_TRANSITIONS[request.status]


# -- service requests ------------------------------------------------------------------


@transaction.atomic
def service_request_submit(
    *,
    branch,
    requester,
    title: str,
    problem: str,
    contact_name: str,
    contact_phone: str,
    urgency: str = ServiceRequest.Urgency.LOW,
    received_at=None,
    actor=None,
) -> ServiceRequest:
    """Register a request for help received by a branch (status 待受理)."""
    request = ServiceRequest(
        branch=branch,
        requester=requester,
        title=title,
        problem=problem,
        contact_name=contact_name,
        contact_phone=contact_phone,
        urgency=urgency,
        received_at=received_at or timezone.now(),
    )
    _full_clean(request)
    if actor is not None:
        request._history_user = actor
    request.save()
    return request


@transaction.atomic
def service_request_assign(*, request: ServiceRequest, team, actor) -> ServiceRequest:
    """Assign (or re-assign) a request to a team of the same branch."""
    request = _lock(ServiceRequest, request.pk)
    if not team.active:
        raise DomainError(f"服务队“{team}”已不在册，不能派单。", code="team_inactive")
    if team.branch_id != request.branch_id:
        raise DomainError("只能派给受理分会自己的服务队。", code="team_other_branch")
    _move(request, RS.ASSIGNED, REQUEST_TRANSITIONS, actor=actor)
    request.assigned_team = team
    request.assigned_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def service_request_start(*, request: ServiceRequest, actor) -> ServiceRequest:
    """Service has begun: at least one event of the assigned team serves the request."""
    request = _lock(ServiceRequest, request.pk)
    if not request.events.exclude(status=ES.CANCELLED).exists():
        raise DomainError("请先为该需求安排服务活动。", code="no_event")
    _move(request, RS.IN_SERVICE, REQUEST_TRANSITIONS, actor=actor)
    request.save()
    return request


@transaction.atomic
def service_request_complete(*, request: ServiceRequest, note: str = "", actor) -> ServiceRequest:
    """The team has finished: at least one of the request's events took place."""
    request = _lock(ServiceRequest, request.pk)
    if not request.events.filter(status=ES.DONE).exists():
        raise DomainError("该需求还没有已完成的服务活动，不能标记为服务完成。", code="no_done_event")
    _move(request, RS.COMPLETED, REQUEST_TRANSITIONS, actor=actor)
    request.completed_at = timezone.now()
    request.resolution_note = note
    request.save()
    return request


@transaction.atomic
def service_request_record_feedback(
    *, request: ServiceRequest, satisfaction: int, feedback: str = "", actor
) -> ServiceRequest:
    """Record the requester's feedback and satisfaction (1–5); the request is closed."""
    if satisfaction not in (1, 2, 3, 4, 5):
        raise DomainError("满意度须为1至5分。", code="bad_satisfaction")
    request = _lock(ServiceRequest, request.pk)
    _move(request, RS.CLOSED, REQUEST_TRANSITIONS, actor=actor)
    request.satisfaction = satisfaction
    request.feedback = feedback
    request.closed_at = timezone.now()
    request.save()
    return request


def _exit(request, to, reason, actor):
    if not reason.strip():
        raise DomainError("请填写原因。", code="reason_required")
    request = _lock(ServiceRequest, request.pk)
    _move(request, to, REQUEST_TRANSITIONS, actor=actor)
    request.resolution_note = reason.strip()
    request.closed_at = timezone.now()
    request.save()
    return request


@transaction.atomic
def service_request_reject(*, request: ServiceRequest, reason: str, actor) -> ServiceRequest:
    """Decline a request (outside what the teams can do), with the reason given to the requester."""
    return _exit(request, RS.REJECTED, reason, actor)


@transaction.atomic
def service_request_withdraw(*, request: ServiceRequest, reason: str, actor) -> ServiceRequest:
    """The requester no longer needs help."""
    return _exit(request, RS.WITHDRAWN, reason, actor)
