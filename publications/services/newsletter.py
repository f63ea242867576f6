"""Writes of the newsletter's life cycle.

草稿 → 审核 → 已发布, as ``NewsletterIssue.TRANSITIONS`` says. Association staff and the
officers of the issue's branch may submit a draft for review; only association staff
send an issue back, publish it or withdraw it. Management commands act as ``SYSTEM``.
"""

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.notifications import notify_branch, send_email
from core.roles import ASSOCIATION_GROUP, is_association_staff
from core.states import check_transition
from core.tasks import portal_task

from ..models import NewsletterIssue

Status = NewsletterIssue.Status


class _System:
    """The actor of management commands (seed data): allowed everything, recorded as nobody."""

    def __repr__(self):
        return "SYSTEM"


SYSTEM = _System()


def _is_association(actor) -> bool:
    return actor is SYSTEM or is_association_staff(actor)


def _user(actor):
    return None if actor is SYSTEM else actor


def _locked(issue: NewsletterIssue, actor) -> NewsletterIssue:
    """The issue re-read under a row lock, through the actor's scope: out of scope is missing."""
    manager = NewsletterIssue.objects
    queryset = manager.all() if actor is SYSTEM else manager.visible_to(actor)
    try:
        return queryset.select_for_update().get(pk=issue.pk)
    except NewsletterIssue.DoesNotExist:
        raise DomainError("未找到该期刊。", code="not_found") from None


def _check_move(issue: NewsletterIssue, to: str) -> None:
    check_transition(issue, to)


def _move(issue: NewsletterIssue, *, to: str, actor, reason: str) -> NewsletterIssue:
    _check_move(issue, to)
    issue.status = to
    issue._change_reason = reason
    user = _user(actor)
    if user is not None:
        issue._history_user = user
    issue.save()
    _enqueue_notice(issue.pk, to)
    return issue


def _enqueue_notice(issue_id: int, status: str) -> None:
    # After commit, and a broker outage only loses the e-mail (logged), never the step itself.
    portal_task("publications.tasks.issue_notify_task").enqueue_after_commit(issue_id, status)


def issue_notify(*, issue_id: int, status: str) -> int:
    """Tell the other side of the review about a step (e-mail; returns the number sent).

    A branch's submission goes to the association staff; a return, publication or
    withdrawal of a branch's issue goes to that branch's officers. The association's own
    issues need no notice.
    """
    issue = NewsletterIssue.objects.select_related("branch").filter(pk=issue_id).first()
    if issue is None or issue.branch_id is None or issue.status != status:
        return 0  # gone, association-owned, or already moved on
    if status == Status.REVIEW:
        emails = list(
            get_user_model()
            .objects.filter(is_active=True, is_staff=True, groups__name=ASSOCIATION_GROUP)
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if not emails:
            return 0
        return send_email(
            to=emails,
            subject=f"{issue.branch.name}提交了{issue}，请审核",
            body=f"{issue.branch.name}提交了{issue}（{issue.month_label}）待审核，请登录管理平台处理。",
        )
    subjects = {
        Status.DRAFT: f"{issue}已退回或撤回为草稿",
        Status.PUBLISHED: f"{issue}已审核通过并发布",
    }
    body = subjects[status] + (f"。审核意见：{issue.review_note}" if issue.review_note else "。")
    return notify_branch(branch_id=issue.branch_id, subject=subjects[status], body=body)


@transaction.atomic
def issue_submit(*, issue: NewsletterIssue, actor) -> NewsletterIssue:
    """草稿 → 审核: the editor (association staff or the branch's officer) asks for review."""
    issue = _locked(issue, actor)
    _check_move(issue, Status.REVIEW)
    if not issue.articles.exists():
        raise DomainError(f"{issue}还没有文章，不能提交审核。", code="empty_issue")
    issue.submitted_at = timezone.now()
    issue.review_note = ""
    return _move(issue, to=Status.REVIEW, actor=actor, reason="提交审核")


@transaction.atomic
def issue_return(*, issue: NewsletterIssue, actor, note: str = "") -> NewsletterIssue:
    """审核 → 草稿: association staff send an issue back to its editors, with a note."""
    issue = _locked(issue, actor)
    if not _is_association(actor):
        raise DomainError("只有协会工作人员可以退回审核中的期刊。", code="forbidden")
    if issue.status != Status.REVIEW:
        raise ConflictError(f"{issue}不在审核中，无需退回。", code="bad_transition")
    issue.review_note = (note or "").strip()[:500]
    return _move(issue, to=Status.DRAFT, actor=actor, reason=f"退回修改：{issue.review_note}".rstrip("："))


@transaction.atomic
def issue_publish(*, issue: NewsletterIssue, actor) -> NewsletterIssue:
    """审核 → 已发布: association staff publish; the issue and its articles become public."""
    issue = _locked(issue, actor)
    if not _is_association(actor):
        raise DomainError("只有协会工作人员可以发布期刊，分会可提交审核。", code="forbidden")
    _check_move(issue, Status.PUBLISHED)
    if not issue.articles.exists():
        raise DomainError(f"{issue}还没有文章，不能发布。", code="empty_issue")
    issue.published_at = timezone.now()
    return _move(issue, to=Status.PUBLISHED, actor=actor, reason="发布")


@transaction.atomic
def issue_withdraw(*, issue: NewsletterIssue, actor, note: str = "") -> NewsletterIssue:
    """已发布 → 草稿: association staff take a published issue off the public pages."""
    issue = _locked(issue, actor)
    if not _is_association(actor):
        raise DomainError("只有协会工作人员可以撤回已发布的期刊。", code="forbidden")
    if issue.status != Status.PUBLISHED:
        raise ConflictError(f"{issue}尚未发布，无需撤回。", code="bad_transition")
    issue.published_at = None
    issue.review_note = (note or "").strip()[:500]
    return _move(issue, to=Status.DRAFT, actor=actor, reason=f"撤回发布：{issue.review_note}".rstrip("："))
