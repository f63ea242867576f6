"""Two officers taking the last place at the same moment: exactly one gets it (PostgreSQL, real connections)."""

import threading

import pytest
from django.db import connection

from core.errors import DomainError
from core.scoping import user_scope_for_request
from tests import factories as f
from wellbeing.models import Nomination
from wellbeing.services.trips import nomination_approve, nomination_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def as_user(user, call):
    """A new thread has no scope: enter the one the request's middleware would for ``user``."""

    def scoped():
        with user_scope_for_request(user):
            return call()

    return scoped


def race(*calls):
    """Run each call in its own thread (own database connection), released together."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results, errors


def test_two_officers_racing_for_the_last_place_exactly_one_gets_it(xihu, binjiang):
    trip = f.TripFactory(capacity=3)
    f.TripQuotaFactory(trip=trip, branch=xihu, places=3)
    f.TripQuotaFactory(trip=trip, branch=binjiang, places=3)
    xihu_officer, binjiang_officer = f.officer(xihu, username="ox"), f.officer(binjiang, username="ob")
    for _ in range(2):
        nomination_create(
            trip=trip, member=f.WorkProfileFactory(member__branch=xihu).member, actor=xihu_officer
        )
    a = f.WorkProfileFactory(member__branch=xihu).member
    b = f.WorkProfileFactory(member__branch=binjiang).member

    results, errors = race(
        as_user(xihu_officer, lambda: nomination_create(trip=trip, member=a, actor=xihu_officer)),
        as_user(binjiang_officer, lambda: nomination_create(trip=trip, member=b, actor=binjiang_officer)),
    )

    assert errors == [None, None]
    assert sorted(n.status for n in results) == [Nomination.Status.PENDING, Nomination.Status.WAITLISTED]
    assert Nomination.objects.filter(trip=trip).holding().count() == 3


def test_two_staff_approving_waitlisted_nominees_for_one_freed_place_exactly_one_succeeds(xihu):
    trip = f.TripFactory(capacity=1)
    f.TripQuotaFactory(trip=trip, branch=xihu, places=1)
    staff_a, staff_b = f.association_staff(username="sa"), f.association_staff(username="sb")
    first, second = (
        f.NominationFactory(
            trip=trip, member=f.WorkProfileFactory(member__branch=xihu).member, status="waitlisted"
        )
        for _ in range(2)
    )

    results, errors = race(
        as_user(staff_a, lambda: nomination_approve(nomination=first, actor=staff_a)),
        as_user(staff_b, lambda: nomination_approve(nomination=second, actor=staff_b)),
    )

    assert sum(r is not None for r in results) == 1
    [error] = [e for e in errors if e is not None]
    assert isinstance(error, DomainError) and "已满" in error.message
    assert Nomination.objects.filter(trip=trip, status="approved").count() == 1
