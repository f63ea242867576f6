"""Writes of donations of money or goods."""

from django.db import transaction

from ..models import Donation
from ._common import _decimal, _full_clean

# -- donations -------------------------------------------------------------------------


@transaction.atomic
def donation_record(
    *,
    kind: str,
    value,
    cause: str,
    date,
    member=None,
    team=None,
    goods_description: str = "",
    recipient: str = "",
    receipt_number: str = "",
    actor=None,
) -> Donation:
    """Record a donation of money or goods by one member or one team (branch follows the donor)."""
    donation = Donation(
        kind=kind,
        value=_decimal(value, "金额/折合价值"),
        cause=cause,
        date=date,
        member=member,
        team=team,
        goods_description=goods_description,
        recipient=recipient,
        receipt_number=receipt_number,
    )
    _full_clean(donation, exclude=["branch"])
    if actor is not None:
        donation._history_user = actor
    donation.save()
    return donation
