"""What the member's printed 登记表 says about houses (registered in apps.py)."""

from django.db.models import Q

from .models import Workshop


def member_workshop_lines(member) -> list[str]:
    """One line per house the member leads or belongs to (not revoked or rejected), in the caller's scope."""
    houses = (
        Workshop.objects.filter(Q(leader=member) | Q(members=member))
        .exclude(status__in=[Workshop.Status.REVOKED, Workshop.Status.REJECTED])
        .distinct()
        .order_by("name")
    )
    lines = []
    for house in houses:
        role = "负责人" if house.leader_id == member.pk else "成员"
        named = f"，{house.named_on.year}年{house.named_on.month}月命名" if house.named_on else ""
        lines.append(f"{house.name}（{role}，{house.get_status_display()}{named}）")
    return lines
