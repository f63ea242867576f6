"""劳模工匠之家 over the API, per role: staff, officer A/B, member, anonymous."""

import pytest
from rest_framework.test import APIClient

from tests import factories as f
from workshops.models import Workshop, WorkshopTransition

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
def houses(xihu, binjiang):
    return {
        "xihu": f.WorkshopFactory(branch=xihu, name="西湖之家"),
        "binjiang": f.WorkshopFactory(branch=binjiang, name="滨江之家"),
    }


def as_user(api, user):
    if user is not None:
        api.force_authenticate(user)
    return api


def application(leader, **extra):
    return {
        "name": "新申报之家", "host_unit": "杭州某某公司", "kind": "enterprise", "address": "杭州市西湖区1号",
        "leader": leader.pk, **extra,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("role", "status", "names"),
    [
        ("staff", 200, {"西湖之家", "滨江之家"}),
        ("officer_a", 200, {"西湖之家"}),
        ("officer_b", 200, {"滨江之家"}),
        ("member", 403, None),
        ("anonymous", 401, None),
    ],
)
def test_workshop_list_per_role(api, users, houses, role, status, names):
    response = as_user(api, users[role]).get("/api/workshops/")
    assert response.status_code == status
    if names is not None:
        assert {w["name"] for w in response.json()["results"]} == names


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
def test_workshop_detail_per_role(api, users, houses, role, xihu_status, binjiang_status):
    client = as_user(api, users[role])
    assert client.get(f"/api/workshops/{houses['xihu'].pk}/").status_code == xihu_status
    assert client.get(f"/api/workshops/{houses['binjiang'].pk}/").status_code == binjiang_status


def test_other_branch_workshop_answers_like_missing(api, users, houses):
    client = as_user(api, users["officer_a"])
    other = client.get(f"/api/workshops/{houses['binjiang'].pk}/")
    missing = client.get(f"/api/workshops/{houses['binjiang'].pk + 10_000}/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()


def test_representation_has_status_and_kind(api, users, houses):
    data = as_user(api, users["staff"]).get(f"/api/workshops/{houses['xihu'].pk}/").json()
    assert (data["status"], data["status_label"], data["kind"], data["kind_label"]) == (
        "applied", "已申报", "enterprise", "企业独建",
    )  # fmt: skip


def test_status_filter(api, users, xihu):
    f.WorkshopFactory(branch=xihu, name="已命名之家", status="named")
    f.WorkshopFactory(branch=xihu, name="申报中之家")
    response = as_user(api, users["officer_a"]).get("/api/workshops/?status=named")
    assert [w["name"] for w in response.json()["results"]] == ["已命名之家"]


def test_officer_naming_other_branch_is_refused(api, users, binjiang, xihu_member):
    response = as_user(api, users["officer_a"]).post(
        "/api/workshops/", application(xihu_member, branch=binjiang.pk), format="json"
    )
    assert response.status_code == 400 and "branch" in response.json()
    assert not Workshop.objects.exists()


def test_officer_applies_and_house_lands_in_own_branch(api, users, xihu, xihu_member):
    response = as_user(api, users["officer_a"]).post(
        "/api/workshops/", application(xihu_member, status="named", naming_document_number="X"), format="json"
    )
    assert response.status_code == 201
    house = Workshop.objects.get(pk=response.json()["id"])
    assert house.branch == xihu and house.status == "applied"
    assert WorkshopTransition.objects.filter(workshop=house, to_status="applied").exists()


def test_officer_cannot_name_other_branch_leader(api, users, binjiang_member):
    response = as_user(api, users["officer_a"]).post(
        "/api/workshops/", application(binjiang_member), format="json"
    )
    assert response.status_code == 400 and "leader" in response.json()
    assert not Workshop.objects.exists()


def test_staff_application_needs_a_branch(api, users, xihu_member):
    response = as_user(api, users["staff"]).post("/api/workshops/", application(xihu_member), format="json")
    assert response.status_code == 400 and "branch" in response.json()


def test_member_cannot_apply(api, users, xihu_member):
    response = as_user(api, users["member"]).post("/api/workshops/", application(xihu_member), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_status_cannot_be_written_directly(api, users, houses, method):
    response = getattr(as_user(api, users["staff"]), method)(
        f"/api/workshops/{houses['xihu'].pk}/", {"status": "named", "branch": 1}, format="json"
    )
    assert response.status_code == 405
    houses["xihu"].refresh_from_db()
    assert houses["xihu"].status == "applied"


def test_staff_review_transition(api, users, houses):
    response = as_user(api, users["staff"]).post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "reviewed", "comment": "材料齐全"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "reviewed"


def test_officer_cannot_review_and_gets_chinese_reason(api, users, houses):
    response = as_user(api, users["officer_a"]).post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "reviewed"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "association_only"
    houses["xihu"].refresh_from_db()
    assert houses["xihu"].status == "applied"


def test_forbidden_transition_refused(api, users, houses):
    response = as_user(api, users["staff"]).post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "named"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "forbidden_transition"


def test_officer_transition_on_other_branch_is_404(api, users, houses):
    response = as_user(api, users["officer_a"]).post(
        f"/api/workshops/{houses['binjiang'].pk}/transition/", {"to_status": "rejected", "comment": "x"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 404


def test_workshop_list_query_count_is_bounded(api, users, xihu, django_assert_max_num_queries):
    for _ in range(6):
        f.WorkshopFactory(branch=xihu)
    client = as_user(api, users["officer_a"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/workshops/")
    assert len(response.json()["results"]) == 6
