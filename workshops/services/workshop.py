"""The life cycle of a house: apply, move through the transition map, include the leader.

The life cycle of a house goes only through ``workshop_transition`` (and ``workshop_apply``
for the first step); both check the transition map in ``models.workshop.TRANSITIONS``, the
actor's role and the rule's requirements, then write the new status and one
``WorkshopTransition`` row in the same transaction.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.roles import is_association_staff, officer_branch_id

from ..models import (
    TRANSITIONS,
    Actor,
    Assessment,
    TransitionRule,
    Workshop,
    WorkshopTransition,
)
from ..models.workshop import Requirement
from ._common import Status, _actor_name, _status_label, _with_history_user

# ---------------------------------------------------------------------------------------
# Life cycle
# ---------------------------------------------------------------------------------------


def _forbidden_reason(from_status: str, to_status: str) -> str:
    """Why a (from, to) pair is not in the transition map, in words staff understand."""
    if from_status == Status.REVOKED:
        return "该劳模工匠之家已撤销，不能再办理任何流转。"
    if to_status == Status.NAMED:
        return "尚未通过验收，不能命名。"
    if to_status == Status.ACCEPTED:
        return "尚未通过初审，不能办理验收。" if from_status == Status.APPLIED else "当前状态不能办理验收。"
    if to_status == Status.REVIEWED:
        return "只有已申报的劳模工匠之家才能办理初审。"
    if to_status == Status.REVOKED:
        return "只有已命名的劳模工匠之家才能撤销命名；未命名的申报请办理“不通过”。"
    if to_status == Status.RECTIFYING:
        return "只有已命名的劳模工匠之家才能在年度复核中要求整改。"
    if to_status == Status.APPLIED:
        return "只有未通过的申报才能重新申报。"
    if to_status == Status.REJECTED:
        return "只有初审或验收阶段的申报才能办理“不通过”。"
    return f"不能从“{_status_label(from_status)}”变更为“{_status_label(to_status)}”。"


def _check_actor(rule, workshop, actor) -> None:
    if not Workshop.objects.visible_to(actor).filter(pk=workshop.pk).exists() and workshop.pk is not None:
        raise DomainError("未找到该劳模工匠之家。", code="not_found")
    if is_association_staff(actor):
        return
    branch_id = officer_branch_id(actor)
    if rule.actor is Actor.ASSOCIATION:
        if branch_id is not None and branch_id == workshop.branch_id:
            raise DomainError(
                f"“{rule.action}”须由协会工作人员办理，分会工作人员不能审批本分会的申报。",
                code="association_only",
            )
        raise DomainError(f"“{rule.action}”须由协会工作人员办理。", code="association_only")
    if branch_id is None or branch_id != workshop.branch_id:
        raise DomainError("只能为本分会的劳模工匠之家办理申报。", code="wrong_branch")


def _latest_transition_into(workshop, status):
    return workshop.transitions.filter(to_status=status).order_by("-at", "-pk").first()


def _check_review_year(workshop, review_year) -> int:
    if not review_year:
        raise DomainError("请填写复核年度。", code="review_year_required")
    review_year = int(review_year)
    today = timezone.localdate()
    if review_year > today.year:
        raise DomainError("复核年度不能晚于今年。", code="review_year_future")
    if workshop.named_on and review_year < workshop.named_on.year:
        raise DomainError("复核年度不能早于命名年度。", code="review_year_before_naming")
    if workshop.transitions.filter(from_status=Status.NAMED, review_year=review_year).exists():
        raise ConflictError(f"{review_year}年度复核已办理。", code="already_reviewed")
    return review_year


def _latest_annual_assessment(workshop, review_year, *, since=None):
    qs = Assessment.objects.filter(workshop=workshop).annual_review(review_year)
    if since is not None:
        qs = qs.filter(assessed_on__gte=since)
    return qs.order_by("-assessed_on", "-pk").first()


def _check_requirements(
    rule, workshop, *, comment, naming_document_number, named_on, review_year, reason, actor
):
    """Check a rule's requirements; return the extra fields of the transition row."""
    extra = {}
    requires = rule.requires
    if Requirement.COMMENT in requires and not comment.strip():
        raise DomainError(f"办理“{rule.action}”须填写意见，说明理由。", code="comment_required")
    if Requirement.NOT_SUBMITTER in requires:
        submitted = _latest_transition_into(workshop, Status.APPLIED)
        if submitted is not None and submitted.actor_id == actor.pk:
            raise DomainError("申报经办人不能对本人提交的申报进行初审。", code="own_application")
    if Requirement.PASSED_ACCEPTANCE in requires:
        assessment = (
            Assessment.objects.filter(workshop=workshop)
            .passed_acceptance()
            .order_by("-assessed_on", "-pk")
            .first()
        )
        if assessment is None:
            raise DomainError("须有一份结果为合格的验收评估，才能办理此项。", code="acceptance_not_passed")
        extra["assessment"] = assessment
    if Requirement.NAMING_DOCUMENT in requires:
        if not naming_document_number.strip() or not named_on:
            raise DomainError("命名须填写命名文号和命名日期。", code="naming_document_required")
        if named_on > timezone.localdate():
            raise DomainError("命名日期不能晚于今天。", code="named_on_future")
        if named_on < extra["assessment"].assessed_on:
            raise DomainError("命名日期不能早于验收评估日期。", code="named_before_acceptance")
    if Requirement.PASSED_ANNUAL_REVIEW in requires or Requirement.FAILED_ANNUAL_REVIEW in requires:
        review_year = _check_review_year(workshop, review_year)
        assessment = _latest_annual_assessment(workshop, review_year)
        if assessment is None:
            raise DomainError(f"须先录入{review_year}年度复核评估。", code="annual_assessment_missing")
        if Requirement.PASSED_ANNUAL_REVIEW in requires and not assessment.passed:
            raise DomainError(
                f"{review_year}年度复核评估结果为不合格，不能办理“复核通过”，请办理限期整改或撤销。",
                code="annual_review_failed",
            )
        if Requirement.FAILED_ANNUAL_REVIEW in requires and assessment.passed:
            raise DomainError(
                f"{review_year}年度复核评估结果为合格，不能要求整改。", code="annual_review_passed"
            )
        extra.update(assessment=assessment, review_year=review_year)
    if Requirement.PASSED_RE_REVIEW in requires:
        started = _latest_transition_into(workshop, Status.RECTIFYING)
        since = timezone.localtime(started.at).date()
        assessment = _latest_annual_assessment(workshop, started.review_year, since=since)
        if assessment is None or not assessment.passed:
            raise DomainError(
                "须有一份整改开始后进行、结果为合格的复核评估，才能办理“整改复核通过”。",
                code="re_review_not_passed",
            )
        extra.update(assessment=assessment)
    if Requirement.REASON in requires and not reason.strip():
        raise DomainError("撤销命名须填写撤销原因。", code="reason_required")
    return extra


