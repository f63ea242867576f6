"""The newsletter-issue API per role: staff only, officers see their branch's issues, workflow via services."""

import pytest
from rest_framework.test import APIClient

from tests import factories as f

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


def as_user(api, user):
    if user is not None:
        api.force_authenticate(user)
    return api


@pytest.fixture
def issues(xihu, binjiang):
    made = {
        "association": f.NewsletterIssueFactory(title="协会草稿"),
        "xihu": f.NewsletterIssueFactory(title="西湖专刊", branch=xihu),
        "binjiang": f.NewsletterIssueFactory(title="滨江专刊", branch=binjiang),
    }
    for issue in made.values():
        f.ArticleFactory(issue=issue)
    return made


@pytest.mark.parametrize(
    ("role", "status", "titles"),
    [
        ("staff", 200, {"协会草稿", "西湖专刊", "滨江专刊"}),
        ("officer_a", 200, {"西湖专刊"}),
        ("officer_b", 200, {"滨江专刊"}),
        ("member", 403, None),
        ("anonymous", 401, None),
    ],
)
def test_issue_list_per_role(api, users, issues, role, status, titles):
    response = as_user(api, users[role]).get("/api/newsletter-issues/")
    assert response.status_code == status
    if titles is not None:
        assert {i["title"] for i in response.json()["results"]} == titles


@pytest.mark.parametrize(
    ("role", "own", "other", "association"),
    [
        ("staff", 200, 200, 200),
        ("officer_a", 200, 404, 404),
        ("officer_b", 404, 200, 404),
        ("member", 403, 403, 403),
    ],
)
def test_issue_retrieve_out_of_scope_is_404(api, users, issues, role, own, other, association):
    client = as_user(api, users[role])
    assert client.get(f"/api/newsletter-issues/{issues['xihu'].pk}/").status_code == own
    assert client.get(f"/api/newsletter-issues/{issues['binjiang'].pk}/").status_code == other
    assert client.get(f"/api/newsletter-issues/{issues['association'].pk}/").status_code == association


def test_issue_detail_lists_its_articles(api, users, issues):
    body = as_user(api, users["officer_a"]).get(f"/api/newsletter-issues/{issues['xihu'].pk}/").json()
    assert [a["title"] for a in body["articles"]] == [issues["xihu"].articles.get().title]


def test_issue_api_is_read_only(api, users, issues):
    client = as_user(api, users["staff"])
    assert (
        client.patch(f"/api/newsletter-issues/{issues['xihu'].pk}/", {"status": "published"}).status_code
        == 405
    )
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "draft"


def test_officer_submits_own_branchs_issue(api, users, issues):
    response = as_user(api, users["officer_a"]).post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "review"


def test_officer_cannot_submit_another_branchs_issue(api, users, issues):
    response = as_user(api, users["officer_a"]).post(
        f"/api/newsletter-issues/{issues['binjiang'].pk}/submit/"
    )
    assert response.status_code == 404
    issues["binjiang"].refresh_from_db()
    assert issues["binjiang"].status == "draft"


def test_officer_cannot_publish_and_gets_the_chinese_reason(api, users, issues):
    client = as_user(api, users["officer_a"])
    client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    response = client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code == 400
    assert response.json()["detail"] == "只有协会工作人员可以发布期刊，分会可提交审核。"
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "review"


def test_staff_publishes_a_reviewed_issue(api, users, issues):
    client = as_user(api, users["staff"])
    client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    response = client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_publishing_a_draft_is_refused(api, users, issues):
    response = as_user(api, users["staff"]).post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code in (400, 409)
    assert response.json()["detail"]
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "draft"


def test_issue_list_query_count_is_bounded(api, users, xihu, django_assert_max_num_queries):
    for _ in range(6):
        f.ArticleFactory(issue=f.NewsletterIssueFactory(branch=xihu))
    client = as_user(api, users["officer_a"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/newsletter-issues/")
    assert len(response.json()["results"]) == 6
