"""Write paths of convalescence trips: nominations, approval, waitlist, life cycle, departure.

Every function that changes who holds a place locks the trip row first
(``SELECT … FOR UPDATE``), so counting places and taking one happen as one step: two
officers racing for the last place are serialised and exactly one gets it.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import ConflictError, DomainError
from core.notifications import notify_branch
from core.roles import is_association_staff
from core.scoping import scopes_disabled
from core.states import check_transition
from members.models import Member

from ..models import (
    HOLDING,
    TRIP_TRANSITIONS,
    ConvalescenceTrip,
    Nomination,
    SafetyCheck,
    TripQuota,
    TripRules,
    TripStatus,
)
from .trip_rules import eligibility_reasons, priority_for

NOMINATION_OPEN = (TripStatus.OPEN, TripStatus.CLOSED)


def _require_association(actor, what: str) -> None:
    if not is_association_staff(actor):
        raise DomainError(f"只有协会工作人员可以{what}。", code="forbidden")


def _lock_trip(trip) -> ConvalescenceTrip:
    return ConvalescenceTrip.objects.select_for_update().get(pk=trip.pk)


def _visible_nomination(nomination, actor) -> Nomination:
    # Forbidden looks like missing: an officer of another branch gets the same answer.
    found = (
        Nomination.objects.visible_to(actor).select_related("trip", "member").filter(pk=nomination.pk).first()
    )
    if found is None:
        raise DomainError("推荐记录不存在。", code="not_found")
    return found


def _save(obj, actor, **kwargs) -> None:
    obj._history_user = actor if getattr(actor, "is_authenticated", False) else None
    obj.save(**kwargs)


def _notify_after_commit(*, branch_id: int, subject: str, body: str) -> None:
    transaction.on_commit(lambda: notify_branch(branch_id=branch_id, subject=subject, body=body))


def place_available(*, trip, branch_id) -> str | None:
    """None when the branch may take one more place on the trip, else the Chinese reason."""
    # The trip's places are shared by every branch: an officer's nomination is counted against
    # all branches' holders (only counts leave this block).
    with scopes_disabled():
        quota = (
            TripQuota.objects.filter(trip=trip, branch_id=branch_id).values_list("places", flat=True).first()
            or 0
        )
        holding = Nomination.objects.filter(trip=trip, status__in=HOLDING)
        branch_held, trip_held = holding.filter(branch_id=branch_id).count(), holding.count()
    if branch_held >= quota:
        return f"本分会名额（{quota}人）已满"
    if trip_held >= trip.capacity:
        return f"本团总名额（{trip.capacity}人）已满"
    return None


def nomination_create(*, trip, member, actor, reason: str = "") -> Nomination:
    """Put a member forward for a trip: a place if the quota and capacity allow, else the waitlist.

    Refused with a Chinese reason when the trip is not taking nominations, the member is not
    in the actor's branch, the branch has no quota, or any eligibility rule fails.
    """
    with transaction.atomic():
        trip = _lock_trip(trip)
        if trip.status != TripStatus.OPEN:
            raise DomainError(f"该疗休养团当前为“{trip.get_status_display()}”，不接受推荐。", code="not_open")
        member = Member.objects.visible_to(actor).filter(pk=member.pk).first()
        if member is None:
            raise DomainError("只能推荐本分会的在册会员。", code="not_found")
        if not TripQuota.objects.filter(trip=trip, branch_id=member.branch_id, places__gt=0).exists():
            raise DomainError(f"本团没有给{member.branch.name}分配名额。", code="no_quota")
        rules = TripRules.load()
        reasons = eligibility_reasons(member=member, trip=trip, rules=rules)
        if reasons:
            raise DomainError("不符合参加条件：" + "；".join(reasons), code="ineligible")
        priority = priority_for(member=member, trip=trip, rules=rules)
        full = place_available(trip=trip, branch_id=member.branch_id)
        nomination = Nomination(
            trip=trip,
            member=member,
            branch_id=member.branch_id,
            status=Nomination.Status.WAITLISTED if full else Nomination.Status.PENDING,
            priority_score=priority.score,
            priority_parts=priority.parts,
            priority_group=priority.group,
            reason=reason,
            decision_note=f"{full}，列入候补" if full else "",
            nominated_by=actor,
        )
        try:
            with transaction.atomic():
                _save(nomination, actor)
        except IntegrityError:
            raise ConflictError("该会员已在本团推荐名单中。", code="duplicate") from None
    return nomination


def nomination_approve(*, nomination, actor, note: str = "") -> Nomination:
    """Association staff confirm a nominee; a waitlisted one only if a place is free."""
    _require_association(actor, "确认疗休养学员")
    with transaction.atomic():
        trip = _lock_trip(nomination.trip)
        nomination = Nomination.objects.select_related("member").get(pk=nomination.pk)
        if trip.status not in NOMINATION_OPEN:
            raise DomainError(
                f"该疗休养团当前为“{trip.get_status_display()}”，不能确认学员。", code="not_open"
            )
        if nomination.status == Nomination.Status.WAITLISTED:
            full = place_available(trip=trip, branch_id=nomination.branch_id)
            if full:
                raise ConflictError(f"{full}，该推荐仍在候补。", code="full")
        elif nomination.status != Nomination.Status.PENDING:
            raise DomainError(
                f"只有待审核或候补的推荐可以确认（当前：{nomination.get_status_display()}）。",
                code="invalid_status",
            )
        reasons = eligibility_reasons(member=nomination.member, trip=trip, exclude_nomination=nomination)
        if reasons:
            raise DomainError("不符合参加条件：" + "；".join(reasons), code="ineligible")
        nomination.status = Nomination.Status.APPROVED
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.decision_note = note
        _save(nomination, actor)
    return nomination


def nomination_reject(*, nomination, actor, note: str) -> Nomination:
    """Association staff turn a nominee down (reason required); a freed place goes to the waitlist."""
    _require_association(actor, "审核疗休养推荐")
    if not note.strip():
        raise DomainError("请填写不通过的原因。", code="note_required")
    with transaction.atomic():
        trip = _lock_trip(nomination.trip)
        nomination = Nomination.objects.get(pk=nomination.pk)
        if nomination.status not in (Nomination.Status.PENDING, Nomination.Status.WAITLISTED):
            raise DomainError(
                f"只有待审核或候补的推荐可以不通过（当前：{nomination.get_status_display()}）。",
                code="invalid_status",
            )
        freed = nomination.holds_place
        nomination.status = Nomination.Status.REJECTED
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.decision_note = note
        _save(nomination, actor)
        if freed:
            trip_fill_from_waitlist(trip=trip, actor=actor)
    return nomination


def nomination_withdraw(*, nomination, actor, note: str = "") -> Nomination:
    """The branch or the association withdraws a nominee before departure; the waitlist moves up."""
    with transaction.atomic():
        nomination = _visible_nomination(nomination, actor)
        trip = _lock_trip(nomination.trip)
        nomination = Nomination.objects.get(pk=nomination.pk)
        if trip.status not in NOMINATION_OPEN:
            raise DomainError(f"该疗休养团当前为“{trip.get_status_display()}”，不能退出。", code="not_open")
        if nomination.status not in (
            Nomination.Status.PENDING,
            Nomination.Status.APPROVED,
            Nomination.Status.WAITLISTED,
        ):
            raise DomainError(
                f"该推荐当前为“{nomination.get_status_display()}”，无需退出。", code="invalid_status"
            )
        freed = nomination.holds_place
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.decision_note = note or "本人或分会申请退出"
        nomination.room_number = ""
        _save(nomination, actor)
        if freed:
            trip_fill_from_waitlist(trip=trip, actor=actor)
    return nomination


def trip_fill_from_waitlist(*, trip, actor=None) -> list[Nomination]:
    """Give free places to the waitlist in priority order and tell each promoted nominee's branch.

    A waitlisted nominee whose branch quota is still full is skipped, not blocking the next.
    Promoted nominees become 待审核 (the association still confirms every participant).
    """
    promoted = []
    with transaction.atomic():
        trip = _lock_trip(trip)
        if trip.status not in NOMINATION_OPEN:
            return promoted
        for candidate in Nomination.objects.filter(trip=trip).waitlist().select_related("member"):
            if place_available(trip=trip, branch_id=candidate.branch_id):
                continue
            candidate.status = Nomination.Status.PENDING
            candidate.decision_note = f"{timezone.localdate():%Y-%m-%d} 由候补递补"
            _save(candidate, actor)
            promoted.append(candidate)
            _notify_after_commit(
                branch_id=candidate.branch_id,
                subject=f"疗休养候补递补：{trip.name}",
                body=(
                    f"{candidate.member.name}已由候补递补为“{trip.name}”"
                    f"（{trip.start_date:%Y年%m月%d日}出发）的待审核学员，请协助做好出发准备。"
                ),
            )
    return promoted


def trip_transition(*, trip, to_status, actor, note: str = "") -> ConvalescenceTrip:
    """Move a trip along its life cycle (筹备→报名中→报名截止→已出发→已完成, or 已取消)."""
    _require_association(actor, "变更疗休养团状态")
    limit = ConvalescenceTrip._meta.get_field("status_note").max_length
    if len(note) > limit:
        raise DomainError(f"状态说明最多{limit}个字，请精简后再提交。", code="note_too_long")
    with transaction.atomic():
        trip = _lock_trip(trip)
        check_transition(trip, to_status, transitions=TRIP_TRANSITIONS, code="invalid_transition")
        nominations = Nomination.objects.filter(trip=trip)
        if to_status == TripStatus.OPEN:
            if not TripQuota.objects.filter(trip=trip, places__gt=0).exists():
                raise DomainError("请先为各分会分配名额，再开始报名。", code="no_quota")
        elif to_status == TripStatus.DEPARTED:
            pending = nominations.filter(status=Nomination.Status.PENDING).count()
            if pending:
                raise DomainError(f"还有{pending}条推荐待审核，请先审核再出发。", code="pending_left")
            if not nominations.filter(status=Nomination.Status.APPROVED).exists():
                raise DomainError("没有已确认的学员，不能出发。", code="no_participants")
            _bulk_status(
                nominations.filter(status=Nomination.Status.WAITLISTED),
                Nomination.Status.LAPSED,
                "出发时未能递补",
                actor,
            )
        elif to_status == TripStatus.COMPLETED:
            _bulk_status(
                nominations.filter(status=Nomination.Status.APPROVED, departed_at__isnull=True),
                Nomination.Status.NO_SHOW,
                "未出发签到",
                actor,
            )
        elif to_status == TripStatus.CANCELLED:
            if not note.strip():
                raise DomainError("请填写取消原因。", code="note_required")
        previous = trip.status
        trip.status = to_status
        trip.status_note = note
        _save(trip, actor)
        _notify_branches_of_transition(trip=trip, previous=previous)
    return trip


def _bulk_status(nominations, status, note, actor) -> None:
    # One by one, not .update(): every status change must land in the history.
    for nomination in nominations:
        nomination.status = status
        nomination.decision_note = note
        _save(nomination, actor)


def _notify_branches_of_transition(*, trip, previous) -> None:
    when = f"{trip.start_date:%Y年%m月%d日}—{trip.end_date:%m月%d日}"
    if trip.status == TripStatus.OPEN and previous == TripStatus.PLANNING:
        for quota in TripQuota.objects.filter(trip=trip, places__gt=0):
            _notify_after_commit(
                branch_id=quota.branch_id,
                subject=f"疗休养开始报名：{trip.name}",
                body=f"“{trip.name}”（{when}，{trip.destination}）开始报名，本分会名额{quota.places}人。",
            )
    elif trip.status == TripStatus.CANCELLED:
        branch_ids = set(
            Nomination.objects.filter(trip=trip, status__in=HOLDING).values_list("branch_id", flat=True)
        ) | set(
            Nomination.objects.filter(trip=trip, status=Nomination.Status.WAITLISTED).values_list(
                "branch_id", flat=True
            )
        )
        for branch_id in sorted(branch_ids):
            _notify_after_commit(
                branch_id=branch_id,
                subject=f"疗休养取消：{trip.name}",
                body=f"“{trip.name}”（{when}）已取消：{trip.status_note}",
            )


def safety_check_save(*, check: SafetyCheck, actor) -> SafetyCheck:
    """Record (or update) a participant's pre-departure safety check."""
    with transaction.atomic():
        nomination = _visible_nomination(check.nomination, actor)
        if nomination.status not in HOLDING:
            raise DomainError("只有待审核或已确认的学员需要安全核查。", code="invalid_status")
        if nomination.trip.status in (TripStatus.COMPLETED, TripStatus.CANCELLED):
            raise DomainError("该疗休养团已结束，不能再修改安全核查。", code="closed")
        check.checked_by = actor
        check.checked_at = timezone.now()
        _save(check, actor)
    return check