def workshop_allowed_transitions(*, workshop, actor) -> list[tuple[str, TransitionRule]]:
    """The (to_status, rule) pairs the map offers this actor from the house's current status.

    Requirements (assessments, documents) are checked when the transition is made.
    """
    association = is_association_staff(actor)
    return [
        (to_status, rule)
        for to_status, rule in TRANSITIONS.get(workshop.status, {}).items()
        if association or rule.actor is Actor.BRANCH_OR_ASSOCIATION
    ]


def workshop_apply(*, workshop: Workshop, actor, comment: str = "") -> Workshop:
    """Save a new house as an application (申报) and record the first transition."""
    if workshop.pk is not None:
        raise DomainError("该劳模工匠之家已申报。", code="already_applied")
    rule = TRANSITIONS[""][Status.APPLIED]
    _check_actor(rule, workshop, actor)
    with transaction.atomic():
        workshop.status = Status.APPLIED
        workshop.full_clean(exclude=["members"])
        _with_history_user(workshop, actor).save()
        if workshop.leader_id:
            workshop.members.add(workshop.leader_id)
        _record(workshop, "", Status.APPLIED, rule, actor, comment)
    return workshop


def _record(workshop, from_status, to_status, rule, actor, comment, **extra) -> WorkshopTransition:
    row = WorkshopTransition(
        workshop=workshop,
        action=rule.action,
        from_status=from_status,
        to_status=to_status,
        actor=actor,
        actor_name=_actor_name(actor),
        comment=comment.strip(),
        **extra,
    )
    _with_history_user(row, actor).save()
    return row


def workshop_transition(
    *,
    workshop: Workshop,
    to_status: str,
    actor,
    comment: str = "",
    naming_document_number: str = "",
    named_on: datetime.date | None = None,
    review_year: int | None = None,
    reason: str = "",
) -> WorkshopTransition:
    """Move a house one step along its life cycle, or refuse with a Chinese reason.

    Checks, in order: the house is visible to the actor; the (from, to) pair is in the
    transition map; the actor's role; the rule's requirements (a passed assessment,
    the naming document, the review year, a reason). Writes the new status and the
    transition row (who, when, comment) in one transaction, with the house row locked.
    """
    if to_status not in Status.values:
        raise DomainError("未知的目标状态。", code="unknown_status")
    with transaction.atomic():
        try:
            locked = Workshop.objects.select_for_update().get(pk=workshop.pk)
        except Workshop.DoesNotExist:
            raise DomainError("未找到该劳模工匠之家。", code="not_found") from None
        from_status = locked.status
        rule = TRANSITIONS.get(from_status, {}).get(to_status)
        if rule is None:
            if not Workshop.objects.visible_to(actor).filter(pk=locked.pk).exists():
                raise DomainError("未找到该劳模工匠之家。", code="not_found")
            raise DomainError(_forbidden_reason(from_status, to_status), code="forbidden_transition")
        _check_actor(rule, locked, actor)
        extra = _check_requirements(
            rule, locked, comment=comment, naming_document_number=naming_document_number,
            named_on=named_on, review_year=review_year, reason=reason, actor=actor,
        )  # fmt: skip
        locked.status = to_status
        if Requirement.NAMING_DOCUMENT in rule.requires:
            locked.naming_document_number = naming_document_number.strip()
            locked.named_on = named_on
        if "review_year" in extra and to_status == Status.NAMED:
            locked.last_reviewed_year = extra["review_year"]
        if Requirement.PASSED_RE_REVIEW in rule.requires:
            locked.last_reviewed_year = _latest_transition_into(locked, Status.RECTIFYING).review_year
        if to_status == Status.REVOKED:
            locked.revoked_on = timezone.localdate()
            locked.revoked_reason = reason.strip()
        _with_history_user(locked, actor).save()
        row = _record(locked, from_status, to_status, rule, actor, comment or reason, **extra)
    # The caller's instance follows the stored row.
    workshop.refresh_from_db()
    return row


def workshop_include_leader(*, workshop: Workshop) -> None:
    """The leader is always among the members involved."""
    if workshop.leader_id:
        workshop.members.add(workshop.leader_id)
