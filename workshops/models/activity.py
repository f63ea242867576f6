"""Subsidies (经费补助), activities of the houses, and the yearly coverage target."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import BranchPhoto
from core.parsing import validate_reasonable_date, validate_reasonable_year
from core.scoping import scoped_manager

from ..querysets import ActivityQuerySet, SubsidyQuerySet, WorkshopScopedQuerySet
from .workshop import Workshop

YEAR_RANGE = Q(year__gte=2000) & Q(year__lte=2100)


class Subsidy(models.Model):
    """One subsidy paid to a house (经费补助)."""

    class Purpose(models.TextChoices):
        CONSTRUCTION = "construction", "建设补助"
        OPERATION = "operation", "运行经费"
        ACTIVITY = "activity", "活动经费"
        AWARD = "award", "命名奖补"
        OTHER = "other", "其他"

    workshop = models.ForeignKey(
        Workshop, verbose_name="劳模工匠之家", on_delete=models.PROTECT, related_name="subsidies"
    )
    year = models.PositiveSmallIntegerField("年度", validators=[validate_reasonable_year])
    amount = models.DecimalField(
        "金额（元）", max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices)
    purpose_detail = models.CharField("用途说明", max_length=200, blank=True)
    paid_on = models.DateField("拨付日期", validators=[validate_reasonable_date])
    document_number = models.CharField("拨付文号/凭证号", max_length=100, blank=True)

    history = HistoricalRecords()

    branch_path = "workshop__branch"
    officer_actions = ("view",)
    objects = scoped_manager(SubsidyQuerySet)

    class Meta:
        verbose_name = "经费补助"
        verbose_name_plural = "经费补助"
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="subsidy_amount_positive"),
            models.CheckConstraint(condition=YEAR_RANGE, name="subsidy_year_range"),
        ]

    def __str__(self):
        return f"{self.workshop} {self.year}年 {self.get_purpose_display()}"

    def clean(self):
        super().clean()
        if self.paid_on and self.paid_on > datetime.date.today():
            raise ValidationError({"paid_on": "拨付日期不能晚于今天。"})
        if self.year and self.paid_on and self.year > self.paid_on.year + 1:
            raise ValidationError({"year": "补助年度不能晚于拨付日期的次年。"})


class WorkshopActivity(models.Model):
    """Training, exchange of results or a skill demonstration held at a house."""

    class Kind(models.TextChoices):
        TRAINING = "training", "技能培训"
        EXCHANGE = "exchange", "成果交流"
        DEMONSTRATION = "demonstration", "技艺展示"

    workshop = models.ForeignKey(
        Workshop, verbose_name="劳模工匠之家", on_delete=models.CASCADE, related_name="activities"
    )
    kind = models.CharField("活动类型", max_length=20, choices=Kind.choices)
    title = models.CharField("活动名称", max_length=150)
    held_on = models.DateField("活动日期", validators=[validate_reasonable_date])
    participants = models.PositiveIntegerField("参加人数")
    presenters = models.ManyToManyField(
        "members.Member", verbose_name="主讲/展示的劳模工匠", blank=True, related_name="workshop_activities"
    )
    summary = models.TextField("活动简介", blank=True)

    history = HistoricalRecords(m2m_fields=[presenters])

    branch_path = "workshop__branch"
    objects = scoped_manager(ActivityQuerySet)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(participants__gte=1), name="activity_has_participants")
        ]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.title}"

    def clean(self):
        super().clean()
        if self.held_on and self.held_on > datetime.date.today():
            raise ValidationError({"held_on": "活动日期不能晚于今天（活动举办后再登记）。"})
        if not self.workshop_id or not self.held_on:
            return
        workshop = self.workshop
        if (
            workshop.status == Workshop.Status.REVOKED
            and workshop.revoked_on
            and self.held_on > workshop.revoked_on
        ):
            raise ValidationError({"held_on": "该劳模工匠之家已撤销，不能登记撤销之后的活动。"})
        if workshop.status == Workshop.Status.REJECTED:
            raise ValidationError({"workshop": "该劳模工匠之家申报未通过，不能登记活动。"})


class ActivityPhoto(BranchPhoto):
    """A photo of an activity."""

    activity = models.ForeignKey(
        WorkshopActivity, verbose_name="活动", on_delete=models.CASCADE, related_name="photos"
    )

    history = HistoricalRecords()

    branch_path = "activity__workshop__branch"
    upload_folder = "workshops/activities"
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta(BranchPhoto.Meta):
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"

    def __str__(self):
        return self.caption or f"活动照片{self.pk}"


class CoverageTarget(models.Model):
    """How many named houses there should be by the end of a year: city-wide or for one branch."""

    year = models.PositiveSmallIntegerField("年度", validators=[validate_reasonable_year])
    branch = models.ForeignKey(
        "members.Branch", verbose_name="分会", null=True, blank=True, on_delete=models.CASCADE,
        related_name="workshop_targets", help_text="留空为全市目标。",
    )  # fmt: skip
    target_count = models.PositiveIntegerField("目标（年底累计命名家数）")
    notes = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    branch_path = "branch"
    officer_actions = ("view",)
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta:
        verbose_name = "建设目标"
        verbose_name_plural = "建设目标"
        ordering = ["-year", "branch__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=Q(branch__isnull=True), name="target_one_city_per_year"
            ),
            models.UniqueConstraint(fields=["year", "branch"], name="target_one_per_branch_year"),
            models.CheckConstraint(condition=YEAR_RANGE, name="target_year_range"),
        ]

    def __str__(self):
        return f"{self.year}年 {self.branch or '全市'} 目标{self.target_count}家"
