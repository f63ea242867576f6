"""The member's own page shows the houses the member belongs to and the activities presented."""

import pytest
from django.template.loader import render_to_string

from core.sections import member_sections
from tests import factories as f

pytestmark = pytest.mark.django_db


def _section(member):
    return next(s for s in member_sections(member) if s["key"] == "workshops")["context"]


def test_section_lists_houses_led_and_joined_but_not_revoked(xihu, xihu_member):
    f.WorkshopFactory(branch=xihu, leader=xihu_member, status="named", name="领衔之家")
    joined = f.WorkshopFactory(branch=xihu, status="applied", name="参与之家")
    joined.members.add(xihu_member)
    revoked = f.WorkshopFactory(branch=xihu, status="revoked", name="撤销之家")
    revoked.members.add(xihu_member)
    section = _section(xihu_member)
    assert [(w["name"], w["is_leader"]) for w in section["workshops"]] == [
        ("参与之家", False),
        ("领衔之家", True),
    ]


def test_section_renders_activities_presented(xihu, xihu_member):
    activity = f.WorkshopActivityFactory(
        workshop=f.WorkshopFactory(branch=xihu, status="named"), title="焊接绝技"
    )
    activity.presenters.add(xihu_member)
    html = render_to_string("workshops/me/section.html", _section(xihu_member))
    assert "焊接绝技" in html and "尚未加入劳模工匠之家" in html


def test_section_of_another_member_is_empty(xihu, xihu_member, binjiang_member):
    f.WorkshopFactory(branch=xihu, leader=xihu_member, status="named")
    assert _section(binjiang_member)["workshops"] == []
