"""Condolence visits and inquiries through the API, per role."""

import pytest
from rest_framework.test import APIClient

from tests import factories as f
from wellbeing.models import CondolenceVisit, Inquiry

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def rows(xihu, binjiang, xihu_member, binjiang_member):
    return {
        "xihu_visit": f.CondolenceVisitFactory(member=xihu_member),
        "binjiang_visit": f.CondolenceVisitFactory(member=binjiang_member),
        "xihu_inquiry": f.InquiryFactory(branch=xihu),
        "binjiang_inquiry": f.InquiryFactory(branch=binjiang, person_name="滨江来访人"),
    }


def as_user(api, user):
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.mark.parametrize("resource", ["condolence-visits", "inquiries"])
@pytest.mark.parametrize(
    ("role", "status", "count"),
    [("staff", 200, 2), ("officer", 200, 1), ("member", 403, None), ("anonymous", 401, None)],
)
def test_lists_per_role(api, rows, staff_user, xihu_officer, xihu_member, resource, role, status, count):
    user = {
        "staff": staff_user,
        "officer": xihu_officer,
        "member": f.member_user(xihu_member),
        "anonymous": None,
    }[role]
    response = as_user(api, user).get(f"/api/{resource}/")
    assert response.status_code == status
    if count is not None:
        assert len(response.json()["results"]) == count


def test_other_branch_rows_answer_404(api, rows, xihu_officer):
    client = as_user(api, xihu_officer)
    assert client.get(f"/api/condolence-visits/{rows['binjiang_visit'].pk}/").status_code == 404
    assert client.get(f"/api/inquiries/{rows['binjiang_inquiry'].pk}/").status_code == 404
    assert (
        client.post(
            f"/api/inquiries/{rows['binjiang_inquiry'].pk}/transition/", {"to_status": "in_progress"}
        ).status_code
        == 404
    )


def test_officer_cannot_register_a_visit_for_another_branch(api, rows, xihu_officer, binjiang_member):
    response = as_user(api, xihu_officer).post(
        "/api/condolence-visits/",
        {
            "member": binjiang_member.pk,
            "visit_date": "2026-02-01",
            "visitors": "甲",
            "occasion": "holiday",
            "cash_amount": "100",
        },
        format="json",
    )
    assert response.status_code == 400 and "member" in response.json()


def test_overspend_is_refused_until_confirmed(api, xihu, xihu_member, xihu_officer):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=1000)
    payload = {"member": xihu_member.pk, "visit_date": "2026-03-01", "visitors": "王主席", "occasion": "illness",
               "cash_amount": "1500", "goods_value": "0", "paid_by_association": True}  # fmt: skip
    client = as_user(api, xihu_officer)
    refused = client.post("/api/condolence-visits/", payload, format="json")
    assert refused.status_code == 409
    assert "超出" in refused.json()["detail"]
    assert not CondolenceVisit.objects.exists()
    accepted = client.post("/api/condolence-visits/", {**payload, "confirm_overspend": True}, format="json")
    assert accepted.status_code == 201, accepted.json()
    visit = CondolenceVisit.objects.get()
    assert visit.paid_by_association is False  # an officer cannot charge the association's budget


def test_inquiry_register_forces_branch_and_default_deadline(api, xihu, binjiang, xihu_officer):
    response = as_user(api, xihu_officer).post(
        "/api/inquiries/",
        {"channel": "call", "received_at": "2026-09-28T09:00:00+08:00", "person_name": "来电人", "subject": "咨询",
         "category": "treatment", "content": "内容", "branch": binjiang.pk, "status": "closed"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    inquiry = Inquiry.objects.get()
    assert inquiry.branch == xihu and inquiry.status == "registered"
    assert str(inquiry.deadline) == "2026-10-23"  # 15 working days over the National Day holiday


def test_inquiry_transitions_follow_the_map(api, rows, xihu_officer):
    client = as_user(api, xihu_officer)
    url = f"/api/inquiries/{rows['xihu_inquiry'].pk}/transition/"
    refused = client.post(url, {"to_status": "closed"}, format="json")
    assert (
        refused.status_code == 409
        and refused.json()["detail"] == "该来信来访来电当前为“登记”，不能改为“办结”。"
    )
    assert client.post(url, {"to_status": "in_progress"}, format="json").json()["status"] == "in_progress"
    assert "请填写答复内容" in client.post(url, {"to_status": "replied"}, format="json").json()["detail"]
    assert (
        client.post(url, {"to_status": "replied", "note": "已答复"}, format="json").json()["status"]
        == "replied"
    )


def test_overdue_filter_and_masked_contact(api, rows, xihu_officer, staff_user):
    data = as_user(api, xihu_officer).get("/api/inquiries/", {"overdue": "true"}).json()["results"]
    assert [d["id"] for d in data] == [rows["xihu_inquiry"].pk]
    assert data[0]["contact"] == "139****1111" and data[0]["overdue"] is True
    staff = APIClient()
    staff.force_authenticate(staff_user)
    assert staff.get(f"/api/inquiries/{rows['xihu_inquiry'].pk}/").json()["contact"] == "13900001111"


def test_list_queries_are_bounded(api, rows, staff_user, django_assert_max_num_queries):
    for _ in range(10):
        f.CondolenceVisitFactory(member=f.MemberFactory(branch=rows["xihu_visit"].member.branch))
    with django_assert_max_num_queries(8):
        assert as_user(api, staff_user).get("/api/condolence-visits/").status_code == 200
