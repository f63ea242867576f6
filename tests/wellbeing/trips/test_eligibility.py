"""Each eligibility rule refuses with its own Chinese reason, and the limits are configurable."""

import datetime

import pytest

from core.errors import DomainError
from core.idcard import make_id_number
from members.models import Member
from tests import factories as f
from wellbeing.models import Nomination
from wellbeing.services.trip_rules import eligibility_reasons
from wellbeing.services.trips import nomination_create

pytestmark = pytest.mark.django_db


def aged(branch, years, trip, seq=1):
    """A healthy member who is ``years`` old on the trip's first day."""
    birth = trip.start_date.replace(year=trip.start_date.year - years) - datetime.timedelta(days=10)
    member = f.MemberFactory(branch=branch, id_number=make_id_number("330106", birth, seq))
    f.WorkProfileFactory(member=member)
    return member


def past_trip(member, *, years_ago, status="completed"):
    start = datetime.date.today() - datetime.timedelta(days=int(365.25 * years_ago))
    old = f.TripFactory(start_date=start, end_date=start + datetime.timedelta(days=4), status=status)
    return f.NominationFactory(trip=old, member=member)


def test_eligible_member_has_no_reasons(trip, xihu, healthy, rules):
    assert eligibility_reasons(member=healthy(xihu), trip=trip) == []


def test_member_not_active_is_refused(trip, xihu, healthy):
    member = healthy(xihu)
    member.status = Member.Status.MOVED_OUT
    member.save()
    assert eligibility_reasons(member=member, trip=trip) == [
        "该会员状态为“迁出”，只有在册会员可以参加疗休养。"
    ]


def test_member_over_the_age_limit_is_refused(trip, xihu, rules):
    member = aged(xihu, 71, trip)
    assert eligibility_reasons(member=member, trip=trip) == ["出发时年龄71岁，超过规定上限70岁。"]


def test_age_limits_are_configurable(trip, xihu, rules):
    member = aged(xihu, 71, trip)
    rules.max_age = 75
    rules.save()
    assert eligibility_reasons(member=member, trip=trip) == []
    rules.min_age = 72
    rules.save()
    assert eligibility_reasons(member=member, trip=trip) == ["出发时年龄71岁，未达到规定下限72岁。"]


def test_member_without_health_record_is_refused(trip, xihu, rules):
    member = f.MemberFactory(branch=xihu)
    assert eligibility_reasons(member=member, trip=trip) == [
        "未登记健康状况，请先在“疗休养工作与健康情况”中登记。"
    ]
    rules.require_health_record = False
    rules.save()
    assert eligibility_reasons(member=member, trip=trip) == []


def test_member_unfit_to_travel_is_refused(trip, xihu, healthy, rules):
    member = healthy(xihu, health_status=4)
    assert eligibility_reasons(member=member, trip=trip) == [
        "健康状况为“不宜远行”，不符合参加条件（须不差于“慢性病稳定”）。"
    ]
    rules.max_health_status = 4
    rules.save()
    assert eligibility_reasons(member=member, trip=trip) == []


def test_member_on_a_trip_within_three_years_is_refused(trip, xihu, healthy):
    member = healthy(xihu)
    previous = past_trip(member, years_ago=2)
    [reason] = eligibility_reasons(member=member, trip=trip)
    assert reason.startswith(f"已于{previous.trip.start_date:%Y年%m月}参加“{previous.trip.name}”")
    assert reason.endswith("3年内不再安排疗休养。")


def test_member_whose_last_trip_is_older_than_the_lookback_is_eligible(trip, xihu, healthy, rules):
    member = healthy(xihu)
    past_trip(member, years_ago=4)
    assert eligibility_reasons(member=member, trip=trip) == []
    rules.lookback_years = 5
    rules.save()
    assert eligibility_reasons(member=member, trip=trip)[0].endswith("5年内不再安排疗休养。")


def test_a_cancelled_trip_or_a_withdrawn_place_does_not_count(trip, xihu, healthy):
    member = healthy(xihu)
    past_trip(member, years_ago=1, status="cancelled")
    withdrawn = past_trip(member, years_ago=1)
    withdrawn.status = Nomination.Status.WITHDRAWN
    withdrawn.save()
    assert eligibility_reasons(member=member, trip=trip) == []


def test_member_on_an_overlapping_trip_is_refused(trip, xihu, healthy):
    member = healthy(xihu)
    other = f.TripFactory(
        name="长白山疗休养", start_date=trip.start_date + datetime.timedelta(days=2), end_date=trip.end_date
    )
    f.NominationFactory(trip=other, member=member, status=Nomination.Status.WAITLISTED)
    [reason] = eligibility_reasons(member=member, trip=trip)
    assert reason.startswith("已推荐参加同期的“长白山疗休养”") and reason.endswith("行程重叠。")


def test_member_on_an_adjacent_trip_that_does_not_overlap_is_not_refused_for_overlap(
    trip, xihu, healthy, rules
):
    member = healthy(xihu)
    rules.lookback_years = 0
    rules.save()
    later = f.TripFactory(
        start_date=trip.end_date + datetime.timedelta(days=1),
        end_date=trip.end_date + datetime.timedelta(days=5),
    )
    f.NominationFactory(trip=later, member=member, status=Nomination.Status.PENDING)
    assert eligibility_reasons(member=member, trip=trip) == []


def test_refused_nomination_explains_every_reason_and_writes_nothing(trip, xihu, xihu_officer):
    member = aged(xihu, 72, trip)
    member.work_profile.health_status = 4
    member.work_profile.save()
    with pytest.raises(DomainError) as exc:
        nomination_create(trip=trip, member=member, actor=xihu_officer)
    assert exc.value.code == "ineligible"
    assert "超过规定上限70岁" in exc.value.message and "不宜远行" in exc.value.message
    assert not Nomination.objects.exists()


def test_same_member_twice_on_one_trip_is_refused(trip, xihu, healthy, xihu_officer):
    member = healthy(xihu)
    nomination_create(trip=trip, member=member, actor=xihu_officer)
    with pytest.raises(DomainError, match="该会员已在本团推荐名单中"):
        nomination_create(trip=trip, member=member, actor=xihu_officer)
