"""Celery tasks of the members app: thin wrappers over services, taking ids."""

from celery import shared_task
from django.conf import settings

from core.scoping import scopes_disabled

from . import services
from .importing.jobs import member_import_execute, member_import_validate
from .models import MemberImport
from .statistics import statistics_refresh_started

# A PDF render: redelivered if the worker dies, retried with backoff on a storage error (OSError),
# stopped after two minutes.
RENDER_TASK_OPTIONS = {
    "acks_late": True,
    "autoretry_for": (OSError,),
    "retry_backoff": True,
    "max_retries": 3,
    "time_limit": 120,
    "soft_time_limit": 90,
}


@shared_task(**RENDER_TASK_OPTIONS)
@scopes_disabled()  # acts on one id a scoped door (or the system) handed over
def certificate_render_task(certificate_id: int, force: bool = False) -> bool:
    return services.certificate_render(certificate_id=certificate_id, force=force)


@shared_task(**RENDER_TASK_OPTIONS)
@scopes_disabled()  # acts on one id a scoped door (or the system) handed over
def card_render_task(card_id: int, force: bool = False) -> bool:
    return services.card_render(card_id=card_id, force=force)


@shared_task(acks_late=True)
@scopes_disabled()  # the job records its branch; duplicates are checked registry-wide
def member_import_validate_task(job_id: int) -> None:
    job = MemberImport.objects.filter(pk=job_id, status=MemberImport.Status.VALIDATING).first()
    if job is not None:
        member_import_validate(job=job)


@shared_task(acks_late=True)
@scopes_disabled()  # the job records its branch; duplicates are checked registry-wide
def member_import_execute_task(job_id: int) -> None:
    # Only a job still marked WRITING runs: a redelivered task after success does nothing.
    job = MemberImport.objects.filter(pk=job_id, status=MemberImport.Status.WRITING).first()
    if job is not None:
        member_import_execute(job=job)


@shared_task(acks_late=True)
@scopes_disabled()  # system job: stale renders of every branch
def documents_requeue_stale_task() -> int:
    """Beat: re-send renders of certificates and cards stuck in 生成中 (a lost message, an outage)."""
    return services.documents_requeue_stale(minutes=settings.DOCUMENT_RENDER_STALE_MINUTES)


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1500)
@scopes_disabled()  # system job: the snapshot counts every branch
def statistics_snapshot_refresh_task() -> int:
    """Beat, and when a page finds the snapshot stale (after a change, an import, a new day) or
    staff press 刷新: recompute the statistics snapshot."""
    statistics_refresh_started()  # a change from now on asks for another run
    return services.statistics_snapshot_refresh().member_rows
