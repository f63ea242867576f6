"""The wellbeing API per role: trips, quotas and nominations (staff, officer A/B, member, anonymous)."""

import pytest

from tests import factories as f
from tests.api_helpers import assert_list, assert_statuses, scoped_detail, scoped_list
from wellbeing.models import Nomination

pytestmark = pytest.mark.django_db


@pytest.fixture
def trip(xihu, binjiang):
    trip = f.TripFactory(name="千岛湖疗休养一期", capacity=10)
    f.TripQuotaFactory(trip=trip, branch=xihu, places=3)
    f.TripQuotaFactory(trip=trip, branch=binjiang, places=3)
    return trip


def healthy(branch, name):
    member = f.MemberFactory(branch=branch, name=name)
    f.WorkProfileFactory(member=member)
    return member


@pytest.fixture
def nominations(trip, xihu, binjiang):
    return {
        "xihu": f.NominationFactory(trip=trip, member=healthy(xihu, "西湖甲"), status="pending"),
        "binjiang": f.NominationFactory(trip=trip, member=healthy(binjiang, "滨江乙"), status="pending"),
    }


@pytest.mark.parametrize(
    ("role", "status"),
    [("staff", 200), ("officer_a", 403), ("officer_b", 403), ("member", 403), ("anonymous", 401)],
)
def test_trip_list_is_association_only_like_the_admin(api_as, trip, role, status):
    assert api_as(role).get("/api/trips/").status_code == status


@scoped_list({"西湖区", "滨江区"}, {"西湖区"}, {"滨江区"})
def test_quota_list_per_role(api_as, trip, role, status, expected):
    assert_list(api_as(role), "/api/trip-quotas/", status, "branch_name", expected)


@scoped_list({"西湖甲", "滨江乙"}, {"西湖甲"}, {"滨江乙"})
def test_nomination_list_per_role(api_as, nominations, role, status, expected):
    assert_list(api_as(role), "/api/nominations/", status, "member_name", expected)


@scoped_detail
def test_nomination_retrieve_out_of_scope_is_404(api_as, nominations, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role),
        "/api/nominations/{}/",
        {nominations["xihu"].pk: xihu_status, nominations["binjiang"].pk: binjiang_status},
    )


def test_officer_sees_masked_id_number_and_staff_the_full_one(api_as, nominations):
    nomination = nominations["xihu"]
    officer_view = api_as("officer_a").get(f"/api/nominations/{nomination.pk}/").json()
    staff_view = api_as("staff").get(f"/api/nominations/{nomination.pk}/").json()
    assert officer_view["member_id_number"] != nomination.member.id_number
    assert staff_view["member_id_number"] == nomination.member.id_number


def test_officer_nominates_own_member_through_the_service(api_as, users, trip, xihu):
    member = healthy(xihu, "西湖丙")
    response = api_as("officer_a").post(
        "/api/nominations/", {"trip": trip.pk, "member": member.pk, "reason": "长期一线"}, format="json"
    )
    assert response.status_code == 201, response.json()
    nomination = Nomination.objects.get(member=member)
    assert nomination.status == "pending"
    assert nomination.nominated_by == users["officer_a"]
    parts = response.json()["priority_parts"]
    assert [p["label"] for p in parts] == [p["label"] for p in nomination.priority_parts]


def test_officer_cannot_nominate_another_branchs_member(api_as, trip, binjiang):
    member = healthy(binjiang, "滨江丙")
    response = api_as("officer_a").post(
        "/api/nominations/", {"trip": trip.pk, "member": member.pk}, format="json"
    )
    assert response.status_code == 400
    assert "member" in response.json()
    assert not Nomination.objects.filter(member=member).exists()


def test_mass_assigned_status_branch_and_score_are_ignored(api_as, trip, xihu, binjiang):
    member = healthy(xihu, "西湖丁")
    payload = {
        "trip": trip.pk, "member": member.pk, "status": "approved", "branch": binjiang.pk,
        "priority_score": "999", "decision_note": "自批",
    }  # fmt: skip
    response = api_as("officer_a").post("/api/nominations/", payload, format="json")
    assert response.status_code == 201
    nomination = Nomination.objects.get(member=member)
    assert (nomination.status, nomination.branch_id, nomination.decision_note) == ("pending", xihu.pk, "")
    assert nomination.priority_score != 999


def test_nomination_to_a_closed_trip_is_refused_with_the_chinese_reason(api_as, trip, xihu):
    trip.status = "draft"
    trip.save()
    member = healthy(xihu, "西湖戊")
    response = api_as("officer_a").post(
        "/api/nominations/", {"trip": trip.pk, "member": member.pk}, format="json"
    )
    assert response.status_code == 400
    assert "不接受推荐" in response.json()["detail"]


def test_officer_withdraws_own_nomination(api_as, nominations):
    response = api_as("officer_a").post(
        f"/api/nominations/{nominations['xihu'].pk}/withdraw/", {"note": "本人身体原因"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "withdrawn"


def test_officer_cannot_withdraw_another_branchs_nomination(api_as, nominations):
    response = api_as("officer_a").post(f"/api/nominations/{nominations['binjiang'].pk}/withdraw/")
    assert response.status_code == 404
    nominations["binjiang"].refresh_from_db()
    assert nominations["binjiang"].status == "pending"


def test_officer_cannot_approve_own_branchs_nomination(api_as, nominations):
    response = api_as("officer_a").post(f"/api/nominations/{nominations['xihu'].pk}/approve/")
    assert response.status_code == 403
    nominations["xihu"].refresh_from_db()
    assert nominations["xihu"].status == "pending"


def test_staff_approves_a_nomination(api_as, nominations):
    response = api_as("staff").post(f"/api/nominations/{nominations['xihu'].pk}/approve/")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "approved"


def test_reject_without_a_reason_is_refused_in_chinese(api_as, nominations):
    response = api_as("staff").post(f"/api/nominations/{nominations['xihu'].pk}/reject/")
    assert response.status_code == 400
    assert response.json()["detail"] == "请填写不通过的原因。"


def test_withdrawing_a_withdrawn_nomination_is_refused_in_chinese(api_as, nominations):
    client = api_as("staff")
    client.post(f"/api/nominations/{nominations['xihu'].pk}/withdraw/")
    response = client.post(f"/api/nominations/{nominations['xihu'].pk}/withdraw/")
    assert response.status_code == 400
    assert "无需退出" in response.json()["detail"]


def test_nomination_list_query_count_is_bounded(api_as, trip, xihu, django_assert_max_num_queries):
    for i in range(8):
        f.NominationFactory(trip=trip, member=healthy(xihu, f"西湖{i}"), status="pending")
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/nominations/")
    assert len(response.json()["results"]) == 8


def test_quota_list_query_count_is_bounded(api_as, xihu, django_assert_max_num_queries):
    for _ in range(6):
        f.TripQuotaFactory(trip=f.TripFactory(), branch=xihu)
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/trip-quotas/")
    assert len(response.json()["results"]) == 6
