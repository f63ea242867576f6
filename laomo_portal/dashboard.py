"""Figures of the staff dashboard (the admin index), scoped to what the user may see.

Every figure is one aggregate query over ``visible_to(user)``: the page costs the same
number of queries for 300 members or a million.
"""

import datetime
from urllib.parse import urlencode

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from core.roles import is_association_staff
from core.scoping import user_scope
from members.models import Branch, Honor, HonorCount, Member, MemberCount
from members.statistics import CATEGORIES, freshness, snapshot_current
from volunteering.models import Participation, ServiceEvent
from wellbeing.models import CareBudget, CondolenceVisit, Inquiry, Nomination, TripRules
from workshops.models import Workshop


def _birthday_q(days: list[datetime.date]) -> Q:
    """Birthdays on any of ``days``: each (month, day) pair is served by member_birth_month_day."""
    q = Q()
    for day in days:
        q |= Q(birth_date__month=day.month, birth_date__day=day.day)
    return q


def list_url(name: str, **params) -> str:
    """An admin list (or report) with its filters: every tile links to what it counts."""
    url = reverse(f"admin:{name}")
    return f"{url}?{urlencode(params)}" if params else url


def registry_figures(user, today: datetime.date) -> dict:
    """Members per branch and category and this year's honours (from the statistics snapshot
    when there is one for today, else live), and the birthdays (always live, indexed)."""
    members = Member.objects.visible_to(user).filter(status=Member.Status.ACTIVE)
    snapshot = snapshot_current(today)
    if snapshot is not None:
        counts = (
            MemberCount.objects.visible_to(user)
            .filter(status=Member.Status.ACTIVE)
            .values_list("branch_id", "category")
            .annotate(n=Sum("n"))
            .order_by()
        )
        honors_this_year = (
            HonorCount.objects.visible_to(user).filter(year=today.year).aggregate(n=Sum("n"))["n"] or 0
        )
    else:
        # One grouped scan (an index-only scan of member_status_branch_category) gives both
        # the per-branch and the per-category figures.
        counts = members.values_list("branch_id", "category").annotate(n=Count("pk")).order_by()
        honors_this_year = Honor.objects.visible_to(user).filter(year=today.year).count()
    per_branch, per_category = {}, {}
    for branch_id, category, n in counts:
        per_branch[branch_id] = per_branch.get(branch_id, 0) + n
        per_category[category] = per_category.get(category, 0) + n
    active = Member.Status.ACTIVE
    by_branch = [
        (name, per_branch.get(pk, 0))
        for pk, name in Branch.objects.visible_to(user).order_by("sort_order", "pk").values_list("pk", "name")
    ]
    week = [today + datetime.timedelta(days=i) for i in range(7)]
    birthdays_today = members.filter(birth_date__month=today.month, birth_date__day=today.day)
    return {
        "freshness": freshness(snapshot),
        "members_total": sum(per_category.values()),
        "members_url": list_url("members_member_changelist", status__exact=active),
        "by_category": [
            (
                label,
                per_category[key],
                list_url("members_member_changelist", status__exact=active, category__exact=key),
            )
            for key, label in CATEGORIES
            if per_category.get(key)
        ],
        "honors_url": list_url("members_honor_changelist", year__exact=today.year),
        "by_branch": by_branch,
        "honors_this_year": honors_this_year,
        "birthdays_today_count": birthdays_today.count(),
        "birthdays_today": list(birthdays_today.order_by("name").values_list("name", "branch__name")[:12]),
        "birthdays_week": members.filter(_birthday_q(week)).count(),
        "birthdays_url": list_url("wellbeing_greeting_cake_list"),
    }


def app_tiles(user, today: datetime.date) -> list[dict]:
    """One tile per app: houses, service, convalescence, care budget, overdue inquiries."""
    year = today.year
    houses = dict(Workshop.objects.visible_to(user).values_list("status").annotate(n=Count("pk")).order_by())
    status_labels = dict(Workshop.Status.choices)
    events = ServiceEvent.objects.visible_to(user).done().in_year(year).count()
    service = Participation.objects.visible_to(user).counted().filter(event__date__year=year).totals()
    participants = Nomination.objects.visible_to(user).counted_as_trip().filter(trip__year=year).count()
    goal = TripRules.load().annual_goal
    budget = (
        CareBudget.objects.visible_to(user).filter(year=year).aggregate(total=Sum("amount"))["total"] or 0
    )
    spent = CondolenceVisit.objects.visible_to(user).in_year(year).spending()
    overdue = Inquiry.objects.visible_to(user).overdue(today).count()
    return [
        {
            "key": "houses_named",
            "title": "劳模工匠之家（已命名）",
            "url": list_url("workshops_workshop_changelist", status__exact=Workshop.Status.NAMED),
            "value": houses.get(Workshop.Status.NAMED, 0),
            "note": "　".join(
                f"{status_labels[k]} {v}" for k, v in sorted(houses.items()) if k != Workshop.Status.NAMED
            ),
        },
        {
            "key": "service_events",
            "title": f"{year}年志愿服务活动（已完成）",
            "url": list_url("volunteering_serviceevent_changelist", status__exact="done", date__year=year),
            "value": events,
            "note": f"服务时长 {service['hours']} 小时，{service['people']} 人参与",
        },
        {
            "key": "trip_participants",
            "title": f"{year}年疗休养人数",
            "url": list_url("wellbeing_convalescencetrip_report", year=year)
            if is_association_staff(user)
            else list_url("wellbeing_convalescencetrip_changelist", year__exact=year),
            "value": participants,
            "note": f"年度目标 {goal} 人（{round(100 * participants / goal) if goal else 0}%）",
        },
        {
            "key": "care_spent",
            "title": f"{year}年走访慰问支出（元）",
            "url": list_url("wellbeing_condolencevisit_report", year=year),
            "value": f"{spent:,.0f}",
            "note": f"预算 {budget:,.0f} 元" + (f"，已用 {round(100 * spent / budget)}%" if budget else ""),
        },
        {
            "key": "inquiries_overdue",
            "title": "逾期未答复的来信来访来电",
            "value": overdue,
            "note": "请尽快答复" if overdue else "没有逾期件",
            "url": list_url("wellbeing_inquiry_changelist", deadline_state="overdue"),
        },
    ]


def dashboard_for(user) -> dict:
    """All dashboard figures for one user, plus chart data."""
    today = timezone.localdate()
    scope = user_scope(user)
    figures = {"today": today, "scope_empty": scope.is_empty, "year": today.year}
    if scope.is_empty:
        return figures
    figures.update(registry_figures(user, today))
    figures["tiles"] = app_tiles(user, today)
    figures["chart_branches"] = {
        "names": [n for n, _ in figures["by_branch"]],
        "values": [v for _, v in figures["by_branch"]],
    }
    figures["can_refresh"] = is_association_staff(user)
    figures["statistics_url"] = list_url("members_member_statistics")
    return figures
