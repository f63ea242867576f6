"""Celery tasks of the members app: thin wrappers over services, taking ids."""

from celery import shared_task

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=120,
    soft_time_limit=90,
)
def certificate_render_task(certificate_id: int, force: bool = False) -> bool:
    return services.certificate_render(certificate_id=certificate_id, force=force)


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=120,
    soft_time_limit=90,
)
def card_render_task(card_id: int, force: bool = False) -> bool:
    return services.card_render(card_id=card_id, force=force)
