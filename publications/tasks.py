"""Celery tasks of the publications app: thin wrappers over services."""

from celery import shared_task

from core.scoping import scopes_disabled

from .services import issue_notify


@shared_task(acks_late=True, max_retries=3, default_retry_delay=60)
@scopes_disabled()  # acts on one id a scoped door handed over
def issue_notify_task(issue_id: int, status: str) -> int:
    """Send the review notice of one workflow step (re-checks the status, so a replay is harmless)."""
    return issue_notify(issue_id=issue_id, status=status)
