"""Who may go and who goes first: members' work and health profiles, and the staff-edited rules.

Kept out of the members registry: the profile is a wellbeing concern, linked one-to-one to
``Member``; the rules are one row that association staff edit in the admin.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from members.models import Member


class HealthStatus(models.IntegerChoices):
    # Ordered: the eligibility rule allows every level up to a configured one.
    GOOD = 1, "良好"
    STABLE_CHRONIC = 2, "慢性病稳定"
    NEEDS_CARE = 3, "需陪护/特别照顾"
    UNFIT = 4, "不宜远行"


class EpidemicRole(models.TextChoices):
    NONE = "", "无"
    MEDICAL = "medical", "医务人员"
    COMMUNITY = "community", "社区工作者"
    VOLUNTEER = "volunteer", "志愿者"
    POLICE = "police", "公安民警"
    TRANSPORT = "transport", "交通运输"
    OTHER = "other", "其他抗疫一线"


class PriorityGroup(models.TextChoices):
    EPIDEMIC = "epidemic", "抗疫一线"
    FRONT_LINE = "front_line", "一线/苦脏累险岗位"
    OTHER = "other", "其他"


class MemberWorkProfileQuerySet(ScopedQuerySet):
    pass


class MemberWorkProfile(models.Model):
    """What the priority rules need about a member's work and health (kept out of the registry)."""

    member = models.OneToOneField(
        Member, verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="work_profile"
    )
    front_line = models.BooleanField("一线岗位", default=False)
    heavy_or_harsh = models.BooleanField("繁重或艰苦岗位", default=False, help_text="苦、脏、累、险等岗位。")
    work_conditions = models.CharField("岗位情况说明", max_length=200, blank=True)
    epidemic_role = models.CharField(
        "抗疫一线身份", max_length=20, choices=EpidemicRole.choices, default=EpidemicRole.NONE, blank=True
    )
    epidemic_service = models.CharField("抗疫服务说明", max_length=200, blank=True)
    health_status = models.PositiveSmallIntegerField(
        "健康状况", choices=HealthStatus.choices, null=True, blank=True
    )
    health_checked_on = models.DateField(
        "健康状况核实日期", null=True, blank=True, validators=[validate_reasonable_date]
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    branch_path = "member__branch"
    officer_actions = ("view", "add", "change")
    objects = scoped_manager(MemberWorkProfileQuerySet)

    class Meta:
        verbose_name = "疗休养工作与健康情况"
        verbose_name_plural = "疗休养工作与健康情况"
        ordering = ["member"]

    def __str__(self):
        return f"{self.member.name}的工作与健康情况"

    def clean(self):
        super().clean()
        if self.epidemic_role and not self.epidemic_service.strip():
            raise ValidationError({"epidemic_service": "请简述抗疫服务情况（时间、地点、岗位）。"})

    @property
    def priority_group(self) -> str:
        if self.epidemic_role:
            return PriorityGroup.EPIDEMIC
        if self.front_line or self.heavy_or_harsh:
            return PriorityGroup.FRONT_LINE
        return PriorityGroup.OTHER


class TripRules(models.Model):
    """Eligibility limits and priority weights: one row, edited by association staff."""

    # Eligibility
    min_age = models.PositiveSmallIntegerField("最低年龄", null=True, blank=True, default=None)
    max_age = models.PositiveSmallIntegerField("最高年龄", null=True, blank=True, default=70)
    max_health_status = models.PositiveSmallIntegerField(
        "允许的健康状况", choices=HealthStatus.choices, default=HealthStatus.STABLE_CHRONIC,
        help_text="健康状况不差于此项者方可参加。",
    )  # fmt: skip
    require_health_record = models.BooleanField("须登记健康状况", default=True)
    lookback_years = models.PositiveSmallIntegerField(
        "间隔年限", default=3, help_text="近N年内参加过疗休养的，不再推荐。"
    )
    annual_goal = models.PositiveIntegerField("年度目标人数", default=250)
    # Priority weights (points)
    weight_front_line = models.DecimalField("一线岗位（分）", max_digits=6, decimal_places=2, default=20)
    weight_heavy_or_harsh = models.DecimalField(
        "繁重或艰苦岗位（分）", max_digits=6, decimal_places=2, default=20
    )
    weight_epidemic = models.DecimalField("抗疫一线（分）", max_digits=6, decimal_places=2, default=25)
    weight_per_year_since = models.DecimalField(
        "距上次疗休养每年（分）", max_digits=6, decimal_places=2, default=5
    )
    years_since_cap = models.PositiveSmallIntegerField(
        "年限计分上限（年）", default=10, help_text="从未参加者按此年数计分。"
    )
    weight_per_year_of_age = models.DecimalField(
        "年龄每岁（分）", max_digits=6, decimal_places=2, default=Decimal("0.5")
    )
    age_base = models.PositiveSmallIntegerField("年龄计分起点（岁）", default=45)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="更新人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "疗休养规则与权重"
        verbose_name_plural = "疗休养规则与权重"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="trip_rules_single_row"),
            models.CheckConstraint(
                condition=Q(min_age__isnull=True)
                | Q(max_age__isnull=True)
                | Q(max_age__gte=models.F("min_age")),
                name="trip_rules_age_order",
            ),
        ]

    def __str__(self):
        return "疗休养规则与权重"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.min_age is not None and self.max_age is not None and self.max_age < self.min_age:
            raise ValidationError({"max_age": "最高年龄不能低于最低年龄。"})

    @classmethod
    def load(cls) -> "TripRules":
        """The rules in force (created with the defaults on first use)."""
        rules, _ = cls.objects.get_or_create(pk=1)
        return rules
