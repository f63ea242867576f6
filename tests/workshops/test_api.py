"""劳模工匠之家 over the API, per role: staff, officer A/B, member, anonymous."""

import pytest

from tests import factories as f
from tests.api_helpers import assert_like_missing, assert_list, assert_statuses, scoped_detail, scoped_list
from workshops.models import Workshop, WorkshopTransition

pytestmark = pytest.mark.django_db


@pytest.fixture
def houses(xihu, binjiang):
    return {
        "xihu": f.WorkshopFactory(branch=xihu, name="西湖之家"),
        "binjiang": f.WorkshopFactory(branch=binjiang, name="滨江之家"),
    }


def application(leader, **extra):
    return {
        "name": "新申报之家", "host_unit": "杭州某某公司", "kind": "enterprise", "address": "杭州市西湖区1号",
        "leader": leader.pk, **extra,
    }  # fmt: skip


@scoped_list({"西湖之家", "滨江之家"}, {"西湖之家"}, {"滨江之家"})
def test_workshop_list_per_role(api_as, houses, role, status, expected):
    assert_list(api_as(role), "/api/workshops/", status, "name", expected)


@scoped_detail
def test_workshop_detail_per_role(api_as, houses, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role),
        "/api/workshops/{}/",
        {houses["xihu"].pk: xihu_status, houses["binjiang"].pk: binjiang_status},
    )


def test_other_branch_workshop_answers_like_missing(api_as, houses):
    assert_like_missing(api_as("officer_a"), "/api/workshops/{}/", houses["binjiang"].pk)


def test_representation_has_status_and_kind(api_as, houses):
    data = api_as("staff").get(f"/api/workshops/{houses['xihu'].pk}/").json()
    assert (data["status"], data["status_label"], data["kind"], data["kind_label"]) == (
        "applied", "已申报", "enterprise", "企业独建",
    )  # fmt: skip


def test_status_filter(api_as, xihu):
    f.WorkshopFactory(branch=xihu, name="已命名之家", status="named")
    f.WorkshopFactory(branch=xihu, name="申报中之家")
    response = api_as("officer_a").get("/api/workshops/?status=named")
    assert [w["name"] for w in response.json()["results"]] == ["已命名之家"]


def test_officer_naming_other_branch_is_refused(api_as, binjiang, xihu_member):
    response = api_as("officer_a").post(
        "/api/workshops/", application(xihu_member, branch=binjiang.pk), format="json"
    )
    assert response.status_code == 400 and "branch" in response.json()
    assert not Workshop.objects.exists()


def test_officer_applies_and_house_lands_in_own_branch(api_as, xihu, xihu_member):
    response = api_as("officer_a").post(
        "/api/workshops/", application(xihu_member, status="named", naming_document_number="X"), format="json"
    )
    assert response.status_code == 201
    house = Workshop.objects.get(pk=response.json()["id"])
    assert house.branch == xihu and house.status == "applied"
    assert WorkshopTransition.objects.filter(workshop=house, to_status="applied").exists()


def test_officer_cannot_name_other_branch_leader(api_as, binjiang_member):
    response = api_as("officer_a").post("/api/workshops/", application(binjiang_member), format="json")
    assert response.status_code == 400 and "leader" in response.json()
    assert not Workshop.objects.exists()


def test_staff_application_needs_a_branch(api_as, xihu_member):
    response = api_as("staff").post("/api/workshops/", application(xihu_member), format="json")
    assert response.status_code == 400 and "branch" in response.json()


def test_member_cannot_apply(api_as, xihu_member):
    response = api_as("member").post("/api/workshops/", application(xihu_member), format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_status_cannot_be_written_directly(api_as, houses, method):
    response = getattr(api_as("staff"), method)(
        f"/api/workshops/{houses['xihu'].pk}/", {"status": "named", "branch": 1}, format="json"
    )
    assert response.status_code == 405
    houses["xihu"].refresh_from_db()
    assert houses["xihu"].status == "applied"


def test_staff_review_transition(api_as, houses):
    response = api_as("staff").post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "reviewed", "comment": "材料齐全"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 200 and response.json()["status"] == "reviewed"


def test_officer_cannot_review_and_gets_chinese_reason(api_as, houses):
    response = api_as("officer_a").post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "reviewed"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "association_only"
    houses["xihu"].refresh_from_db()
    assert houses["xihu"].status == "applied"


def test_forbidden_transition_refused(api_as, houses):
    response = api_as("staff").post(
        f"/api/workshops/{houses['xihu'].pk}/transition/", {"to_status": "named"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "forbidden_transition"


def test_officer_transition_on_other_branch_is_404(api_as, houses):
    response = api_as("officer_a").post(
        f"/api/workshops/{houses['binjiang'].pk}/transition/", {"to_status": "rejected", "comment": "x"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 404


def test_workshop_list_query_count_is_bounded(api_as, xihu, django_assert_max_num_queries):
    for _ in range(6):
        f.WorkshopFactory(branch=xihu)
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/workshops/")
    assert len(response.json()["results"]) == 6
