"""Reads for one member's own page: the houses the member is part of and the activities presented."""

from django.db.models import Q

from .models import Workshop, WorkshopActivity


def member_workshop_context(member) -> dict:
    """Houses the member leads or takes part in (not revoked or rejected), and recent activities presented."""
    houses = (
        Workshop.objects.filter(Q(leader=member) | Q(members=member))
        .exclude(status__in=[Workshop.Status.REVOKED, Workshop.Status.REJECTED])
        .distinct()
        .order_by("name")
    )
    activities = (
        WorkshopActivity.objects.filter(presenters=member)
        .select_related("workshop")
        .order_by("-held_on")[:10]
    )
    return {
        "workshops": [
            {
                "name": w.name,
                "status": w.get_status_display(),
                "named_on": w.named_on,
                "is_leader": w.leader_id == member.pk,
            }
            for w in houses
        ],
        "activities": list(activities),
    }
