"""Writes of subsidies paid to a house."""

from django.db import transaction

from core.errors import DomainError
from core.roles import is_association_staff

from ..models import Subsidy
from ._common import Status, _with_history_user

# ---------------------------------------------------------------------------------------
# Subsidies
# ---------------------------------------------------------------------------------------

SUBSIDY_STATUSES = (Status.ACCEPTED, Status.NAMED, Status.RECTIFYING)


def subsidy_check(*, subsidy: Subsidy, actor) -> None:
    """Who may record a subsidy and to which houses (validation only)."""
    if not is_association_staff(actor):
        raise DomainError("经费补助由协会工作人员登记。", code="association_only")
    moved = (
        subsidy.pk is not None
        and not Subsidy.objects.filter(pk=subsidy.pk, workshop=subsidy.workshop_id).exists()
    )
    # Corrections to an existing subsidy stay possible after a house is revoked.
    if (subsidy.pk is None or moved) and subsidy.workshop.status not in SUBSIDY_STATUSES:
        raise DomainError(
            f"该劳模工匠之家当前为“{subsidy.workshop.get_status_display()}”，通过验收后才能拨付经费补助。",
            code="not_eligible",
        )


def subsidy_record(*, subsidy: Subsidy, actor) -> Subsidy:
    """Record (or correct) one subsidy paid to a house."""
    with transaction.atomic():
        subsidy_check(subsidy=subsidy, actor=actor)
        subsidy.full_clean()
        _with_history_user(subsidy, actor).save()
    return subsidy
