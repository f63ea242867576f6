"""The newsletter-issue API per role: staff only, officers see their branch's issues, workflow via services."""

import pytest

from tests import factories as f
from tests.api_helpers import assert_list, assert_statuses, scoped_detail, scoped_list

pytestmark = pytest.mark.django_db


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


@scoped_list({"协会草稿", "西湖专刊", "滨江专刊"}, {"西湖专刊"}, {"滨江专刊"})
def test_issue_list_per_role(api_as, issues, role, status, expected):
    assert_list(api_as(role), "/api/newsletter-issues/", status, "title", expected)


# The association's own issue (no branch) is staff-only: officers get it like a missing one.
ASSOCIATION_ISSUE_STATUS = {"staff": 200, "officer_a": 404, "officer_b": 404, "member": 403, "anonymous": 401}


@scoped_detail
def test_issue_retrieve_out_of_scope_is_404(api_as, issues, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role),
        "/api/newsletter-issues/{}/",
        {
            issues["xihu"].pk: xihu_status,
            issues["binjiang"].pk: binjiang_status,
            issues["association"].pk: ASSOCIATION_ISSUE_STATUS[role],
        },
    )


def test_issue_detail_lists_its_articles(api_as, issues):
    body = api_as("officer_a").get(f"/api/newsletter-issues/{issues['xihu'].pk}/").json()
    assert [a["title"] for a in body["articles"]] == [issues["xihu"].articles.get().title]


def test_issue_api_is_read_only(api_as, issues):
    client = api_as("staff")
    assert (
        client.patch(f"/api/newsletter-issues/{issues['xihu'].pk}/", {"status": "published"}).status_code
        == 405
    )
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "draft"


def test_officer_submits_own_branchs_issue(api_as, issues):
    response = api_as("officer_a").post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "review"


def test_officer_cannot_submit_another_branchs_issue(api_as, issues):
    response = api_as("officer_a").post(f"/api/newsletter-issues/{issues['binjiang'].pk}/submit/")
    assert response.status_code == 404
    issues["binjiang"].refresh_from_db()
    assert issues["binjiang"].status == "draft"


def test_officer_cannot_publish_and_gets_the_chinese_reason(api_as, issues):
    client = api_as("officer_a")
    client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    response = client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code == 400
    assert response.json()["detail"] == "只有协会工作人员可以发布期刊，分会可提交审核。"
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "review"


def test_staff_publishes_a_reviewed_issue(api_as, issues):
    client = api_as("staff")
    client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/submit/")
    response = client.post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code == 200
    assert response.json()["status"] == "published"


def test_publishing_a_draft_is_refused(api_as, issues):
    response = api_as("staff").post(f"/api/newsletter-issues/{issues['xihu'].pk}/publish/")
    assert response.status_code in (400, 409)
    assert response.json()["detail"]
    issues["xihu"].refresh_from_db()
    assert issues["xihu"].status == "draft"


def test_issue_list_query_count_is_bounded(api_as, xihu, django_assert_max_num_queries):
    for _ in range(6):
        f.ArticleFactory(issue=f.NewsletterIssueFactory(branch=xihu))
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/newsletter-issues/")
    assert len(response.json()["results"]) == 6
