"""Celery tasks of the wellbeing app: thin wrappers over the services."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.scoping import scopes_disabled

from .services.greetings import birthday_greetings_send, greetings_retry_due
from .services.inquiries import inquiry_deadline_reminders_send


@shared_task(acks_late=True)
@scopes_disabled()  # system job: the day's greetings, every branch
def birthday_greetings_task(day: str | None = None) -> dict:
    """The daily birthday greetings (beat, 08:00 Asia/Shanghai); ``day`` as YYYY-MM-DD, default today."""
    run = birthday_greetings_send(day=datetime.date.fromisoformat(day) if day else timezone.localdate())
    return {
        "members": run.members,
        "claimed": run.claimed,
        "already_done": run.already_done,
        "recovered": run.recovered,
        **run.by_status,
    }


@shared_task(acks_late=True)
@scopes_disabled()  # system job: due retries, every branch
def greetings_retry_task() -> int:
    """Retry failed greetings whose back-off has elapsed (beat, every 10 minutes)."""
    return greetings_retry_due()


@shared_task(acks_late=True)
@scopes_disabled()  # system job: reminders, every branch
def inquiry_deadline_reminders_task() -> int:
    """Remind assigned officers of cases near or past their deadline (beat, daily)."""
    return inquiry_deadline_reminders_send()
