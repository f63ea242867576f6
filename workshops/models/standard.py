"""The 建设规范 as data (standard → dimensions → criteria) and assessments scored against it."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import BranchAttachment
from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager, scopes_disabled

from ..querysets import AssessmentQuerySet, WorkshopScopedQuerySet
from .workshop import Workshop

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Standard(models.Model):
    """One version of the 建设规范: five dimensions with weights, their criteria, and a pass mark.

    A version that has been used by an assessment is frozen (its scores must keep their
    meaning); staff copy it to a new version to change it.
    """

    name = models.CharField("名称", max_length=100)
    version = models.CharField("版本", max_length=30, help_text="如“2021版”。")
    pass_mark = models.DecimalField(
        "合格线（总分）", max_digits=5, decimal_places=2, default=80, validators=PERCENT,
        help_text="加权总分（百分制）达到此分数为合格。",
    )  # fmt: skip
    is_active = models.BooleanField("现行版本", default=False, editable=False)
    published_on = models.DateField("发布日期", null=True, blank=True, validators=[validate_reasonable_date])
    notes = models.TextField("说明", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "建设规范"
        verbose_name_plural = "建设规范"
        ordering = ["-is_active", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="standard_unique_version"),
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="standard_one_active"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def is_frozen(self) -> bool:
        if self.pk is None:
            return False
        with scopes_disabled():  # a global fact: an assessment in any branch freezes the standard
            return self.assessments.exists()


class Dimension(models.Model):
    """One of the graded dimensions (建家基础, 机制建设, 活动组织, 阵地建设, 经费补助)."""

    standard = models.ForeignKey(
        Standard, verbose_name="建设规范", on_delete=models.CASCADE, related_name="dimensions"
    )
    name = models.CharField("维度", max_length=50)
    weight = models.DecimalField(
        "权重（%）", max_digits=5, decimal_places=2, validators=[MinValueValidator(0.01), MaxValueValidator(100)],
        help_text="各维度权重之和须为100。",
    )  # fmt: skip
    min_score = models.DecimalField(
        "维度最低得分", max_digits=5, decimal_places=2, default=0, validators=PERCENT,
        help_text="该维度得分率（百分制）低于此分数时，总分再高也不合格；0 表示不设下限。",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评估维度"
        verbose_name_plural = "评估维度"
        ordering = ["standard", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["standard", "name"], name="dimension_unique_name"),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100), name="dimension_weight_range"
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.weight}%）"


class Criterion(models.Model):
    """One scored item of a dimension; its points (分值) weigh it inside the dimension."""

    dimension = models.ForeignKey(
        Dimension, verbose_name="维度", on_delete=models.CASCADE, related_name="criteria"
    )
    text = models.CharField("评分标准", max_length=200)
    guidance = models.TextField("评分说明", blank=True)
    max_score = models.DecimalField(
        "分值", max_digits=5, decimal_places=2, validators=[MinValueValidator(0.01)],
        help_text="本项满分；本项在维度内的权重 = 本项分值 / 维度各项分值之和。",
    )  # fmt: skip
    order = models.PositiveSmallIntegerField("排序", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "评分标准"
        verbose_name_plural = "评分标准"
        ordering = ["dimension", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(max_score__gt=0), name="criterion_max_score_positive")
        ]

    def __str__(self):
        return self.text


class Assessment(models.Model):
    """One assessment of a house against a standard, for acceptance (验收) or an annual review."""

    class Purpose(models.TextChoices):
        ACCEPTANCE = "acceptance", "验收评估"
        ANNUAL_REVIEW = "annual_review", "年度复核评估"

    workshop = models.ForeignKey(
        Workshop, verbose_name="劳模工匠之家", on_delete=models.PROTECT, related_name="assessments"
    )
    standard = models.ForeignKey(
        Standard, verbose_name="建设规范", on_delete=models.PROTECT, related_name="assessments"
    )
    purpose = models.CharField("评估类型", max_length=20, choices=Purpose.choices)
    review_year = models.PositiveSmallIntegerField(
        "复核年度", null=True, blank=True, help_text="年度复核评估必填。"
    )
    assessed_on = models.DateField("评估日期", validators=[validate_reasonable_date])
    assessors = models.CharField("评估组成员", max_length=200, help_text="评估专家或评估组成员姓名。")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip
    conclusion = models.TextField("评估意见", blank=True)
    total_score = models.DecimalField("加权总分", max_digits=5, decimal_places=2, null=True, editable=False)
    passed = models.BooleanField("是否合格", null=True, editable=False)

    history = HistoricalRecords()

    branch_path = "workshop__branch"
    officer_actions = ("view",)
    objects = scoped_manager(AssessmentQuerySet)

    class Meta:
        verbose_name = "评估"
        verbose_name_plural = "评估"
        ordering = ["-assessed_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(purpose="annual_review") | Q(review_year__isnull=False),
                name="assessment_annual_has_year",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} {self.get_purpose_display()} {self.assessed_on:%Y-%m-%d}"

    def clean(self):
        super().clean()
        if self.purpose == self.Purpose.ANNUAL_REVIEW and not self.review_year:
            raise ValidationError({"review_year": "年度复核评估须填写复核年度。"})
        if self.assessed_on and self.assessed_on > datetime.date.today():
            raise ValidationError({"assessed_on": "评估日期不能晚于今天。"})

    @property
    def is_locked(self) -> bool:
        """Used as the basis of a transition: its scores can no longer change."""
        return self.pk is not None and self.transitions.exists()


class AssessmentScore(models.Model):
    """The score one criterion got in one assessment."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评估", on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name="评分标准", on_delete=models.PROTECT, related_name="scores"
    )
    score = models.DecimalField("得分", max_digits=5, decimal_places=2, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    branch_path = "assessment__workshop__branch"
    officer_actions = ("view",)
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta:
        verbose_name = "评分"
        verbose_name_plural = "评分"
        ordering = ["criterion__dimension__order", "criterion__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="score_one_per_criterion"),
            models.CheckConstraint(condition=Q(score__gte=0), name="score_not_negative"),
        ]

    def __str__(self):
        return f"{self.criterion}：{self.score}"


class AssessmentAttachment(BranchAttachment):
    """A file attached to an assessment: scoring sheets, minutes, photos of the site visit."""

    assessment = models.ForeignKey(
        Assessment, verbose_name="评估", on_delete=models.CASCADE, related_name="attachments"
    )

    history = HistoricalRecords()

    branch_path = "assessment__workshop__branch"
    officer_actions = ("view",)
    upload_folder = "workshops/assessments"
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta(BranchAttachment.Meta):
        verbose_name = "附件"
        verbose_name_plural = "附件"
