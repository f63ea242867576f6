"""Writes of the volunteering app: one keyword-only function per business action.

Life cycles are explicit transition maps: ``REQUEST_TRANSITIONS`` for service requests
(待受理 → 已派单 → 服务中 → 待评价 → 已办结, with 不予受理 / 已撤回 as exits) and
``EVENT_TRANSITIONS`` for events (计划中 → 已完成 / 已取消). Every change of status goes
through ``_move``, which refuses anything the map does not list.
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.states import check_transition

from .models import Donation, EventBeneficiary, Participation, ServiceEvent, ServiceRequest

RS = ServiceRequest.Status
ES = ServiceEvent.Status

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

EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ES.PLANNED: frozenset({ES.DONE, ES.CANCELLED}),
    ES.DONE: frozenset(),
    ES.CANCELLED: frozenset(),
}


def request_allowed_transitions(request: ServiceRequest) -> frozenset[str]:
    """The statuses a request may move to next."""
    return REQUEST_TRANSITIONS[request.status]


def _move(obj, to: str, transitions, *, actor):
    check_transition(obj, to, transitions=transitions, code="invalid_transition")
    obj.status = to
    if actor is not None:
        obj._history_user = actor


def _lock(model, pk):
    return model.objects.select_for_update().get(pk=pk)


def _full_clean(obj, **kwargs):
    try:
        obj.full_clean(**kwargs)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), code="invalid") from None


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


# -- events and hours ------------------------------------------------------------------


@transaction.atomic
def service_event_create(
    *,
    team,
    title: str,
    category: str,
    date,
    duration_hours,
    place: str,
    beneficiaries=(),
    course=None,
    request: ServiceRequest | None = None,
    audience_count: int = 0,
    description: str = "",
    outcome: str = "",
    actor=None,
) -> ServiceEvent:
    """Plan an event; when it serves an assigned request, that request moves to 服务中."""
    event = ServiceEvent(
        team=team,
        title=title,
        category=category,
        date=date,
        duration_hours=duration_hours,
        place=place,
        course=course,
        request=request,
        audience_count=audience_count,
        description=description,
        outcome=outcome,
    )
    _full_clean(event)
    if actor is not None:
        event._history_user = actor
    event.save()
    for beneficiary in beneficiaries:
        EventBeneficiary.objects.create(event=event, beneficiary=beneficiary)
    if request is not None:
        service_event_link_request(event=event, actor=actor)
    return event


@transaction.atomic
def service_event_link_request(*, event: ServiceEvent, actor) -> None:
    """After an event names a request: the request's organisation is a beneficiary, and an
    assigned request moves to 服务中 (the first event starts the service)."""
    if event.request_id is None:
        return
    request = _lock(ServiceRequest, event.request_id)
    if request.assigned_team_id and request.assigned_team_id != event.team_id:
        raise DomainError("该需求已派给其他服务队。", code="team_mismatch")
    EventBeneficiary.objects.get_or_create(event=event, beneficiary=request.requester)
    if request.status == RS.ASSIGNED:
        service_request_start(request=request, actor=actor)
    elif request.status not in (RS.IN_SERVICE,):
        raise DomainError(
            f"需求状态为“{request.get_status_display()}”，不能再安排服务活动。", code="request_not_open"
        )


@transaction.atomic
def service_event_complete(*, event: ServiceEvent, outcome: str | None = None, actor) -> ServiceEvent:
    """The event took place: its participants' hours now count."""
    event = _lock(ServiceEvent, event.pk)
    if not event.participations.exists():
        raise DomainError(f"活动“{event.title}”还没有参与人员，不能标记为已完成。", code="no_participants")
    if event.date > timezone.localdate():
        raise DomainError(f"活动“{event.title}”的日期尚未到来。", code="future_event")
    _move(event, ES.DONE, EVENT_TRANSITIONS, actor=actor)
    if outcome is not None:
        event.outcome = outcome
    event.save()
    return event


@transaction.atomic
def service_event_cancel(*, event: ServiceEvent, actor) -> ServiceEvent:
    """The event did not take place; nobody earns hours for it."""
    event = _lock(ServiceEvent, event.pk)
    _move(event, ES.CANCELLED, EVENT_TRANSITIONS, actor=actor)
    event.save()
    return event


def _decimal(value, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}必须是数字。", code="not_a_number") from None


@transaction.atomic
def participation_record(
    *, event: ServiceEvent, member, hours, role: str = Participation.Role.VOLUNTEER, actor=None
) -> Participation:
    """Record (or correct) one member's role and hours in an event: one row per member and event."""
    event = _lock(ServiceEvent, event.pk)  # status read under lock: a cancel may be racing
    if event.status == ES.CANCELLED:
        raise DomainError("活动已取消，不能登记服务时长。", code="event_cancelled")
    participation = Participation.objects.filter(event=event, member=member).first() or Participation(
        event=event, member=member
    )
    participation.role = role
    participation.hours = _decimal(hours, "服务时长")
    _full_clean(participation, validate_unique=False)
    if actor is not None:
        participation._history_user = actor
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:
        # A concurrent request recorded the same member first: the constraint decides.
        raise ConflictError(f"{member}已登记在该活动中。", code="duplicate_participation") from None
    return participation


# -- donations -------------------------------------------------------------------------


@transaction.atomic
def donation_record(
    *,
    kind: str,
    value,
    cause: str,
    date,
    member=None,
    team=None,
    goods_description: str = "",
    recipient: str = "",
    receipt_number: str = "",
    actor=None,
) -> Donation:
    """Record a donation of money or goods by one member or one team (branch follows the donor)."""
    donation = Donation(
        kind=kind,
        value=_decimal(value, "金额/折合价值"),
        cause=cause,
        date=date,
        member=member,
        team=team,
        goods_description=goods_description,
        recipient=recipient,
        receipt_number=receipt_number,
    )
    _full_clean(donation, exclude=["branch"])
    if actor is not None:
        donation._history_user = actor
    donation.save()
    return donation
