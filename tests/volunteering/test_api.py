"""Service events over the API, per role: staff, officer A/B, member, anonymous."""

import datetime
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from tests import factories as f
from volunteering.models import Participation, ServiceEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def users(staff_user, xihu_officer, binjiang_officer, xihu_member):
    return {
        "staff": staff_user,
        "officer_a": xihu_officer,
        "officer_b": binjiang_officer,
        "member": f.member_user(xihu_member),
        "anonymous": None,
    }


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


def as_user(api, user):
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.mark.parametrize(
    ("role", "status", "titles"),
    [
        ("staff", 200, {"西湖活动", "滨江活动"}),
        ("officer_a", 200, {"西湖活动"}),
        ("officer_b", 200, {"滨江活动"}),
        ("member", 403, None),
        ("anonymous", 401, None),
    ],
)
def test_event_list_per_role(api, users, events, role, status, titles):
    response = as_user(api, users[role]).get("/api/service-events/")
    assert response.status_code == status
    if titles is not None:
        assert {e["title"] for e in response.json()["results"]} == titles


@pytest.mark.parametrize(
    ("role", "xihu_status", "binjiang_status"),
    [
        ("staff", 200, 200),
        ("officer_a", 200, 404),
        ("officer_b", 404, 200),
        ("member", 403, 403),
        ("anonymous", 401, 401),
    ],
)
def test_event_detail_per_role(api, users, events, role, xihu_status, binjiang_status):
    client = as_user(api, users[role])
    assert client.get(f"/api/service-events/{events['xihu'].pk}/").status_code == xihu_status
    assert client.get(f"/api/service-events/{events['binjiang'].pk}/").status_code == binjiang_status


def test_other_branch_event_answers_like_missing(api, users, events):
    client = as_user(api, users["officer_a"])
    other = client.get(f"/api/service-events/{events['binjiang'].pk}/")
    missing = client.get(f"/api/service-events/{events['binjiang'].pk + 10_000}/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_event_carries_participations_and_hours(api, users, events, xihu_member):
    data = as_user(api, users["officer_a"]).get(f"/api/service-events/{events['xihu'].pk}/").json()
    assert [(p["member"], p["hours"]) for p in data["participations"]] == [(xihu_member.pk, "3.5")]
    assert data["total_hours"] == "3.5" and data["status"] == "done"


def event_payload(team, **extra):
    return {
        "team": team.pk, "title": "送技术进企业", "category": "technical", "date": "2026-03-01",
        "duration_hours": "4", "place": "杭州市西湖区", **extra,
    }  # fmt: skip


def test_officer_plans_event_for_own_team_and_status_is_ignored(api, users, teams):
    response = as_user(api, users["officer_a"]).post(
        "/api/service-events/", event_payload(teams["xihu"], status="done"), format="json"
    )
    assert response.status_code == 201
    event = ServiceEvent.objects.get(pk=response.json()["id"])
    assert event.team == teams["xihu"] and event.status == "planned"


def test_officer_cannot_plan_for_other_branch_team(api, users, teams):
    response = as_user(api, users["officer_a"]).post(
        "/api/service-events/", event_payload(teams["binjiang"]), format="json"
    )
    assert response.status_code == 400 and "team" in response.json()
    assert not ServiceEvent.objects.exists()


def test_member_cannot_plan_event(api, users, teams):
    response = as_user(api, users["member"]).post(
        "/api/service-events/", event_payload(teams["xihu"]), format="json"
    )
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_event_cannot_be_edited_directly(api, users, events, method):
    response = getattr(as_user(api, users["staff"]), method)(
        f"/api/service-events/{events['xihu'].pk}/", {"status": "cancelled"}, format="json"
    )
    assert response.status_code == 405
    events["xihu"].refresh_from_db()
    assert events["xihu"].status == "done"


def test_officer_records_participation_for_own_member(api, users, teams, xihu):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned")
    volunteer = f.MemberFactory(branch=xihu)
    response = as_user(api, users["officer_a"]).post(
        f"/api/service-events/{event.pk}/participations/",
        {"member": volunteer.pk, "hours": "6"},
        format="json",
    )
    assert response.status_code == 200
    assert Participation.objects.get(event=event, member=volunteer).hours == Decimal("6")


def test_officer_cannot_record_other_branch_member(api, users, teams, binjiang_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned")
    response = as_user(api, users["officer_a"]).post(
        f"/api/service-events/{event.pk}/participations/", {"member": binjiang_member.pk, "hours": "6"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "member" in response.json()
    assert not Participation.objects.filter(event=event).exists()


def test_cancelled_event_refuses_participation(api, users, teams, xihu_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="cancelled")
    response = as_user(api, users["officer_a"]).post(
        f"/api/service-events/{event.pk}/participations/",
        {"member": xihu_member.pk, "hours": "2"},
        format="json",
    )
    assert response.status_code == 400 and response.json()["code"] == "event_cancelled"


def test_complete_without_participants_is_refused(api, users, teams):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned", date=datetime.date(2025, 1, 1))
    response = as_user(api, users["officer_a"]).post(
        f"/api/service-events/{event.pk}/complete/", {}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "no_participants"


def test_officer_completes_own_event(api, users, teams, xihu_member):
    event = f.ServiceEventFactory(team=teams["xihu"], status="planned", date=datetime.date(2025, 1, 1))
    f.ParticipationFactory(event=event, member=xihu_member)
    response = as_user(api, users["officer_a"]).post(
        f"/api/service-events/{event.pk}/complete/", {"outcome": "解决了设备故障"}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "done"


def test_officer_cannot_cancel_other_branch_event(api, users, teams):
    event = f.ServiceEventFactory(team=teams["binjiang"], status="planned")
    response = as_user(api, users["officer_a"]).post(f"/api/service-events/{event.pk}/cancel/")
    assert response.status_code == 404
    event.refresh_from_db()
    assert event.status == "planned"


def test_event_list_query_count_is_bounded(api, users, teams, xihu, django_assert_max_num_queries):
    for _ in range(5):
        event = f.ServiceEventFactory(team=teams["xihu"])
        for _ in range(3):
            f.ParticipationFactory(event=event, member=f.MemberFactory(branch=xihu))
    client = as_user(api, users["officer_a"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/service-events/")
    assert len(response.json()["results"]) == 5
