"""seed_demo_volunteering: demo data for the seeded members, idempotent."""

import pytest
from django.core.management import call_command

from tests import factories as f
from volunteering.models import Donation, Participation, ServiceEvent, ServiceRequest, ServiceTeam

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (ServiceTeam, ServiceEvent, Participation, ServiceRequest, Donation)]


def test_seed_creates_data_once(xihu, binjiang):
    for branch in (xihu, binjiang):
        f.MemberFactory.create_batch(5, branch=branch)
    call_command("seed_demo_volunteering", stdout=None)
    first = counts()
    assert first[0] == 2 and first[1] > 0 and first[2] > 0
    assert ServiceRequest.objects.open().count() == 4
    call_command("seed_demo_volunteering", stdout=None)
    assert counts() == first
    assert ServiceEvent.objects.filter(category="class", course__isnull=False).count() == 2
