"""Quota per branch and trip capacity; the waitlist in priority order and its automatic promotion."""

import pytest

from core.errors import ConflictError, DomainError
from tests import factories as f
from wellbeing.models import Nomination, TripQuota
from wellbeing.services.trips import (
    nomination_approve,
    nomination_create,
    nomination_reject,
    nomination_withdraw,
)

pytestmark = pytest.mark.django_db

S = Nomination.Status


def nominate(trip, member, actor):
    return nomination_create(trip=trip, member=member, actor=actor)


def test_branch_quota_is_enforced_then_the_waitlist_begins(trip, xihu, healthy, xihu_officer):
    results = [nominate(trip, healthy(xihu), xihu_officer) for _ in range(4)]
    assert [n.status for n in results] == [S.PENDING, S.PENDING, S.PENDING, S.WAITLISTED]
    assert results[-1].decision_note == "本分会名额（3人）已满，列入候补"


def test_trip_capacity_is_enforced_across_branches(
    trip, xihu, binjiang, healthy, xihu_officer, binjiang_officer
):
    trip.capacity = 4
    trip.save()
    for _ in range(3):
        nominate(trip, healthy(xihu), xihu_officer)
    assert nominate(trip, healthy(binjiang), binjiang_officer).status == S.PENDING
    late = nominate(trip, healthy(binjiang), binjiang_officer)
    assert late.status == S.WAITLISTED and late.decision_note == "本团总名额（4人）已满，列入候补"


def test_waitlisted_nominee_cannot_be_approved_while_full(trip, xihu, healthy, xihu_officer, staff_user):
    for _ in range(3):
        nominate(trip, healthy(xihu), xihu_officer)
    waiting = nominate(trip, healthy(xihu), xihu_officer)
    with pytest.raises(ConflictError, match="本分会名额（3人）已满"):
        nomination_approve(nomination=waiting, actor=staff_user)


def test_only_association_staff_approve(trip, xihu, healthy, xihu_officer):
    nomination = nominate(trip, healthy(xihu), xihu_officer)
    with pytest.raises(DomainError, match="只有协会工作人员"):
        nomination_approve(nomination=nomination, actor=xihu_officer)
    nomination.refresh_from_db()
    assert nomination.status == S.PENDING


def test_officer_cannot_nominate_another_branchs_member(trip, binjiang, healthy, xihu_officer):
    with pytest.raises(DomainError, match="只能推荐本分会的在册会员"):
        nominate(trip, healthy(binjiang), xihu_officer)
    assert not Nomination.objects.exists()


def test_branch_without_quota_cannot_nominate(trip, healthy, staff_user):
    other = f.BranchFactory(name="上城区", code="shangcheng")
    with pytest.raises(DomainError, match="本团没有给上城区分配名额"):
        nominate(trip, healthy(other), staff_user)


def test_trip_not_open_takes_no_nominations(trip, xihu, healthy, xihu_officer):
    trip.status = "closed"
    trip.save()
    with pytest.raises(DomainError, match="当前为“报名截止”，不接受推荐"):
        nominate(trip, healthy(xihu), xihu_officer)


def fill_xihu_and_waitlist(trip, xihu, healthy, officer):
    placed = [nominate(trip, healthy(xihu), officer) for _ in range(3)]
    low = nominate(trip, healthy(xihu), officer)
    high = nominate(trip, healthy(xihu, front_line=True, heavy_or_harsh=True), officer)
    return placed, low, high


