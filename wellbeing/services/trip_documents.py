"""Rosters (participant and rooming lists, .xlsx and PDF) and the annual report of trips.

Files go through the project's one spreadsheet writer and one PDF renderer. Personal data:
the full ID number and phone only in the association's participant spreadsheet (needed
for insurance and the travel agency); officers' spreadsheets and every PDF mask them;
the rooming list carries neither.
"""

import datetime
from collections import Counter

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.documents import render_pdf
from core.idcard import mask_id_number, mask_phone
from core.spreadsheets import xlsx_bytes
from members.models import Branch

from ..models import (
    ConvalescenceTrip,
    Nomination,
    PriorityGroup,
    SafetyCheck,
    TripQuota,
    TripRules,
    TripStatus,
)
from .trip_rules import eligible_members, never_been

PARTICIPANT_HEADERS = [
    "序号", "姓名", "性别", "年龄", "身份证号", "手机号码", "推荐分会", "工作单位", "优先类别",
    "房间号", "紧急联系人", "紧急联系人电话", "保单号", "特殊需求", "安全核查", "出发签到",
]  # fmt: skip
ROOMING_HEADERS = ["房间号", "姓名", "性别", "推荐分会", "特殊需求"]


def roster_nominations(nominations):
    """Confirmed participants of the given (already scoped) nominations, in roster order."""
    return (
        nominations.filter(status=Nomination.Status.APPROVED)
        .select_related("member", "branch", "trip", "safety_check")
        .order_by("branch__sort_order", "branch_id", "member__name", "pk")
    )


def _check(nomination) -> SafetyCheck | None:
    try:
        return nomination.safety_check
    except SafetyCheck.DoesNotExist:
        return None


def participant_rows(nominations, *, full: bool) -> list[dict]:
    """One dict per participant; ``full=False`` masks the ID number and both phone numbers."""
    rows = []
    for index, n in enumerate(roster_nominations(nominations), start=1):
        m = n.member
        check = _check(n)
        missing = check.missing_items() if check else ["未填写"]
        emergency_phone = check.emergency_contact_phone if check else ""
        rows.append(
            {
                "index": index,
                "name": m.name,
                "gender": m.get_gender_display(),
                "age": m.age_on(n.trip.start_date),
                "id_number": m.id_number if full else mask_id_number(m.id_number),
                "mobile": m.mobile if full else mask_phone(m.mobile),
                "branch": n.branch.name,
                "employer": m.employer,
                "group": n.get_priority_group_display(),
                "room": n.room_number,
                "emergency": f"{check.emergency_contact_name}（{check.emergency_contact_relation}）"
                if check and check.emergency_contact_name
                else "",
                "emergency_phone": emergency_phone if full else mask_phone(emergency_phone),
                "policy": check.insurance_policy_number if check else "",
                "special_needs": check.special_needs if check else "",
                "safety": "完成" if not missing else "缺：" + "、".join(missing),
                "departed": timezone.localtime(n.departed_at).strftime("%m-%d %H:%M")
                if n.departed_at
                else "",
            }
        )
    return rows


def participants_xlsx(*, trip, nominations, full: bool) -> bytes:
    keys = [
        "index", "name", "gender", "age", "id_number", "mobile", "branch", "employer", "group",
        "room", "emergency", "emergency_phone", "policy", "special_needs", "safety", "departed",
    ]  # fmt: skip
    rows = [[r[k] for k in keys] for r in participant_rows(nominations, full=full)]
    return xlsx_bytes(PARTICIPANT_HEADERS, rows, title="学员名单", text_columns=[4, 5, 11, 12])


def rooming_rows(nominations) -> list[dict]:
    rows = []
    for n in roster_nominations(nominations).order_by("room_number", "member__gender", "member__name"):
        check = _check(n)
        rows.append(
            {
                "room": n.room_number or "未分配",
                "name": n.member.name,
                "gender": n.member.get_gender_display(),
                "branch": n.branch.name,
                "special_needs": check.special_needs if check else "",
            }
        )
    return rows


def rooming_xlsx(*, trip, nominations) -> bytes:
    rows = [
        [r["room"], r["name"], r["gender"], r["branch"], r["special_needs"]]
        for r in rooming_rows(nominations)
    ]
    return xlsx_bytes(ROOMING_HEADERS, rows, title="住宿安排", text_columns=[0])


