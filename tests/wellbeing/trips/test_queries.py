"""Changelists of trips, nominations and quotas cost the same number of queries for 2 rows or 12."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def queries(client, name):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse(f"admin:wellbeing_{name}")).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "name", ["nomination_changelist", "convalescencetrip_changelist", "tripquota_changelist"]
)
def test_changelist_queries_do_not_grow_with_rows(client, staff_user, trip, xihu, name):
    client.force_login(staff_user)
    for _ in range(2):
        f.SafetyCheckFactory(nomination__trip=trip, nomination__member__branch=xihu)
    few = queries(client, name)
    for _ in range(10):
        f.SafetyCheckFactory(nomination__trip=f.TripFactory(), nomination__member__branch=xihu)
    assert queries(client, name) == few
