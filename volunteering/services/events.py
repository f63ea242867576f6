"""Writes of service events and of the hours members serve in them."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError

from ..models import EventBeneficiary, Participation, ServiceEvent, ServiceRequest
from ._common import ES, RS, _decimal, _full_clean, _lock, _move
from .requests import service_request_start

EVENT_TRANSITIONS: dict[str, frozenset[str]] = {
    ES.PLANNED: frozenset({ES.DONE, ES.CANCELLED}),
    ES.DONE: frozenset(),
    ES.CANCELLED: frozenset(),
}


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
