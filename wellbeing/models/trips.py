"""Convalescence trips (疗休养): trips, per-branch quotas, nominations, safety checks, rules.

Trips, their programme and the rules are association-owned (no ``branch_path``: officers
get no permission on them). What a branch sees is its own ``TripQuota`` rows (the trip's
name, dates and status come along read-only) and its own ``Nomination`` rows.
"""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from members.models import Branch, Member

from .trip_profiles import PriorityGroup


class TripStatus(models.TextChoices):
    PLANNING = "planning", "筹备"
    OPEN = "open", "报名中"
    CLOSED = "closed", "报名截止"
    DEPARTED = "departed", "已出发"
    COMPLETED = "completed", "已完成"
    CANCELLED = "cancelled", "已取消"


# The life cycle; trip_transition refuses anything not listed here.
TRIP_TRANSITIONS: dict[str, set[str]] = {
    TripStatus.PLANNING: {TripStatus.OPEN, TripStatus.CANCELLED},
    TripStatus.OPEN: {TripStatus.CLOSED, TripStatus.CANCELLED},
    TripStatus.CLOSED: {TripStatus.OPEN, TripStatus.DEPARTED, TripStatus.CANCELLED},
    TripStatus.DEPARTED: {TripStatus.COMPLETED},
    TripStatus.COMPLETED: set(),
    TripStatus.CANCELLED: set(),
}


class ConvalescenceTripQuerySet(models.QuerySet):
    def not_cancelled(self):
        return self.exclude(status=TripStatus.CANCELLED)

    def with_place_counts(self):
        """Annotate places held (待审核 + 已确认) and waitlisted, for lists without one query per row."""
        return self.annotate(
            held_count=Count("nominations", filter=Q(nominations__status__in=HOLDING)),
            waitlist_count=Count("nominations", filter=Q(nominations__status=Nomination.Status.WAITLISTED)),
        )

    def open_for_branch(self, branch_id):
        """Trips taking nominations that give this branch a quota."""
        return self.filter(status=TripStatus.OPEN, quotas__branch_id=branch_id, quotas__places__gt=0)


class ConvalescenceTrip(models.Model):
    """One convalescence trip organised by the association."""

    class Region(models.TextChoices):
        PROVINCE = "province", "省内"
        QIANDONGNAN = "qiandongnan", "黔东南（对口支援）"
        CHANGBAISHAN = "changbaishan", "长白山（对口合作）"
        GANZI = "ganzi", "甘孜州（对口支援）"
        OTHER = "other", "其他"

    name = models.CharField("名称", max_length=100)
    year = models.PositiveSmallIntegerField("年度", editable=False, db_index=True)
    region = models.CharField("线路区域", max_length=20, choices=Region.choices, default=Region.PROVINCE)
    route = models.CharField("线路", max_length=200, help_text="如：杭州—淳安千岛湖—建德")
    destination = models.CharField("目的地/疗休养基地", max_length=100)
    start_date = models.DateField("出发日期", validators=[validate_reasonable_date])
    end_date = models.DateField("返回日期", validators=[validate_reasonable_date])
    capacity = models.PositiveSmallIntegerField("总名额")
    cost_per_person = models.DecimalField(
        "人均费用（元）", max_digits=9, decimal_places=2, default=Decimal("0")
    )
    requires_travel_history = models.BooleanField(
        "需申报行程史", default=False, help_text="出发前每位学员须申报近期行程史（如目的地有防疫要求）。"
    )
    description = models.TextField("说明", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=TripStatus.choices, default=TripStatus.PLANNING, editable=False
    )
    status_note = models.CharField("状态说明", max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()
    objects = ConvalescenceTripQuerySet.as_manager()

    class Meta:
        verbose_name = "疗休养团"
        verbose_name_plural = "疗休养团"
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="trip_dates_order"
            ),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="trip_capacity_positive"),
            models.CheckConstraint(condition=Q(cost_per_person__gte=0), name="trip_cost_not_negative"),
        ]

    def __str__(self):
        return f"{self.name}（{self.start_date:%Y-%m-%d}）"

    def save(self, *args, **kwargs):
        self.year = self.start_date.year
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "返回日期不能早于出发日期。"})
        # Quotas against capacity are checked with the quotas being posted (TripQuotaInlineFormSet).

    @property
    def days(self) -> int:
        return (self.end_date - self.start_date).days + 1


