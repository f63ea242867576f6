"""The safety-check gate: nobody is marked departed without a complete pre-departure check."""

import pytest

from core.errors import ConflictError, DomainError
from tests import factories as f
from wellbeing.models import SafetyCheck
from wellbeing.services.trips import participant_mark_departed, safety_check_save

pytestmark = pytest.mark.django_db


@pytest.fixture
def departing(trip, xihu, healthy):
    trip.status = "departed"
    trip.save()
    return f.NominationFactory(trip=trip, member=healthy(xihu, name="出发甲"))


def test_participant_without_a_safety_check_cannot_depart(departing, xihu_officer):
    with pytest.raises(DomainError) as exc:
        participant_mark_departed(nomination=departing, actor=xihu_officer)
    assert exc.value.code == "safety_check_missing"
    assert exc.value.message == "出发甲尚未完成出发前安全核查，不能登记出发。"
    departing.refresh_from_db()
    assert departing.departed_at is None


def test_incomplete_safety_check_names_what_is_missing(departing, xihu_officer):
    f.SafetyCheckFactory(nomination=departing, health_declared=False, insurance_policy_number="")
    with pytest.raises(DomainError) as exc:
        participant_mark_departed(nomination=departing, actor=xihu_officer)
    assert exc.value.message == "出发甲的安全核查未完成：健康申报、保险保单，不能登记出发。"


def test_travel_history_is_required_where_the_trip_requires_it(departing, xihu_officer):
    departing.trip.requires_travel_history = True
    departing.trip.save()
    f.SafetyCheckFactory(nomination=departing)
    with pytest.raises(DomainError, match="近期行程史"):
        participant_mark_departed(nomination=departing, actor=xihu_officer)


def test_a_fever_at_departure_blocks(departing, xihu_officer):
    f.SafetyCheckFactory(nomination=departing)
    with pytest.raises(DomainError, match=r"体温异常（37.8℃）"):
        participant_mark_departed(nomination=departing, actor=xihu_officer, temperature="37.8")


def test_complete_safety_check_lets_the_participant_depart_once(departing, xihu_officer):
    f.SafetyCheckFactory(nomination=departing)
    participant_mark_departed(nomination=departing, actor=xihu_officer, temperature="36.5")
    departing.refresh_from_db()
    assert departing.departed_at is not None
    with pytest.raises(ConflictError, match="已登记出发"):
        participant_mark_departed(nomination=departing, actor=xihu_officer)


def test_other_branch_officer_cannot_mark_departed(departing, binjiang_officer):
    f.SafetyCheckFactory(nomination=departing)
    with pytest.raises(DomainError, match="推荐记录不存在"):
        participant_mark_departed(nomination=departing, actor=binjiang_officer)


def test_safety_check_save_records_who_checked(departing, xihu_officer):
    check = SafetyCheck(nomination=departing, health_declared=True, special_needs="素食")
    safety_check_save(check=check, actor=xihu_officer)
    check.refresh_from_db()
    assert check.checked_by == xihu_officer and check.missing_items() == ["紧急联系人及电话", "保险保单"]
    assert check.history.get().history_user == xihu_officer