def test_withdrawal_promotes_the_highest_priority_waitlisted(
    trip, xihu, healthy, xihu_officer, outbox, django_capture_on_commit_callbacks
):
    f.UserFactory(username="xihu_mail", email="xihu@example.cn", is_staff=True)
    xihu_officer.email = "officer@xihu.example.cn"
    xihu_officer.save()
    placed, low, high = fill_xihu_and_waitlist(trip, xihu, healthy, xihu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        nomination_withdraw(nomination=placed[0], actor=xihu_officer, note="家中有事")
    high.refresh_from_db()
    low.refresh_from_db()
    assert (high.status, low.status) == (S.PENDING, S.WAITLISTED)
    assert "由候补递补" in high.decision_note
    [message] = outbox
    assert message.to == ["officer@xihu.example.cn"]
    assert high.member.name in message.body and "候补递补" in message.subject


def test_notification_is_sent_only_after_commit(
    trip, xihu, healthy, xihu_officer, outbox, django_capture_on_commit_callbacks
):
    xihu_officer.email = "officer@xihu.example.cn"
    xihu_officer.save()
    placed, _, _ = fill_xihu_and_waitlist(trip, xihu, healthy, xihu_officer)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        nomination_withdraw(nomination=placed[0], actor=xihu_officer)
        assert outbox == []
    assert len(callbacks) == 1


def test_promotion_skips_a_waitlisted_nominee_whose_branch_is_full(
    trip, xihu, binjiang, healthy, xihu_officer, binjiang_officer
):
    trip.capacity = 4
    trip.save()
    xihu_placed = [nominate(trip, healthy(xihu), xihu_officer) for _ in range(3)]
    binjiang_placed = nominate(trip, healthy(binjiang), binjiang_officer)
    xihu_waiting = nominate(
        trip, healthy(xihu, epidemic_role="medical", epidemic_service="援鄂"), xihu_officer
    )
    binjiang_waiting = nominate(trip, healthy(binjiang), binjiang_officer)
    assert xihu_waiting.priority_score > binjiang_waiting.priority_score
    nomination_withdraw(nomination=binjiang_placed, actor=binjiang_officer)
    xihu_waiting.refresh_from_db()
    binjiang_waiting.refresh_from_db()
    # 西湖区 still holds its 3 places: its higher-scored nominee must wait, 滨江区's moves up.
    assert (xihu_waiting.status, binjiang_waiting.status) == (S.WAITLISTED, S.PENDING)
    assert len(xihu_placed) == 3


def test_rejection_frees_the_place_for_the_waitlist(trip, xihu, healthy, xihu_officer, staff_user):
    placed, low, high = fill_xihu_and_waitlist(trip, xihu, healthy, xihu_officer)
    with pytest.raises(DomainError, match="请填写不通过的原因"):
        nomination_reject(nomination=placed[1], actor=staff_user, note=" ")
    nomination_reject(nomination=placed[1], actor=staff_user, note="优先安排一线职工")
    high.refresh_from_db()
    assert high.status == S.PENDING


def test_raising_a_quota_promotes_from_the_waitlist(trip, xihu, healthy, xihu_officer, staff_user):
    from wellbeing.services.trips import trip_fill_from_waitlist

    _, low, high = fill_xihu_and_waitlist(trip, xihu, healthy, xihu_officer)
    TripQuota.objects.filter(trip=trip, branch=xihu).update(places=4)
    assert trip_fill_from_waitlist(trip=trip, actor=staff_user) == [high]


def test_approval_confirms_a_pending_nominee(trip, xihu, healthy, xihu_officer, staff_user):
    nomination = nominate(trip, healthy(xihu), xihu_officer)
    nomination_approve(nomination=nomination, actor=staff_user, note="符合条件")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.decided_by) == (S.APPROVED, staff_user)
    assert nomination.history.count() == 2


def test_officer_cannot_withdraw_another_branchs_nominee(
    trip, binjiang, healthy, binjiang_officer, xihu_officer
):
    nomination = nominate(trip, healthy(binjiang), binjiang_officer)
    with pytest.raises(DomainError, match="推荐记录不存在"):
        nomination_withdraw(nomination=nomination, actor=xihu_officer)
    nomination.refresh_from_db()
    assert nomination.status == S.PENDING


def test_a_quota_cannot_drop_below_the_places_already_held(trip, xihu, healthy, xihu_officer):
    from django.core.exceptions import ValidationError

    for _ in range(2):
        nominate(trip, healthy(xihu), xihu_officer)
    quota = TripQuota.objects.get(trip=trip, branch=xihu)
    quota.places = 1
    with pytest.raises(ValidationError) as exc:
        quota.full_clean()
    assert exc.value.message_dict["places"] == ["该分会已占用 2 个名额，名额不能少于此数。"]