class ProgrammeItem(models.Model):
    """A lecture, visit or check-up during the stay (红色教育, 心理辅导, 安全知识…)."""

    class Kind(models.TextChoices):
        RED_EDUCATION = "red_education", "红色教育"
        COUNSELLING = "counselling", "心理辅导"
        SAFETY = "safety", "安全知识"
        HEALTH = "health", "健康讲座/体检"
        VISIT = "visit", "参观考察"
        EXCHANGE = "exchange", "交流座谈"
        OTHER = "other", "其他"

    trip = models.ForeignKey(
        ConvalescenceTrip, verbose_name="疗休养团", on_delete=models.CASCADE, related_name="programme"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices)
    title = models.CharField("内容", max_length=200)
    starts_at = models.DateTimeField("开始时间", validators=[validate_reasonable_date])
    ends_at = models.DateTimeField("结束时间", null=True, blank=True, validators=[validate_reasonable_date])
    location = models.CharField("地点", max_length=100, blank=True)
    speaker = models.CharField("主讲/负责人", max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "日程安排"
        verbose_name_plural = "日程安排"
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")),
                name="programme_item_times_order",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    def clean(self):
        super().clean()
        if self.ends_at and self.starts_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "结束时间不能早于开始时间。"})
        if self.trip_id and self.starts_at:
            day = timezone.localdate(self.starts_at)
            if not (
                self.trip.start_date - datetime.timedelta(days=1)
                <= day
                <= self.trip.end_date + datetime.timedelta(days=1)
            ):
                raise ValidationError({"starts_at": "日程时间应在疗休养期间内。"})


class TripQuotaQuerySet(ScopedQuerySet):
    def with_usage(self):
        """Annotate places held (待审核 + 已确认) and waitlisted by the quota's branch on its trip."""
        held = Q(trip__nominations__branch=models.F("branch"), trip__nominations__status__in=HOLDING)
        waiting = Q(
            trip__nominations__branch=models.F("branch"),
            trip__nominations__status=Nomination.Status.WAITLISTED,
        )
        return self.annotate(
            held_count=Count("trip__nominations", filter=held, distinct=True),
            waitlist_count=Count("trip__nominations", filter=waiting, distinct=True),
        )


class TripQuota(models.Model):
    """How many places of a trip one branch may fill."""

    trip = models.ForeignKey(
        ConvalescenceTrip, verbose_name="疗休养团", on_delete=models.CASCADE, related_name="quotas"
    )
    branch = models.ForeignKey(
        Branch, verbose_name="分会", on_delete=models.PROTECT, related_name="trip_quotas"
    )
    places = models.PositiveSmallIntegerField("名额")

    history = HistoricalRecords()

    branch_path = "branch"
    officer_actions = ("view",)
    objects = scoped_manager(TripQuotaQuerySet)

    class Meta:
        verbose_name = "分会名额"
        verbose_name_plural = "分会名额"
        ordering = ["trip", "branch__sort_order", "branch"]
        constraints = [models.UniqueConstraint(fields=["trip", "branch"], name="trip_quota_unique_branch")]

    def __str__(self):
        return f"{self.trip.name}·{self.branch.name}：{self.places}人"

    def clean(self):
        super().clean()
        if not (self.trip_id and self.branch_id and self.places is not None):
            return
        held = self.trip.nominations.filter(branch_id=self.branch_id, status__in=HOLDING).count()
        if self.places < held:
            raise ValidationError({"places": f"该分会已占用 {held} 个名额，名额不能少于此数。"})


class NominationQuerySet(ScopedQuerySet):
    def holding(self):
        """Nominations that hold a place (待审核 or 已确认)."""
        return self.filter(status__in=HOLDING)

    def participants(self):
        """Confirmed participants of a trip."""
        return self.filter(status=Nomination.Status.APPROVED)

    def waitlist(self):
        """The waitlist in priority order (ties: earlier nomination first)."""
        return self.filter(status=Nomination.Status.WAITLISTED).order_by(
            "-priority_score", "created_at", "pk"
        )

    def in_priority_order(self):
        return self.order_by("-priority_score", "created_at", "pk")

    def counted_as_trip(self):
        """Places that count as 'went on a trip': confirmed on a trip that was not cancelled."""
        return self.filter(status=Nomination.Status.APPROVED).exclude(trip__status=TripStatus.CANCELLED)


