"""The registry API per role: staff, officer of A, officer of B, member, anonymous."""

import datetime
import re

import pytest

from core.idcard import make_id_number
from members.models import Honor, Member
from tests import factories as f
from tests.api_helpers import assert_like_missing, assert_list, assert_statuses, scoped_detail, scoped_list

pytestmark = pytest.mark.django_db


@scoped_list({"西湖甲", "滨江乙"}, {"西湖甲"}, {"滨江乙"})
def test_member_list_per_role(api_as, role, status, expected):
    assert_list(api_as(role), "/api/members/", status, "name", expected)


@scoped_detail
def test_member_detail_per_role(api_as, xihu_member, binjiang_member, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role), "/api/members/{}/", {xihu_member.pk: xihu_status, binjiang_member.pk: binjiang_status}
    )


def test_other_branch_answers_like_missing(api_as, binjiang_member):
    assert_like_missing(api_as("officer_a"), "/api/members/{}/", binjiang_member.pk)


def test_officer_sees_masked_id_and_phone(api_as, xihu_member):
    data = api_as("officer_a").get(f"/api/members/{xihu_member.pk}/").json()
    assert data["id_number"] == xihu_member.masked_id_number
    assert data["mobile"] != xihu_member.mobile and data["mobile"].endswith(xihu_member.mobile[-4:])
    assert api_as("staff").get(f"/api/members/{xihu_member.pk}/").json()["id_number"] == xihu_member.id_number


def test_honours_are_nested(api_as, xihu_member):
    data = api_as("officer_a").get(f"/api/members/{xihu_member.pk}/").json()
    assert [h["title"] for h in data["honors"]] == ["西湖工匠"]


def test_officer_create_is_forced_into_own_branch(api_as, xihu, binjiang):
    id_number = make_id_number("330106", datetime.date(1981, 2, 3), 5)
    response = api_as("officer_a").post(
        "/api/members/",
        {"name": "新人", "id_number": id_number, "branch": binjiang.pk, "status": "deceased"},
        format="json",
    )
    # branch=B is not a choice for officer A: refused like a missing branch, nothing written.
    assert response.status_code == 400
    assert "branch" in response.json()
    assert not Member.objects.filter(id_number=id_number).exists()
    response = api_as("officer_a").post(
        "/api/members/", {"name": "新人", "id_number": id_number, "status": "deceased"}, format="json"
    )
    assert response.status_code == 201, response.json()
    member = Member.objects.get(id_number=id_number)
    assert member.branch == xihu and member.status == Member.Status.ACTIVE


def test_staff_create_needs_a_branch(api_as, binjiang):
    id_number = make_id_number("330108", datetime.date(1979, 9, 9), 9)
    client = api_as("staff")
    assert (
        client.post("/api/members/", {"name": "甲", "id_number": id_number}, format="json").status_code == 400
    )
    response = client.post(
        "/api/members/", {"name": "甲", "id_number": id_number, "branch": binjiang.pk}, format="json"
    )
    assert response.status_code == 201
    assert Member.objects.get(id_number=id_number).branch == binjiang


def test_bad_id_number_gets_a_chinese_reason(api_as):
    response = api_as("officer_a").post(
        "/api/members/", {"name": "错号", "id_number": "330106197503091230"}, format="json"
    )
    assert response.status_code == 400
    assert "校验码" in str(response.json()["id_number"])


def test_mass_assignment_of_branch_status_and_flags_is_ignored(api_as, xihu_member, binjiang):
    response = api_as("officer_a").patch(
        f"/api/members/{xihu_member.pk}/",
        {"branch": binjiang.pk, "status": "deceased", "is_staff": True, "category": "both", "name": "改名"},
        format="json",
    )
    assert response.status_code == 200
    xihu_member.refresh_from_db()
    assert (xihu_member.name, xihu_member.branch.name, xihu_member.status) == ("改名", "西湖区", "active")


def test_id_number_cannot_be_changed(api_as, xihu_member):
    other = make_id_number("330106", datetime.date(1990, 1, 1), 1)
    response = api_as("staff").patch(f"/api/members/{xihu_member.pk}/", {"id_number": other}, format="json")
    assert response.status_code == 400


