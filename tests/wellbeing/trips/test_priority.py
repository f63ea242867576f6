"""Priority: a score from weighted parts that staff can change, shown so the choice can be explained."""

import datetime
from decimal import Decimal

import pytest

from core.idcard import make_id_number
from tests import factories as f
from wellbeing.models import Nomination, PriorityGroup
from wellbeing.services.trip_rules import priority_for
from wellbeing.services.trips import nomination_create

pytestmark = pytest.mark.django_db


def member_aged(branch, age, trip, seq, **profile):
    birth = trip.start_date.replace(year=trip.start_date.year - age) - datetime.timedelta(days=10)
    member = f.MemberFactory(branch=branch, id_number=make_id_number("330106", birth, seq))
    f.WorkProfileFactory(member=member, **profile)
    return member


def test_score_is_the_sum_of_its_explained_parts(trip, xihu, rules):
    member = member_aged(
        xihu, 55, trip, 1, front_line=True, heavy_or_harsh=True, epidemic_role="medical", epidemic_service="x"
    )
    priority = priority_for(member=member, trip=trip)
    labels = {p["key"]: (p["label"], Decimal(p["points"])) for p in priority.parts}
    assert labels == {
        "front_line": ("一线岗位", Decimal("20")),
        "heavy_or_harsh": ("繁重或艰苦岗位", Decimal("20")),
        "epidemic": ("抗疫一线（医务人员）", Decimal("25")),
        "years_since": ("从未参加疗休养（按10年计）", Decimal("50")),
        "age": ("年龄55岁（超过45岁10年）", Decimal("5")),
    }
    assert priority.score == Decimal("120") and priority.group == PriorityGroup.EPIDEMIC


def test_years_since_the_last_trip_count(trip, xihu, rules):
    member = member_aged(xihu, 40, trip, 2)
    old_start = trip.start_date - datetime.timedelta(days=365 * 4 + 2)
    old = f.TripFactory(
        start_date=old_start, end_date=old_start + datetime.timedelta(days=3), status="completed"
    )
    f.NominationFactory(trip=old, member=member)
    priority = priority_for(member=member, trip=trip)
    assert priority.parts == [{"key": "years_since", "label": "距上次疗休养4年", "points": "20.00"}]


def test_nominees_are_listed_in_priority_order_with_parts_shown(trip, xihu, rules, xihu_officer):
    plain = member_aged(xihu, 40, trip, 3)
    epidemic = member_aged(xihu, 40, trip, 4, epidemic_role="police", epidemic_service="2020年卡口执勤")
    front = member_aged(xihu, 40, trip, 5, front_line=True)
    for member in (plain, epidemic, front):
        nomination_create(trip=trip, member=member, actor=xihu_officer)
    ordered = list(Nomination.objects.filter(trip=trip).in_priority_order())
    assert [n.member for n in ordered] == [epidemic, front, plain]
    assert (
        ordered[0].parts_display() == "抗疫一线（公安民警） 25.00 + 从未参加疗休养（按10年计） 50.00 = 75.00"
    )


def test_staff_changing_weights_changes_the_order(trip, xihu, rules):
    epidemic = member_aged(xihu, 40, trip, 6, epidemic_role="volunteer", epidemic_service="社区志愿服务")
    front = member_aged(xihu, 40, trip, 7, front_line=True)
    assert priority_for(member=epidemic, trip=trip).score > priority_for(member=front, trip=trip).score
    rules.weight_front_line = Decimal("40")
    rules.save()
    assert priority_for(member=front, trip=trip).score > priority_for(member=epidemic, trip=trip).score


def test_rescore_applies_new_weights_to_open_nominations(trip, xihu, rules, xihu_officer, staff_user):
    from wellbeing.services.trips import nominations_rescore

    member = member_aged(xihu, 40, trip, 8, front_line=True)
    nomination = nomination_create(trip=trip, member=member, actor=xihu_officer)
    rules.weight_front_line = Decimal("33")
    rules.save()
    assert nominations_rescore(trip=trip, actor=staff_user) == 1
    nomination.refresh_from_db()
    assert nomination.priority_score == Decimal("83")
