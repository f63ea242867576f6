"""The trips demo data builds on seed_demo and can run twice."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from wellbeing.models import ConvalescenceTrip, Nomination, TripStatus

pytestmark = pytest.mark.django_db


def test_seed_trips_demo_is_repeatable():
    call_command("seed_demo", members=60, verbosity=0)
    call_command("seed_trips_demo", verbosity=0)
    counts = (ConvalescenceTrip.objects.count(), Nomination.objects.count())
    call_command("seed_trips_demo", verbosity=0)
    assert (ConvalescenceTrip.objects.count(), Nomination.objects.count()) == counts
    year = timezone.localdate().year
    assert ConvalescenceTrip.objects.get(name=f"{year}年千岛湖疗休养").status == TripStatus.OPEN
    assert Nomination.objects.filter(trip__status=TripStatus.COMPLETED).exists()
