"""The 疗休养推荐 list at 1366 px: the score in the list, its breakdown in a tooltip and on the change page."""

import html
from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

PARTS = [
    {"label": "一线岗位", "points": 20},
    {"label": "抗疫一线（医务人员）", "points": 25},
    {"label": "从未参加疗休养", "points": 48.5},
]
BREAKDOWN = "一线岗位 20 + 抗疫一线（医务人员） 25 + 从未参加疗休养 48.5 = 93.50"


@pytest.fixture
def nominations(xihu, binjiang):
    trip = f.TripFactory(name="千岛湖疗休养一期")
    return {
        "xihu": f.NominationFactory(
            trip=trip, member=f.MemberFactory(branch=xihu, name="西湖推荐"), status="pending",
            priority_parts=PARTS, priority_score=Decimal("93.50"),
        ),
        "binjiang": f.NominationFactory(
            trip=trip, member=f.MemberFactory(branch=binjiang, name="滨江推荐"), status="pending",
            priority_parts=PARTS[:1], priority_score=Decimal("20"),
        ),
    }  # fmt: skip


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_list_shows_the_score_with_the_breakdown_as_its_tooltip(
    client, staff_user, xihu_officer, nominations, role
):
    client.force_login(staff_user if role == "staff" else xihu_officer)
    response = client.get(reverse("admin:wellbeing_nomination_changelist"))
    assert response.status_code == 200
    headers = [h["text"] for h in response.context["result_headers"]]
    assert "优先分" in headers and "优先分构成" not in headers
    body = html.unescape(response.content.decode())
    assert f'<span class="score-hint" title="{BREAKDOWN}">93.5</span>' in body
    # The breakdown is never a cell of its own (it wrapped into a dozen lines a row).
    assert body.count(BREAKDOWN) == 1
    assert ("滨江推荐" in body) is (role == "staff")


def test_change_page_explains_the_score(client, staff_user, nominations):
    client.force_login(staff_user)
    response = client.get(reverse("admin:wellbeing_nomination_change", args=[nominations["xihu"].pk]))
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "优先分构成" in body and BREAKDOWN in body


def test_other_branch_officer_gets_no_tooltip_of_theirs(client, binjiang_officer, nominations):
    client.force_login(binjiang_officer)
    body = html.unescape(client.get(reverse("admin:wellbeing_nomination_changelist")).content.decode())
    assert "西湖推荐" not in body and BREAKDOWN not in body
