"""Sections of the member's own page (/me/), registered in WellbeingConfig.ready():
我的疗休养 (trips) and how the birthday is kept, recent greetings, own letters/visits/calls (care)."""

from .models import BirthdayPreference, Greeting, Inquiry, Nomination, TripStatus

SHOWN = (
    Nomination.Status.PENDING,
    Nomination.Status.APPROVED,
    Nomination.Status.WAITLISTED,
    Nomination.Status.NO_SHOW,
)


def trips_section_context(member) -> dict:
    """The member's own nominations (newest trip first) with the programme of upcoming ones."""
    nominations = (
        Nomination.objects.filter(member=member, status__in=SHOWN)
        .exclude(trip__status=TripStatus.CANCELLED)
        .select_related("trip", "safety_check")
        .prefetch_related("trip__programme")
        .order_by("-trip__start_date")[:10]
    )
    items = []
    for n in nominations:
        check = getattr(n, "safety_check", None)
        items.append(
            {
                "trip": n.trip,
                "status": n.get_status_display(),
                "room": n.room_number,
                "programme": list(n.trip.programme.all())
                if n.trip.status in (TripStatus.OPEN, TripStatus.CLOSED, TripStatus.DEPARTED)
                else [],
                "safety_missing": check.missing_items()
                if check
                else (["出发前安全核查"] if n.status == "approved" else []),
            }
        )
    return {"trip_items": items}


def care_section_context(member) -> dict:
    """Context of the care section for one member (only that member's own rows)."""
    preference = BirthdayPreference.objects.filter(member=member).first()
    return {
        "birthday_preference": preference,
        "greetings": Greeting.objects.filter(member=member).order_by("-birthday", "channel")[:6],
        "inquiries": Inquiry.objects.filter(member=member).order_by("-received_at")[:10],
    }
