"""The member's own service record: the /me/ section's context function and template."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from core.sections import member_sections
from tests import factories as f
from volunteering.sections import member_service_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(xihu_member, binjiang_member, xihu_team, binjiang_team):
    f.ParticipationFactory(
        member=xihu_member,
        event=f.ServiceEventFactory(team=xihu_team, title="数控机床攻关", date=datetime.date(2024, 5, 1)),
        hours=3,
    )
    f.ParticipationFactory(
        member=xihu_member,
        event=f.ServiceEventFactory(team=binjiang_team, title="社区防疫", category="epidemic"),
        hours="4.5",
        role="leader",
    )
    f.ParticipationFactory(
        member=xihu_member,
        event=f.ServiceEventFactory(team=xihu_team, title="下月巡查", status="planned"),
        hours=2,
    )
    f.ParticipationFactory(
        member=xihu_member, event=f.ServiceEventFactory(team=xihu_team, status="cancelled")
    )
    f.ParticipationFactory(
        member=binjiang_member, event=f.ServiceEventFactory(team=binjiang_team, title="别人的活动")
    )
    return member_service_record(xihu_member)


def test_record_sums_own_completed_hours(record):
    assert record["total_hours"] == Decimal("7.5")
    assert record["event_count"] == 2
    assert [p.event.title for p in record["participations"]] == ["社区防疫", "数控机床攻关"]


def test_record_breaks_hours_down_by_year(record):
    assert record["hours_by_year"] == [
        {"year": 2025, "hours": Decimal("4.5"), "events": 1},
        {"year": 2024, "hours": Decimal("3"), "events": 1},
    ]


def test_planned_events_are_listed_apart(record):
    assert [p.event.title for p in record["upcoming"]] == ["下月巡查"]


def test_member_without_service_has_an_empty_record(binjiang_member):
    record = member_service_record(f.MemberFactory(branch=binjiang_member.branch))
    assert (record["total_hours"], record["event_count"], record["participations"]) == (0, 0, [])


def test_template_renders_the_record(record, xihu_member):
    html = render_to_string("volunteering/me/section.html", {"title": "志愿服务记录", **record})
    assert "7.5" in html and "数控机床攻关" in html and "社区防疫" in html and "带队" in html
    assert "别人的活动" not in html
    assert xihu_member.id_number not in html


def test_empty_record_renders_a_friendly_line(xihu):
    html = render_to_string(
        "volunteering/me/section.html", member_service_record(f.MemberFactory(branch=xihu))
    )
    assert "暂无已完成的服务记录" in html


def test_section_is_registered_for_the_me_page(record, xihu_member):
    section = next(s for s in member_sections(xihu_member) if s["key"] == "volunteering")
    assert section["template"] == "volunteering/me/section.html"
    assert section["context"]["total_hours"] == Decimal("7.5")
