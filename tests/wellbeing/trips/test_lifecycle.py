"""The trip life cycle 筹备→报名中→报名截止→已出发→已完成 / 已取消, through trip_transition only."""

import pytest

from core.errors import DomainError
from tests import factories as f
from wellbeing.models import Nomination, TripStatus
from wellbeing.services.trips import nomination_approve, nomination_create, trip_transition

pytestmark = pytest.mark.django_db

T = TripStatus
S = Nomination.Status


@pytest.mark.parametrize(
    ("start", "target"),
    [(T.PLANNING, T.DEPARTED), (T.OPEN, T.COMPLETED), (T.COMPLETED, T.OPEN), (T.CANCELLED, T.OPEN),
     (T.DEPARTED, T.CANCELLED), (T.PLANNING, T.CLOSED)],
)  # fmt: skip
def test_transitions_outside_the_map_are_refused(staff_user, start, target):
    trip = f.TripFactory(status=start)
    with pytest.raises(DomainError) as exc:
        trip_transition(trip=trip, to_status=target, actor=staff_user)
    assert exc.value.code == "invalid_transition"
    trip.refresh_from_db()
    assert trip.status == start


def test_opening_requires_quotas(staff_user):
    trip = f.TripFactory(status=T.PLANNING)
    with pytest.raises(DomainError, match="请先为各分会分配名额"):
        trip_transition(trip=trip, to_status=T.OPEN, actor=staff_user)


def test_opening_notifies_each_branch_of_its_quota(
    staff_user, xihu, xihu_officer, django_capture_on_commit_callbacks, outbox
):
    xihu_officer.email = "o@xihu.example.cn"
    xihu_officer.save()
    trip = f.TripFactory(status=T.PLANNING, name="甘孜州疗休养")
    f.TripQuotaFactory(trip=trip, branch=xihu, places=4)
    with django_capture_on_commit_callbacks(execute=True):
        trip = trip_transition(trip=trip, to_status=T.OPEN, actor=staff_user)
    assert trip.status == T.OPEN
    assert "本分会名额4人" in outbox[0].body


def test_only_association_staff_change_the_status(trip, xihu_officer):
    with pytest.raises(DomainError, match="只有协会工作人员"):
        trip_transition(trip=trip, to_status=T.CLOSED, actor=xihu_officer)


def test_departure_needs_every_nomination_decided(trip, xihu, healthy, xihu_officer, staff_user):
    nomination_create(trip=trip, member=healthy(xihu), actor=xihu_officer)
    trip_transition(trip=trip, to_status=T.CLOSED, actor=staff_user)
    with pytest.raises(DomainError, match="还有1条推荐待审核"):
        trip_transition(trip=trip, to_status=T.DEPARTED, actor=staff_user)


def test_full_life_cycle_lapses_the_waitlist_and_marks_no_shows(
    trip, xihu, healthy, xihu_officer, staff_user
):
    placed = [nomination_create(trip=trip, member=healthy(xihu), actor=xihu_officer) for _ in range(3)]
    waiting = nomination_create(trip=trip, member=healthy(xihu), actor=xihu_officer)
    for n in placed:
        nomination_approve(nomination=n, actor=staff_user)
    trip_transition(trip=trip, to_status=T.CLOSED, actor=staff_user)
    trip_transition(trip=trip, to_status=T.DEPARTED, actor=staff_user)
    waiting.refresh_from_db()
    assert waiting.status == S.LAPSED
    Nomination.objects.filter(pk=placed[0].pk).update(departed_at="2026-01-01T08:00:00+08:00")
    trip_transition(trip=trip, to_status=T.COMPLETED, actor=staff_user)
    statuses = sorted(
        Nomination.objects.filter(pk__in=[n.pk for n in placed]).values_list("status", flat=True)
    )
    assert statuses == [S.APPROVED, S.NO_SHOW, S.NO_SHOW]
    assert list(trip.history.values_list("status", flat=True)) == [T.COMPLETED, T.DEPARTED, T.CLOSED, T.OPEN]


def test_cancelling_needs_a_reason_and_notifies_the_branches(
    trip, xihu, healthy, xihu_officer, staff_user, outbox, django_capture_on_commit_callbacks
):
    xihu_officer.email = "o@xihu.example.cn"
    xihu_officer.save()
    nomination_create(trip=trip, member=healthy(xihu), actor=xihu_officer)
    with pytest.raises(DomainError, match="请填写取消原因"):
        trip_transition(trip=trip, to_status=T.CANCELLED, actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        trip_transition(trip=trip, to_status=T.CANCELLED, actor=staff_user, note="台风预警")
    assert [m.subject for m in outbox] == [f"疗休养取消：{trip.name}"]
    assert "台风预警" in outbox[0].body
