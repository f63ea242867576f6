"""Helpers shared by the volunteering services: moves along a transition map, locks, validation."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from core.errors import DomainError
from core.states import check_transition

from ..models import ServiceEvent, ServiceRequest

RS = ServiceRequest.Status
ES = ServiceEvent.Status


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


def _decimal(value, label: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}必须是数字。", code="not_a_number") from None
