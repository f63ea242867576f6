"""Write path of letters/visits/calls: register, assign, log, move along the life cycle, remind."""

import datetime
import logging
from collections import defaultdict

import chinese_calendar
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import DomainError
from core.notifications import notify_branch, send_email
from core.states import check_transition

from ..models.inquiries import CalendarDay, Inquiry, InquiryLog

logger = logging.getLogger(__name__)

DEFAULT_WORKING_DAYS = 15
REMIND_WORKING_DAYS_AHEAD = 3


def calendar_overrides(start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    """Staff-entered days (节假日调整) between ``start`` and ``end``: date → is a working day."""
    rows = CalendarDay.objects.filter(date__range=(start, end)).values_list("date", "kind")
    return {day: kind == CalendarDay.Kind.WORKDAY for day, kind in rows}


def is_working_day(day: datetime.date, overrides: dict | None = None) -> bool:
    """A working day in China: public holidays off, make-up working weekends (调休) on.

    A day staff entered under 节假日调整 decides first. For a year neither knows (the State
    Council publishes each year's schedule in the autumn before), only weekends are taken off
    and a warning is logged.
    """
    if overrides is None:
        overrides = calendar_overrides(day, day)
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        logger.warning("holiday calendar does not cover %s; counting Monday to Friday", day.year)
        return day.weekday() < 5


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date ``days`` working days after ``start`` (the day of receipt does not count)."""
    # One query for the whole span: wide enough for the longest run of days off (春节 and its
    # weekends) several times over; a day beyond it is looked up on its own.
    horizon = start + datetime.timedelta(days=2 * days + 30)
    overrides = calendar_overrides(start, horizon)
    day = start
    counted = 0
    while counted < days:
        day += datetime.timedelta(days=1)
        if is_working_day(day, overrides if day <= horizon else None):
            counted += 1
    return day


def inquiry_default_deadline(received_at: datetime.datetime) -> datetime.date:
    return working_days_after(timezone.localdate(received_at), DEFAULT_WORKING_DAYS)


def _log(inquiry, kind, text, actor):
    entry = InquiryLog(inquiry=inquiry, kind=kind, text=text, by=actor if _is_user(actor) else None)
    entry._history_user = actor if _is_user(actor) else None
    entry.save()
    return entry


def _is_user(actor) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def inquiry_register(*, inquiry: Inquiry, actor=None) -> Inquiry:
    """Register a new case: default deadline of 15 working days, the member's branch by default, a first log line."""
    if inquiry.pk is not None:
        raise DomainError("该件已登记。", code="already_registered")
    if inquiry.branch_id is None and inquiry.member_id is not None:
        inquiry.branch_id = inquiry.member.branch_id
    if not inquiry.deadline:
        inquiry.deadline = inquiry_default_deadline(inquiry.received_at)
    if inquiry.deadline < timezone.localdate(inquiry.received_at):
        raise DomainError("办理期限不能早于受理日期。", code="bad_deadline")
    inquiry.status = Inquiry.Status.REGISTERED
    if _is_user(actor):
        inquiry.created_by = actor
    with transaction.atomic():
        inquiry._history_user = actor if _is_user(actor) else None
        inquiry.save()
        _log(inquiry, InquiryLog.Kind.STATUS, f"登记受理，办理期限{inquiry.deadline:%Y-%m-%d}。", actor)
    return inquiry


def inquiry_assign(*, inquiry: Inquiry, officer, actor=None) -> Inquiry:
    """Give the case to an officer (交办)."""
    with transaction.atomic():
        inquiry.assigned_to = officer
        inquiry._history_user = actor if _is_user(actor) else None
        inquiry.save(update_fields=["assigned_to"])
        _log(
            inquiry,
            InquiryLog.Kind.ASSIGN,
            f"交办给{officer.get_full_name() or officer.get_username()}。",
            actor,
        )
    return inquiry


def inquiry_log_add(*, inquiry: Inquiry, kind: str, text: str, actor=None) -> InquiryLog:
    """Add a note, reply or follow-up to the case's log."""
    if not text.strip():
        raise DomainError("请填写内容。", code="text_required")
    if inquiry.status == Inquiry.Status.CLOSED:
        raise DomainError("已办结的件不能再添加记录。", code="closed")
    return _log(inquiry, kind, text, actor)


def inquiry_transition(*, inquiry: Inquiry, to_status: str, actor=None, note: str = "") -> Inquiry:
    """Move a case one step along its life cycle (登记 → 办理中 → 已答复 → 已回访 → 办结).

    Replying needs the reply's text; a reply to a request outside policy needs the
    explanation given; a follow-up needs what the person said.
    """
    current = Inquiry.Status(inquiry.status)
    target = Inquiry.Status(to_status)
    check_transition(inquiry, target)
    if target in (Inquiry.Status.REPLIED, Inquiry.Status.FOLLOWED_UP) and not note.strip():
        what = "答复内容" if target == Inquiry.Status.REPLIED else "回访情况"
        raise DomainError(f"请填写{what}。", code="note_required")
    if target == Inquiry.Status.REPLIED and inquiry.out_of_policy and not inquiry.policy_explanation.strip():
        raise DomainError("该诉求超出政策范围，请先填写向当事人所作的政策解释。", code="explanation_required")
    now = timezone.now()
    with transaction.atomic():
        inquiry.status = target
        if target == Inquiry.Status.REPLIED:
            inquiry.replied_at = now
        if target == Inquiry.Status.CLOSED:
            inquiry.closed_at = now
        inquiry._history_user = actor if _is_user(actor) else None
        inquiry.save()
        kind = {
            Inquiry.Status.REPLIED: InquiryLog.Kind.REPLY,
            Inquiry.Status.FOLLOWED_UP: InquiryLog.Kind.FOLLOW_UP,
        }.get(target, InquiryLog.Kind.STATUS)
        text = f"{current.label} → {target.label}" + (f"：{note.strip()}" if note.strip() else "")
        _log(inquiry, kind, text, actor)
    return inquiry


def inquiry_deadline_reminders_send(*, today: datetime.date | None = None) -> int:
    """Remind each assigned officer of open cases due within three working days or overdue (once a day).

    Unassigned cases are reported to their branch's officers. Returns the number of cases reminded.
    """
    today = today or timezone.localdate()
    horizon = working_days_after(today, REMIND_WORKING_DAYS_AHEAD)
    due = (
        Inquiry.objects.due_by(horizon)
        .filter(Q(last_reminded_on__isnull=True) | Q(last_reminded_on__lt=today))
        .select_related("assigned_to", "branch")
        .order_by("deadline", "pk")
    )
    by_officer, by_branch = defaultdict(list), defaultdict(list)
    for inquiry in due:
        # The conditional update makes a second run on the same day (or a second worker) remind nobody again.
        if (
            not Inquiry.objects.filter(pk=inquiry.pk)
            .exclude(last_reminded_on=today)
            .update(last_reminded_on=today)
        ):
            continue
        if inquiry.assigned_to_id and inquiry.assigned_to.email:
            by_officer[inquiry.assigned_to].append(inquiry)
        else:
            by_branch[inquiry.branch_id].append(inquiry)
    for officer, cases in by_officer.items():
        send_email(
            to=[officer.email], subject=_reminder_subject(cases, today), body=_reminder_body(cases, today)
        )
        for inquiry in cases:
            _log(
                inquiry, InquiryLog.Kind.REMINDER, f"已提醒承办人（期限{inquiry.deadline:%Y-%m-%d}）。", None
            )
    for branch_id, cases in by_branch.items():
        if branch_id is not None:
            notify_branch(
                branch_id=branch_id,
                subject=_reminder_subject(cases, today),
                body=_reminder_body(cases, today),
            )
        else:
            logger.warning("%d association-level inquiries due without an assignee", len(cases))
        for inquiry in cases:
            _log(inquiry, InquiryLog.Kind.REMINDER, "未指定承办人，已提醒分会。", None)
    return sum(len(c) for c in by_officer.values()) + sum(len(c) for c in by_branch.values())


def _reminder_subject(cases, today) -> str:
    overdue = sum(1 for c in cases if c.deadline < today)
    return f"来信来访来电办理提醒：{len(cases)}件临近或超过期限（其中逾期{overdue}件）"


def _reminder_body(cases, today) -> str:
    lines = ["以下件临近或已超过办理期限，请及时办理并答复："]
    for c in cases:
        state = f"已逾期{(today - c.deadline).days}天" if c.deadline < today else f"{c.deadline:%Y-%m-%d}到期"
        lines.append(f"· [{c.get_channel_display()}] {c.subject}（{c.get_status_display()}，{state}）")
    lines.append("\n件件有回复、事事有落实。")
    return "\n".join(lines)