def test_officer_cannot_write_other_branch(api_as, binjiang_member):
    client = api_as("officer_a")
    assert (
        client.patch(f"/api/members/{binjiang_member.pk}/", {"name": "x"}, format="json").status_code == 404
    )
    assert client.delete(f"/api/members/{binjiang_member.pk}/").status_code == 404
    honor = binjiang_member.honors.get()
    assert client.delete(f"/api/honors/{honor.pk}/").status_code == 404
    binjiang_member.refresh_from_db()
    assert binjiang_member.name == "滨江乙" and Honor.objects.filter(pk=honor.pk).exists()


def test_honor_for_other_branch_member_is_refused(api_as, binjiang_member):
    response = api_as("officer_a").post(
        "/api/honors/",
        {"member": binjiang_member.pk, "kind": "model_worker", "level": 3, "title": "伪造", "year": 2020},
        format="json",
    )
    assert response.status_code == 400
    assert "member" in response.json()


def test_honor_filter_on_other_branch_member_is_like_missing(api_as, binjiang_member):
    client = api_as("officer_a")
    other = client.get("/api/honors/", {"member": binjiang_member.pk})
    missing = client.get("/api/honors/", {"member": binjiang_member.pk + 10_000})
    assert other.status_code == missing.status_code == 400


@pytest.mark.parametrize("term_attr", ["name", "id_number", "mobile"])
def test_search_never_reaches_other_branch(api_as, binjiang_member, term_attr):
    response = api_as("officer_a").get("/api/members/", {"search": getattr(binjiang_member, term_attr)})
    assert response.json()["results"] == []


def test_search_by_id_and_phone_for_staff(api_as, binjiang_member):
    client = api_as("staff")
    for term in (binjiang_member.id_number, binjiang_member.mobile[:7], "滨江"):
        assert [m["name"] for m in client.get("/api/members/", {"search": term}).json()["results"]] == [
            "滨江乙"
        ]


def test_filter_by_other_branch_is_refused(api_as, binjiang):
    response = api_as("officer_a").get("/api/members/", {"branch": binjiang.pk})
    assert response.status_code == 400


def test_branches_per_role(api_as):
    assert {b["name"] for b in api_as("officer_a").get("/api/branches/").json()} == {"西湖区"}
    assert {b["name"] for b in api_as("staff").get("/api/branches/").json()} >= {"西湖区", "滨江区"}


def test_officer_without_branch_gets_nothing(api_as, xihu_member, binjiang_member):
    response = api_as(f.officer(None)).get("/api/members/")
    assert response.status_code == 200 and response.json()["results"] == []


def test_options_reveals_no_other_branch(api_as):
    response = api_as("officer_a").options("/api/members/")
    assert "滨江" not in response.content.decode()


def test_cursor_pagination_walks_every_row_once(api_as, xihu):
    for _ in range(7):
        f.MemberFactory(branch=xihu)
    client = api_as("staff")
    seen, url = [], "/api/members/?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [m["id"] for m in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == Member.objects.count()
    assert "count" not in page


def test_list_query_count_is_bounded(api_as, xihu, django_assert_max_num_queries):
    for _ in range(30):
        f.HonorFactory(member=f.MemberFactory(branch=xihu))
    with django_assert_max_num_queries(6):
        assert api_as("staff").get("/api/members/").status_code == 200


def test_token_authentication(api, xihu_officer, xihu_member):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=xihu_officer)
    response = api.get("/api/members/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert [m["name"] for m in response.json()["results"]] == ["西湖甲"]


def test_schema_and_docs_are_served_without_a_cdn(api_as):
    client = api_as("officer_a")
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert "劳模工匠列表" in schema.content.decode()
    docs = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in docs
    # No script or stylesheet from another host. (Not `"cdn" not in docs`: the page's random
    # CSRF token once held the letters c-d-n, and the test failed on PostgreSQL's run.)
    assert re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", docs) == []
    assert not re.search(r"cdn\.|unpkg|jsdelivr", docs.lower())
    assert api_as("anonymous").get("/api/schema/").status_code in (401, 403)
