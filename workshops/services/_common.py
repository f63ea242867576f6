"""Helpers shared by the workshops services: who acted, history attribution, status labels."""

from ..models import Workshop

Status = Workshop.Status


def _actor_name(actor) -> str:
    full = (actor.get_full_name() or "").strip() if hasattr(actor, "get_full_name") else ""
    return full or actor.get_username()


def _with_history_user(obj, actor):
    obj._history_user = actor
    return obj


def _status_label(value: str) -> str:
    return Status(value).label if value else "未申报"