def _pdf_context(trip, **extra) -> dict:
    return {
        "trip": trip,
        "programme": list(trip.programme.all()),
        "printed_on": timezone.localdate(),
        **extra,
    }


def participants_pdf(*, trip, nominations) -> bytes:
    """The printed participant list: ID numbers and phones always masked."""
    return render_pdf(
        "wellbeing/pdf/trip_participants.html",
        _pdf_context(trip, rows=participant_rows(nominations, full=False)),
    )


def rooming_pdf(*, trip, nominations) -> bytes:
    return render_pdf("wellbeing/pdf/trip_rooming.html", _pdf_context(trip, rows=rooming_rows(nominations)))


def annual_report(*, year: int, rules: TripRules | None = None, fairness_limit: int = 200) -> dict:
    """Participants per branch against the annual goal, by priority group, and who has never been."""
    rules = rules or TripRules.load()
    trips = ConvalescenceTrip.objects.filter(year=year).not_cancelled()
    confirmed = Nomination.objects.counted_as_trip().filter(trip__in=trips)
    by_branch = {
        row["branch_id"]: row
        for row in confirmed.values("branch_id").annotate(
            confirmed=Count("pk"), departed=Count("pk", filter=Q(departed_at__isnull=False))
        )
    }
    quotas = dict(
        TripQuota.objects.filter(trip__in=trips)
        .values("branch_id")
        .annotate(total=Sum("places"))
        .values_list("branch_id", "total")
    )
    reference = min(datetime.date(year, 12, 31), max(timezone.localdate(), datetime.date(year, 1, 1)))
    pool = never_been(eligible_members(on=reference, rules=rules))
    never_by_branch = dict(pool.values("branch_id").annotate(n=Count("pk")).values_list("branch_id", "n"))
    branches = []
    for branch in Branch.objects.filter(
        Q(active=True) | Q(pk__in=list(by_branch)) | Q(pk__in=list(quotas))
    ).order_by("sort_order", "pk"):
        row = by_branch.get(branch.pk, {})
        branches.append(
            {
                "branch": branch.name,
                "quota": quotas.get(branch.pk, 0),
                "confirmed": row.get("confirmed", 0),
                "departed": row.get("departed", 0),
                "never_been": never_by_branch.get(branch.pk, 0),
            }
        )
    groups = Counter(
        dict(confirmed.values("priority_group").annotate(n=Count("pk")).values_list("priority_group", "n"))
    )
    total = sum(b["confirmed"] for b in branches)
    fairness = pool.select_related("branch", "work_profile").order_by(
        "branch__sort_order", "branch_id", "birth_date"
    )[:fairness_limit]
    return {
        "year": year,
        "goal": rules.annual_goal,
        "total_confirmed": total,
        "total_departed": sum(b["departed"] for b in branches),
        "goal_percent": round(100 * total / rules.annual_goal) if rules.annual_goal else None,
        "trips": list(trips.exclude(status=TripStatus.PLANNING).order_by("start_date"))
        + list(trips.filter(status=TripStatus.PLANNING).order_by("start_date")),
        "branches": branches,
        "groups": [{"group": label, "count": groups.get(value, 0)} for value, label in PriorityGroup.choices],
        "never_been_total": pool.count(),
        "never_been": [
            {
                "name": m.name,
                "branch": m.branch.name,
                "age": m.age_on(reference),
                "group": PriorityGroup(_group_of(m)).label,
            }
            for m in fairness
        ],
        "reference_date": reference,
    }


def _group_of(member) -> str:
    profile = getattr(member, "work_profile", None)  # the reverse one-to-one may be missing
    return profile.priority_group if profile else PriorityGroup.OTHER


def annual_report_xlsx(report: dict) -> bytes:
    rows = [
        [b["branch"], b["quota"], b["confirmed"], b["departed"], b["never_been"]] for b in report["branches"]
    ]
    rows.append(["合计", sum(b["quota"] for b in report["branches"]), report["total_confirmed"],
                 report["total_departed"], report["never_been_total"]])  # fmt: skip
    rows.append([f"年度目标 {report['goal']} 人", "", f"完成 {report['goal_percent']}%", "", ""])
    return xlsx_bytes(
        ["分会", "分配名额", "已确认人数", "已出发人数", "符合条件但从未参加"],
        rows,
        title=f"{report['year']}年疗休养",
    )