class Nomination(models.Model):
    """A branch puts one member forward for one trip; the association confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        APPROVED = "approved", "已确认"
        WAITLISTED = "waitlisted", "候补"
        REJECTED = "rejected", "未通过"
        WITHDRAWN = "withdrawn", "已退出"
        LAPSED = "lapsed", "候补未递补"
        NO_SHOW = "no_show", "未成行"

    trip = models.ForeignKey(
        ConvalescenceTrip, verbose_name="疗休养团", on_delete=models.PROTECT, related_name="nominations"
    )
    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="trip_nominations"
    )
    # The nominating branch, fixed at nomination: the place is counted against its quota
    # even if the member later transfers.
    branch = models.ForeignKey(
        Branch,
        verbose_name="推荐分会",
        on_delete=models.PROTECT,
        related_name="trip_nominations",
        editable=False,
    )
    status = models.CharField("状态", max_length=20, choices=Status.choices, editable=False)
    priority_score = models.DecimalField("优先分", max_digits=8, decimal_places=2, default=0, editable=False)
    priority_parts = models.JSONField("优先分构成", default=list, editable=False)
    priority_group = models.CharField(
        "优先类别", max_length=20, choices=PriorityGroup.choices, default=PriorityGroup.OTHER, editable=False
    )
    reason = models.CharField("推荐理由", max_length=300, blank=True)
    decision_note = models.CharField("审核/退出说明", max_length=300, blank=True, editable=False)
    room_number = models.CharField("房间号", max_length=20, blank=True)
    departed_at = models.DateTimeField("出发签到时间", null=True, blank=True, editable=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="推荐人", null=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField("推荐时间", auto_now_add=True)
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    branch_path = "branch"
    officer_actions = ("view", "add")
    objects = scoped_manager(NominationQuerySet)

    class Meta:
        verbose_name = "疗休养推荐"
        verbose_name_plural = "疗休养推荐"
        ordering = ["trip", "-priority_score", "created_at", "pk"]
        indexes = [models.Index(fields=["trip", "branch", "status"], name="nomination_trip_branch_status")]
        constraints = [
            models.UniqueConstraint(
                fields=["trip", "member"],
                condition=Q(status__in=["pending", "approved", "waitlisted"]),
                name="nomination_one_active_per_member",
            ),
            models.CheckConstraint(
                condition=Q(departed_at__isnull=True) | Q(status="approved"),
                name="nomination_departed_only_if_approved",
            ),
        ]

    def __str__(self):
        return f"{self.member.name} → {self.trip.name}"

    @property
    def holds_place(self) -> bool:
        return self.status in HOLDING

    def parts_display(self) -> str:
        """The score explained, e.g. '一线岗位 20 + 抗疫一线（医务人员） 25 + … = 80'."""
        if not self.priority_parts:
            return "—"
        text = " + ".join(f"{p['label']} {p['points']}" for p in self.priority_parts)
        return f"{text} = {self.priority_score}"


HOLDING = (Nomination.Status.PENDING, Nomination.Status.APPROVED)
ACTIVE_NOMINATION = (Nomination.Status.PENDING, Nomination.Status.APPROVED, Nomination.Status.WAITLISTED)


class SafetyCheckQuerySet(ScopedQuerySet):
    pass


class SafetyCheck(models.Model):
    """The pre-departure safety check of one participant; without it nobody is marked departed."""

    nomination = models.OneToOneField(
        Nomination, verbose_name="学员", on_delete=models.CASCADE, related_name="safety_check"
    )
    health_declared = models.BooleanField("已签署健康申报", default=False)
    health_declaration = models.TextField("健康申报内容", blank=True, help_text="既往病史、用药、过敏等。")
    emergency_contact_name = models.CharField("紧急联系人", max_length=50, blank=True)
    emergency_contact_relation = models.CharField("与本人关系", max_length=20, blank=True)
    emergency_contact_phone = models.CharField("紧急联系人电话", max_length=20, blank=True)
    insurance_company = models.CharField("保险公司", max_length=100, blank=True)
    insurance_policy_number = models.CharField("保单号", max_length=50, blank=True)
    special_needs = models.TextField(
        "特殊需求", blank=True, help_text="饮食、行动、用药、住宿等；没有请填“无”。"
    )
    travel_history = models.TextField("近期行程史", blank=True)
    temperature = models.DecimalField(
        "出发前体温（℃）", max_digits=3, decimal_places=1, null=True, blank=True
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="核查人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )  # fmt: skip
    checked_at = models.DateTimeField("核查时间", null=True, blank=True, editable=False)

    history = HistoricalRecords()

    branch_path = "nomination__branch"
    officer_actions = ("view", "add", "change")
    objects = scoped_manager(SafetyCheckQuerySet)

    class Meta:
        verbose_name = "出发前安全核查"
        verbose_name_plural = "出发前安全核查"
        ordering = ["nomination"]
        constraints = [
            models.CheckConstraint(
                condition=Q(temperature__isnull=True) | (Q(temperature__gte=34) & Q(temperature__lte=43)),
                name="safety_check_temperature_range",
            )
        ]

    def __str__(self):
        return f"{self.nomination.member.name}的安全核查"

    FEVER = Decimal("37.3")

    def missing_items(self) -> list[str]:
        """What is still missing before departure, in Chinese; empty means complete."""
        missing = []
        if not self.health_declared:
            missing.append("健康申报")
        if not (self.emergency_contact_name.strip() and self.emergency_contact_phone.strip()):
            missing.append("紧急联系人及电话")
        if not self.insurance_policy_number.strip():
            missing.append("保险保单")
        if not self.special_needs.strip():
            missing.append("特殊需求（没有请填“无”）")
        if self.nomination.trip.requires_travel_history and not self.travel_history.strip():
            missing.append("近期行程史")
        if self.temperature is not None and self.temperature >= self.FEVER:
            missing.append(f"体温异常（{self.temperature}℃）")
        return missing

    @property
    def is_complete(self) -> bool:
        return not self.missing_items()
