"""Writes of the registry: one function per business action."""

from django.db import transaction

from ..errors import DomainError
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
    """Recompute a member's stored category from its honours (called after every honour write)."""
    kinds = Honor.objects.filter(member_id=member_id).values_list("kind", flat=True).distinct()
    category = category_for_kinds(kinds)
    Member.objects.filter(pk=member_id).exclude(category=category).update(category=category)
    return category


def members_refresh_categories(*, member_ids) -> None:
    """Bulk form of member_refresh_category, for imports and demo data."""
    kinds_by_member: dict[int, set] = {pk: set() for pk in member_ids}
    for member_id, kind in Honor.objects.filter(member_id__in=member_ids).values_list("member_id", "kind"):
        kinds_by_member[member_id].add(kind)
    by_category: dict[str, list[int]] = {}
    for member_id, kinds in kinds_by_member.items():
        by_category.setdefault(category_for_kinds(kinds), []).append(member_id)
    with transaction.atomic():
        for category, ids in by_category.items():
            Member.objects.filter(pk__in=ids).update(category=category)


def require_visible_member(*, member, actor):
    """Refuse to act on a member outside the actor's scope (same message whatever the reason)."""
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise DomainError("无权为该会员开具。", code="forbidden")
