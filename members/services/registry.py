"""Writes of the registry: one function per business action."""

from django.db import transaction

from core.errors import DomainError

from ..models import Honor, Member


def category_for_kinds(kinds) -> str:
    """The derived category (劳模 / 工匠 / both) for a set of honour kinds."""
    kinds = set(kinds)
    model_worker = bool(kinds & set(Honor.MODEL_WORKER_KINDS))
    craftsman = Honor.Kind.CRAFTSMAN in kinds
    if model_worker and craftsman:
        return Member.Category.BOTH
    if model_worker:
        return Member.Category.MODEL_WORKER
    if craftsman:
        return Member.Category.CRAFTSMAN
    return Member.Category.NONE


def member_refresh_category(*, member_id: int) -> str:
    """Recompute a member's stored category and top honour level from its honours.

    Called after every honour write (signals) so that the stored values never disagree.
    """
    rows = list(Honor.objects.filter(member_id=member_id).values_list("kind", "level"))
    category = category_for_kinds(kind for kind, _ in rows)
    top_level = min((level for _, level in rows), default=None)
    Member.objects.filter(pk=member_id).update(category=category, top_honor_level=top_level)
    return category


def members_refresh_categories(*, member_ids) -> None:
    """Bulk form of member_refresh_category, for imports and demo data."""
    kinds_by_member: dict[int, set] = {pk: set() for pk in member_ids}
    top_by_member: dict[int, int | None] = {pk: None for pk in member_ids}
    rows = Honor.objects.filter(member_id__in=member_ids).values_list("member_id", "kind", "level")
    for member_id, kind, level in rows:
        kinds_by_member[member_id].add(kind)
        current = top_by_member[member_id]
        top_by_member[member_id] = level if current is None else min(current, level)
    groups: dict[tuple, list[int]] = {}
    for member_id, kinds in kinds_by_member.items():
        groups.setdefault((category_for_kinds(kinds), top_by_member[member_id]), []).append(member_id)
    with transaction.atomic():
        for (category, top_level), ids in groups.items():
            Member.objects.filter(pk__in=ids).update(category=category, top_honor_level=top_level)


def require_visible_member(*, member, actor):
    """Refuse to act on a member outside the actor's scope (same message whatever the reason)."""
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise DomainError("无权为该会员开具。", code="forbidden")
