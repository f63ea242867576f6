"""Service events over the API, per role: staff, officer A/B, member, anonymous."""

import datetime
from decimal import Decimal

import pytest

from tests import factories as f
from tests.api_helpers import assert_like_missing, assert_list, assert_statuses, scoped_detail, scoped_list
from volunteering.models import Participation, ServiceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def teams(xihu, binjiang):
    return {"xihu": f.ServiceTeamFactory(branch=xihu), "binjiang": f.ServiceTeamFactory(branch=binjiang)}


@pytest.fixture
def events(teams, xihu_member, binjiang_member):
    xihu_event = f.ServiceEventFactory(team=teams["xihu"], title="西湖活动")
    binjiang_event = f.ServiceEventFactory(team=teams["binjiang"], title="滨江活动")
    f.ParticipationFactory(event=xihu_event, member=xihu_member, hours=Decimal("3.5"))
    f.ParticipationFactory(event=binjiang_event, member=binjiang_member, hours=2)
    return {"xihu": xihu_event, "binjiang": binjiang_event}


@scoped_list({"西湖活动", "滨江活动"}, {"西湖活动"}, {"滨江活动"})
def test_event_list_per_role(api_as, events, role, status, expected):
    assert_list(api_as(role), "/api/service-events/", status, "title", expected)


@scoped_detail
def test_event_detail_per_role(api_as, events, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role),
        "/api/service-events/{}/",
        {events["xihu"].pk: xihu_status, events["binjiang"].pk: binjiang_status},
    )


def test_other_branch_event_answers_like_missing(api_as, events):
    assert_like_missing(api_as("officer_a"), "/api/service-events/{}/", events["binjiang"].pk)


def test_event_carries_participations_and_hours(api_as, events, xihu_member):
    data = api_as("officer_a").get(f"/api/service-events/{events['xihu'].pk}/").json()
    assert [(p["member"], p["hours"]) for p in data["participations"]] == [(xihu_member.pk, "3.5")]
    assert data["total_hours"] == "3.5" and data["status"] == "done"


def event_payload(team, **extra):
    return {
        "team": team.pk, "title": "送技术进企业", "category": "technical", "date": "2026-03-01",
        "duration_hours": "4", "place": "杭州市西湖区", **extra,
    }  # fmt: skip


def test_officer_plans_event_for_own_team_and_status_is_ignored(api_as, teams):
    response = api_as("officer_a").post(
        "/api/service-events/", event_payload(teams["xihu"], status="done"), format="json"
    )
    assert response.status_code == 201
    event = ServiceEvent.objects.get(pk=response.json()["id"])
    assert event.team == teams["xihu"] and event.status == "planned"


def test_officer_cannot_plan_for_other_branch_team(api_as, teams):
    response = api_as("officer_a").post(
        "/api/service-events/", event_payload(teams["binjiang"]), format="json"
    )
    assert response.status_code == 400 and "team" in response.json()
    assert not ServiceEvent.objects.exists()


def test_member_cannot_plan_event(api_as, teams):
    response = api_as("member").post("/api/service-events/", event_payload(teams["xihu"]), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_event_cannot_be_edited_directly(api_as, events, method):
    response = getattr(api_as("staff"), method)(
        f"/api/service-events/{events['xihu'].pk}/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 405
    events["xihu"].refresh_from_db()
    assert events["xihu"].status == "done"


def test_officer_records_participation_for_own_member(api_as, teams, xihu):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned")
    volunteer = f.MemberFactory(branch=xihu)
    response = api_as("officer_a").post(
        f"/api/service-events/{event.pk}/participations/",
        {"member": volunteer.pk, "hours": "6"},
        format="json",
    )
    assert response.status_code == 200
    assert Participation.objects.get(event=event, member=volunteer).hours == Decimal("6")


def test_officer_cannot_record_other_branch_member(api_as, teams, binjiang_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned")
    response = api_as("officer_a").post(
        f"/api/service-events/{event.pk}/participations/", {"member": binjiang_member.pk, "hours": "6"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "member" in response.json()
    assert not Participation.objects.filter(event=event).exists()


def test_cancelled_event_refuses_participation(api_as, teams, xihu_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="cancelled")
    response = api_as("officer_a").post(
        f"/api/service-events/{event.pk}/participations/",
        {"member": xihu_member.pk, "hours": "2"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "event_cancelled"


def test_complete_without_participants_is_refused(api_as, teams):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned", date=datetime.date(2025, 1, 1))
    response = api_as("officer_a").post(f"/api/service-events/{event.pk}/complete/", {}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "no_participants"


def test_officer_completes_own_event(api_as, teams, xihu_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned", date=datetime.date(2025, 1, 1))
    f.ParticipationFactory(event=event, member=xihu_member)
    response = api_as("officer_a").post(
        f"/api/service-events/{event.pk}/complete/", {"outcome": "解决了设备故障"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_officer_cannot_cancel_other_branch_event(api_as, teams):
    event = f.ServiceEventFactory(team=teams["binjiang"], status="planned")
    response = api_as("officer_a").post(f"/api/service-events/{event.pk}/cancel/")
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == "planned"


def test_event_list_query_count_is_bounded(api_as, teams, xihu, django_assert_max_num_queries):
    for _ in range(5):
        event = f.ServiceEventFactory(team=teams["xihu"])
        for _ in range(3):
            f.ParticipationFactory(event=event, member=f.MemberFactory(branch=xihu))
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/service-events/")
    assert len(response.json()["results"]) == 5