def _temperature(value) -> Decimal:
    try:
        value = Decimal(str(value)).quantize(Decimal("0.1"))
    except InvalidOperation:
        value = None
    if value is None or not (34 <= value <= 43):
        raise DomainError("请填写正确的体温（34–43℃）。", code="invalid_temperature")
    return value


def participant_mark_departed(*, nomination, actor, temperature=None) -> Nomination:
    """Record that a confirmed participant has departed; refused without a complete safety check."""
    with transaction.atomic():
        nomination = _visible_nomination(nomination, actor)
        trip = _lock_trip(nomination.trip)
        nomination = Nomination.objects.select_related("trip", "member").get(pk=nomination.pk)
        if trip.status not in (TripStatus.CLOSED, TripStatus.DEPARTED):
            raise DomainError(
                f"该疗休养团当前为“{trip.get_status_display()}”，不能登记出发。", code="not_departing"
            )
        if nomination.status != Nomination.Status.APPROVED:
            raise DomainError(
                f"只有已确认的学员可以登记出发（当前：{nomination.get_status_display()}）。",
                code="invalid_status",
            )
        if nomination.departed_at is not None:
            raise ConflictError(f"{nomination.member.name}已登记出发。", code="already_departed")
        check = SafetyCheck.objects.filter(nomination=nomination).first()
        if check is None:
            raise DomainError(
                f"{nomination.member.name}尚未完成出发前安全核查，不能登记出发。", code="safety_check_missing"
            )
        if temperature is not None:
            check.temperature = _temperature(temperature)
            _save(check, actor)
        missing = check.missing_items()
        if missing:
            raise DomainError(
                f"{nomination.member.name}的安全核查未完成：{'、'.join(missing)}，不能登记出发。",
                code="safety_check_incomplete",
            )
        nomination.departed_at = timezone.now()
        _save(nomination, actor)
    return nomination


