"""Fixtures of the convalescence-trip tests: an open trip with quotas for 西湖区 and 滨江区."""

import pytest
from django.core import mail

from tests import factories as f
from wellbeing.models import TripRules


@pytest.fixture
def rules(db):
    return TripRules.load()


@pytest.fixture
def trip(xihu, binjiang):
    trip = f.TripFactory(name="千岛湖疗休养一期", capacity=10)
    f.TripQuotaFactory(trip=trip, branch=xihu, places=3)
    f.TripQuotaFactory(trip=trip, branch=binjiang, places=3)
    return trip


@pytest.fixture
def healthy():
    """A member of a branch with a recorded work and health profile."""

    def make(branch, *, name=None, **profile):
        kwargs = {"branch": branch}
        if name:
            kwargs["name"] = name
        member = f.MemberFactory(**kwargs)
        f.WorkProfileFactory(member=member, **profile)
        return member

    return make


@pytest.fixture
def outbox(settings):
    mail.outbox = []
    return mail.outbox
