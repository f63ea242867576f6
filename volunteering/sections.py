"""The member's own service record, shown as a section of /me/ (registered in apps.py)."""

from django.db.models import Count, Sum

from .models import Course, Donation, Participation


def member_service_record(member) -> dict:
    """Context of templates/volunteering/me/section.html for one member: their own rows only.

    Not scoped through ``visible_to``: the /me/ page has already decided the member is the
    logged-in person, and a member sees all of their own service whichever branch served.
    """
    participations = (
        Participation.objects.of_member(member)
        .counted()
        .select_related("event", "event__team")
        .order_by("-event__date", "-pk")
    )
    totals = participations.totals()
    by_year = list(
        participations.order_by()
        .values("event__date__year")
        .annotate(hours=Sum("hours"), events=Count("pk"))
        .order_by("-event__date__year")
    )
    upcoming = (
        Participation.objects.of_member(member)
        .filter(event__status="planned")
        .select_related("event", "event__team")
        .order_by("event__date")
    )
    return {
        "participations": list(participations),
        "total_hours": totals["hours"],
        "event_count": totals["participations"],
        "hours_by_year": [
            {"year": row["event__date__year"], "hours": row["hours"], "events": row["events"]}
            for row in by_year
        ],
        "upcoming": list(upcoming),
        "courses": list(Course.objects.filter(teacher=member, active=True).annotate_deliveries()),
        "donations": list(Donation.objects.filter(member=member).order_by("-date")),
    }