def nominations_rescore(*, trip, actor) -> int:
    """Recompute the priority of a trip's open nominations with the weights now in force."""
    _require_association(actor, "重新计算优先分")
    rules = TripRules.load()
    count = 0
    with transaction.atomic():
        trip = _lock_trip(trip)
        for nomination in Nomination.objects.filter(
            trip=trip, status__in=(Nomination.Status.PENDING, Nomination.Status.WAITLISTED)
        ).select_related("member"):
            priority = priority_for(member=nomination.member, trip=trip, rules=rules)
            nomination.priority_score = priority.score
            nomination.priority_parts = priority.parts
            nomination.priority_group = priority.group
            _save(nomination, actor)
            count += 1
    return count


def rooms_assign(*, trip, actor) -> int:
    """Put confirmed participants without a room two to a room, same gender, branch by branch."""
    _require_association(actor, "分配房间")
    with transaction.atomic():
        trip = _lock_trip(trip)
        participants = Nomination.objects.filter(trip=trip, status=Nomination.Status.APPROVED)
        used = set(participants.exclude(room_number="").values_list("room_number", flat=True))
        waiting = list(
            participants.filter(room_number="")
            .select_related("member", "branch")
            .order_by("member__gender", "branch__sort_order", "branch_id", "member__birth_date", "pk")
        )
        number = 0

        def next_room():
            nonlocal number
            while True:
                number += 1
                name = f"{number:03d}"
                if name not in used:
                    used.add(name)
                    return name

        assigned = 0
        for gender in ("M", "F"):
            group = [n for n in waiting if n.member.gender == gender]
            for i in range(0, len(group), 2):
                room = next_room()
                for nomination in group[i : i + 2]:
                    nomination.room_number = room
                    _save(nomination, actor, update_fields=["room_number"])
                    assigned += 1
    return assigned


def nomination_set_room(*, nomination, room_number: str, actor) -> Nomination:
    """Association staff change one participant's room."""
    _require_association(actor, "分配房间")
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != Nomination.Status.APPROVED and room_number:
            raise DomainError("只有已确认的学员可以分配房间。", code="invalid_status")
        nomination.room_number = room_number.strip()
        _save(nomination, actor, update_fields=["room_number"])
    return nomination
