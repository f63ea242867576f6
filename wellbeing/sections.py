"""The member's own page (/me/): how the birthday is kept, recent greetings, own letters/visits/calls."""


def care_section_context(member) -> dict:
    """Context of the care section for one member (only that member's own rows)."""
    from .models import BirthdayPreference, Greeting, Inquiry

    preference = BirthdayPreference.objects.filter(member=member).first()
    return {
        "birthday_preference": preference,
        "greetings": Greeting.objects.filter(member=member).order_by("-birthday", "channel")[:6],
        "inquiries": Inquiry.objects.filter(member=member).order_by("-received_at")[:10],
    }
