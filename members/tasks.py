"""Celery tasks of the members app: thin wrappers that load by id and call a service."""

from celery import shared_task


@shared_task(acks_late=True)
def member_import_validate_task(job_id: int) -> None:
    from .importing.jobs import member_import_validate
    from .models import MemberImport

    job = MemberImport.objects.filter(pk=job_id, status=MemberImport.Status.VALIDATING).first()
    if job is not None:
        member_import_validate(job=job)


@shared_task(acks_late=True)
def member_import_execute_task(job_id: int) -> None:
    from .importing.jobs import member_import_execute
    from .models import MemberImport

    # Only a job still marked WRITING runs: a redelivered task after success does nothing.
    job = MemberImport.objects.filter(pk=job_id, status=MemberImport.Status.WRITING).first()
    if job is not None:
        member_import_execute(job=job)
