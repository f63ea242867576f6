"""The newsletter's life cycle: 草稿 → 审核 → 已发布, who may move it, and what it records."""

import pytest

from core.errors import ConflictError, DomainError
from publications.models import NewsletterIssue
from publications.services import issue_publish, issue_return, issue_submit, issue_withdraw
from tests import factories as f

pytestmark = pytest.mark.django_db
Status = NewsletterIssue.Status


@pytest.fixture
def xihu_draft(xihu):
    issue = f.NewsletterIssueFactory(branch=xihu)
    f.ArticleFactory(issue=issue)
    return issue


def test_transition_map_is_explicit():
    assert NewsletterIssue.TRANSITIONS == {
        Status.DRAFT: {Status.REVIEW},
        Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }


def test_officer_submits_own_branch_draft_for_review(xihu_draft, xihu_officer):
    issue = issue_submit(issue=xihu_draft, actor=xihu_officer)
    assert issue.status == Status.REVIEW
    assert issue.submitted_at is not None


def test_officer_cannot_publish_own_branch_issue(xihu_draft, xihu_officer):
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    with pytest.raises(DomainError) as exc:
        issue_publish(issue=xihu_draft, actor=xihu_officer)
    assert exc.value.code == "forbidden"
    xihu_draft.refresh_from_db()
    assert xihu_draft.status == Status.REVIEW


def test_association_staff_publish_a_branch_issue_under_review(xihu_draft, xihu_officer, staff_user):
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    issue = issue_publish(issue=xihu_draft, actor=staff_user)
    assert issue.status == Status.PUBLISHED
    assert issue.published_at is not None


def test_a_draft_cannot_be_published_without_review(xihu_draft, staff_user):
    with pytest.raises(ConflictError) as exc:
        issue_publish(issue=xihu_draft, actor=staff_user)
    assert "不能改为“已发布”" in exc.value.message


def test_officer_of_another_branch_cannot_submit(xihu_draft, binjiang_officer):
    with pytest.raises(DomainError) as exc:
        issue_submit(issue=xihu_draft, actor=binjiang_officer)
    assert exc.value.code == "not_found"
    xihu_draft.refresh_from_db()
    assert xihu_draft.status == Status.DRAFT


def test_officer_cannot_submit_an_association_issue(staff_user, xihu_officer):
    issue = f.NewsletterIssueFactory(branch=None)
    f.ArticleFactory(issue=issue)
    with pytest.raises(DomainError) as exc:
        issue_submit(issue=issue, actor=xihu_officer)
    assert exc.value.code == "not_found"


def test_officer_without_branch_cannot_submit(xihu_draft, xihu):
    with pytest.raises(DomainError):
        issue_submit(issue=xihu_draft, actor=f.officer(None, username="nobranch"))


def test_an_issue_without_articles_cannot_be_submitted(staff_user):
    issue = f.NewsletterIssueFactory()
    with pytest.raises(DomainError) as exc:
        issue_submit(issue=issue, actor=staff_user)
    assert exc.value.code == "empty_issue"


def test_staff_return_an_issue_with_a_note(xihu_draft, xihu_officer, staff_user):
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    issue = issue_return(issue=xihu_draft, actor=staff_user, note="第二篇请补充照片")
    assert (issue.status, issue.review_note) == (Status.DRAFT, "第二篇请补充照片")


def test_officer_cannot_return_an_issue(xihu_draft, xihu_officer):
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    with pytest.raises(DomainError):
        issue_return(issue=xihu_draft, actor=xihu_officer)


def test_staff_withdraw_a_published_issue(staff_user):
    issue = f.published_issue()
    issue = issue_withdraw(issue=issue, actor=staff_user, note="更正错别字")
    assert issue.status == Status.DRAFT
    assert issue.published_at is None


def test_officer_cannot_withdraw(xihu, xihu_officer):
    issue = f.published_issue(branch=xihu)
    with pytest.raises(DomainError):
        issue_withdraw(issue=issue, actor=xihu_officer)
    issue.refresh_from_db()
    assert issue.status == Status.PUBLISHED


def test_withdrawing_a_draft_is_a_conflict(xihu_draft, staff_user):
    with pytest.raises(ConflictError):
        issue_withdraw(issue=xihu_draft, actor=staff_user)


def test_history_records_each_step_with_its_user_and_reason(xihu_draft, xihu_officer, staff_user):
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    issue_publish(issue=xihu_draft, actor=staff_user)
    records = list(xihu_draft.history.order_by("history_date", "history_id"))
    steps = [(r.status, r.history_user, r.history_change_reason) for r in records[-2:]]
    assert steps == [(Status.REVIEW, xihu_officer, "提交审核"), (Status.PUBLISHED, staff_user, "发布")]


def test_system_actor_runs_the_whole_cycle_for_commands():
    issue = f.published_issue()
    assert issue.status == Status.PUBLISHED


def test_anonymous_and_none_actors_are_refused(xihu_draft):
    from django.contrib.auth.models import AnonymousUser

    for actor in (None, AnonymousUser()):
        with pytest.raises(DomainError):
            issue_submit(issue=xihu_draft, actor=actor)


def test_month_is_stored_as_first_day(xihu):
    import datetime

    issue = f.NewsletterIssueFactory(month=datetime.date(2021, 11, 17))
    issue.refresh_from_db()
    assert issue.month == datetime.date(2021, 11, 1)
    assert issue.month_label == "2021年11月"


def test_branch_submission_notifies_association_staff(
    xihu_draft, xihu_officer, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    staff_user.email = "staff@hzlmgj.example"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        issue_submit(issue=xihu_draft, actor=xihu_officer)
    assert [m.to for m in mailoutbox] == [["staff@hzlmgj.example"]]
    assert "西湖区提交了" in mailoutbox[0].subject


def test_publication_notifies_the_branch_officers(
    xihu_draft, xihu_officer, staff_user, mailoutbox, django_capture_on_commit_callbacks
):
    xihu_officer.email = "xihu@hzlmgj.example"
    xihu_officer.save()
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    with django_capture_on_commit_callbacks(execute=True):
        issue_return(issue=xihu_draft, actor=staff_user, note="请补充照片")
    assert mailoutbox[-1].to == ["xihu@hzlmgj.example"]
    assert "请补充照片" in mailoutbox[-1].body


def test_association_issues_send_no_notice(staff_user, mailoutbox, django_capture_on_commit_callbacks):
    staff_user.email = "staff@hzlmgj.example"
    staff_user.save()
    with django_capture_on_commit_callbacks(execute=True):
        f.published_issue()
    assert mailoutbox == []


def test_a_stale_notice_is_not_sent(xihu_draft, xihu_officer, staff_user, mailoutbox):
    from publications.services import issue_notify

    staff_user.email = "staff@hzlmgj.example"
    staff_user.save()
    issue_submit(issue=xihu_draft, actor=xihu_officer)
    issue_return(issue=xihu_draft, actor=staff_user)
    assert issue_notify(issue_id=xihu_draft.pk, status=Status.REVIEW) == 0
    assert mailoutbox == []
