"""Eligibility and priority of convalescence-trip nominees: pure reads, no writes.

Each refused rule gives its own Chinese reason, and the priority score keeps its parts, so
an officer can tell a member why they were or were not chosen.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q

from core.dates import years_before
from core.scoping import scopes_disabled
from members.models import Member

from ..models import ACTIVE_NOMINATION, HealthStatus, Nomination, PriorityGroup, TripRules, TripStatus


def _profile(member):
    try:
        return member.work_profile
    except Member.work_profile.RelatedObjectDoesNotExist:
        return None


def previous_trip_nominations(*, member, trip, rules):
    """Confirmed places of the member within ``lookback_years`` of this trip's start (either side)."""
    if not rules.lookback_years:
        return Nomination.objects.none()
    start = trip.start_date
    earliest = years_before(start, rules.lookback_years)
    latest = years_before(start, -rules.lookback_years)
    return (
        Nomination.objects.counted_as_trip()
        .filter(member=member, trip__start_date__gt=earliest, trip__start_date__lt=latest)
        .exclude(trip=trip)
        .select_related("trip")
        .order_by("-trip__start_date")
    )


@scopes_disabled()  # a member's trip history counts every branch's nominations (a transferred member keeps it)
def eligibility_reasons(
    *, member, trip, rules: TripRules | None = None, exclude_nomination=None
) -> list[str]:
    """Every rule the member fails for this trip, each as a Chinese sentence; empty = eligible."""
    rules = rules or TripRules.load()
    reasons = []
    if member.status != Member.Status.ACTIVE:
        reasons.append(f"该会员状态为“{member.get_status_display()}”，只有在册会员可以参加疗休养。")
    age = member.age_on(trip.start_date)
    if rules.max_age is not None and age > rules.max_age:
        reasons.append(f"出发时年龄{age}岁，超过规定上限{rules.max_age}岁。")
    if rules.min_age is not None and age < rules.min_age:
        reasons.append(f"出发时年龄{age}岁，未达到规定下限{rules.min_age}岁。")
    profile = _profile(member)
    health = profile.health_status if profile else None
    if health is None:
        if rules.require_health_record:
            reasons.append("未登记健康状况，请先在“疗休养工作与健康情况”中登记。")
    elif health > rules.max_health_status:
        reasons.append(
            f"健康状况为“{HealthStatus(health).label}”，"
            f"不符合参加条件（须不差于“{HealthStatus(rules.max_health_status).label}”）。"
        )
    previous = previous_trip_nominations(member=member, trip=trip, rules=rules).first()
    if previous is not None:
        reasons.append(
            f"已于{previous.trip.start_date:%Y年%m月}参加“{previous.trip.name}”，"
            f"{rules.lookback_years}年内不再安排疗休养。"
        )
    overlapping = (
        Nomination.objects.filter(member=member, status__in=ACTIVE_NOMINATION)
        .exclude(trip=trip)
        .exclude(trip__status=TripStatus.CANCELLED)
        .filter(trip__start_date__lte=trip.end_date, trip__end_date__gte=trip.start_date)
        .select_related("trip")
        .first()
    )
    if overlapping is not None:
        t = overlapping.trip
        reasons.append(
            f"已推荐参加同期的“{t.name}”（{t.start_date:%m月%d日}—{t.end_date:%m月%d日}），行程重叠。"
        )
    same_trip = Nomination.objects.filter(member=member, trip=trip, status__in=ACTIVE_NOMINATION)
    if exclude_nomination is not None:
        same_trip = same_trip.exclude(pk=exclude_nomination.pk)
    if same_trip.exists():
        reasons.append("该会员已在本团推荐名单中。")
    return reasons


@dataclass
class Priority:
    score: Decimal = Decimal("0")
    parts: list[dict] = field(default_factory=list)
    group: str = PriorityGroup.OTHER

    def add(self, key: str, label: str, points: Decimal) -> None:
        points = Decimal(points).quantize(Decimal("0.01"))
        if points:
            self.parts.append({"key": key, "label": label, "points": str(points)})
            self.score += points


def last_trip_date(*, member, before: datetime.date) -> datetime.date | None:
    nomination = (
        Nomination.objects.counted_as_trip()
        .filter(member=member, trip__start_date__lt=before)
        .order_by("-trip__start_date")
        .values_list("trip__start_date", flat=True)
        .first()
    )
    return nomination


@scopes_disabled()  # a member's trip history counts every branch's nominations (a transferred member keeps it)
def priority_for(*, member, trip, rules: TripRules | None = None) -> Priority:
    """The member's priority score for a trip, with the part each rule contributed."""
    rules = rules or TripRules.load()
    result = Priority()
    profile = _profile(member)
    if profile is not None:
        if profile.front_line:
            result.add("front_line", "一线岗位", rules.weight_front_line)
        if profile.heavy_or_harsh:
            result.add("heavy_or_harsh", "繁重或艰苦岗位", rules.weight_heavy_or_harsh)
        if profile.epidemic_role:
            result.add(
                "epidemic", f"抗疫一线（{profile.get_epidemic_role_display()}）", rules.weight_epidemic
            )
        result.group = profile.priority_group
    last = last_trip_date(member=member, before=trip.start_date)
    if last is None:
        years = rules.years_since_cap
        label = f"从未参加疗休养（按{years}年计）"
    else:
        years = min((trip.start_date - last).days // 365, rules.years_since_cap)
        label = f"距上次疗休养{years}年"
    result.add("years_since", label, rules.weight_per_year_since * years)
    age = member.age_on(trip.start_date)
    over = max(0, age - rules.age_base)
    result.add("age", f"年龄{age}岁（超过{rules.age_base}岁{over}年）", rules.weight_per_year_of_age * over)
    return result


def eligible_members(*, on: datetime.date, rules: TripRules | None = None, members=None):
    """Members who would pass the standing rules (status, age, health) on a date."""
    rules = rules or TripRules.load()
    qs = (members if members is not None else Member.objects.all()).filter(status=Member.Status.ACTIVE)
    if rules.max_age is not None:
        qs = qs.filter(birth_date__gt=years_before(on, rules.max_age + 1))
    if rules.min_age is not None:
        qs = qs.filter(birth_date__lte=years_before(on, rules.min_age))
    health_ok = Q(work_profile__health_status__lte=rules.max_health_status)
    if not rules.require_health_record:
        health_ok |= Q(work_profile__isnull=True) | Q(work_profile__health_status__isnull=True)
    return qs.filter(health_ok)


@scopes_disabled()  # a member's trip history counts every branch's nominations (a transferred member keeps it)
def never_been(members):
    """Members never confirmed on a trip that was not cancelled (the fairness view)."""
    went = Nomination.objects.counted_as_trip().filter(member=OuterRef("pk"))
    return members.filter(~Exists(went))
