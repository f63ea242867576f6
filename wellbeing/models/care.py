"""Care models: condolence visits against annual budgets, holiday campaigns, hardship cases."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import BranchPhoto
from core.parsing import validate_reasonable_date, validate_reasonable_year
from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from members.models import Branch, Member

from ..querysets import (
    CampaignEntryQuerySet,
    CareBudgetQuerySet,
    CondolenceVisitQuerySet,
    HardshipCaseQuerySet,
)


class CareBudget(models.Model):
    """The care budget line of one branch (or of the association itself) for one year."""

    branch = models.ForeignKey(
        Branch, verbose_name="分会", null=True, blank=True, on_delete=models.PROTECT, related_name="care_budgets",
        help_text="留空表示市协会本级经费。",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("年度", validators=[validate_reasonable_year])
    amount = models.DecimalField("预算金额（元）", max_digits=12, decimal_places=2)
    warn_ratio = models.PositiveSmallIntegerField("预警比例（%）", default=90)
    notes = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    branch_path = "branch"
    officer_actions = ("view",)
    objects = scoped_manager(CareBudgetQuerySet)

    class Meta:
        verbose_name = "慰问经费预算"
        verbose_name_plural = "慰问经费预算"
        ordering = ["-year", "branch__sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["branch", "year"], condition=Q(branch__isnull=False), name="care_budget_branch_year"
            ),
            models.UniqueConstraint(
                fields=["year"], condition=Q(branch__isnull=True), name="care_budget_association_year"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="care_budget_amount_positive"),
            models.CheckConstraint(condition=Q(warn_ratio__lte=100), name="care_budget_warn_ratio"),
        ]

    def __str__(self):
        return f"{self.year}年 {self.branch or '市协会本级'} 慰问经费"


class VisitCampaign(models.Model):
    """A holiday visiting campaign (春节/五一/国庆) whose rules generate each branch's visit list."""

    class Occasion(models.TextChoices):
        SPRING_FESTIVAL = "spring_festival", "春节"
        MAY_DAY = "may_day", "五一"
        NATIONAL_DAY = "national_day", "国庆"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        DRAFT = "draft", "筹备"
        ACTIVE = "active", "走访中"
        CLOSED = "closed", "已结束"

    name = models.CharField("名称", max_length=100)
    occasion = models.CharField("节日", max_length=20, choices=Occasion.choices)
    year = models.PositiveSmallIntegerField("年度", validators=[validate_reasonable_year])
    starts_on = models.DateField("走访开始", validators=[validate_reasonable_date])
    ends_on = models.DateField("走访截止", validators=[validate_reasonable_date])
    min_age = models.PositiveSmallIntegerField("年龄不低于", null=True, blank=True, default=70)
    include_hardship = models.BooleanField("含帮扶对象", default=True)
    include_ill_this_year = models.BooleanField("含本年度患重病或遭遇意外者", default=True)
    standard_amount = models.DecimalField("慰问标准（元/人）", max_digits=10, decimal_places=2, default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "节日走访活动"
        verbose_name_plural = "节日走访活动"
        ordering = ["-year", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["occasion", "year"], name="visit_campaign_once_per_year"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="visit_campaign_dates"
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "走访截止日期不能早于开始日期。"})


class CampaignEntry(models.Model):
    """One member on a campaign's visit list, tracked until visited."""

    class Status(models.TextChoices):
        PENDING = "pending", "待走访"
        DONE = "done", "已走访"
        WAIVED = "waived", "不走访"

    campaign = models.ForeignKey(
        VisitCampaign, verbose_name="走访活动", on_delete=models.CASCADE, related_name="entries"
    )
    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="campaign_entries"
    )
    reasons = models.CharField("列入原因", max_length=200)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    note = models.CharField("说明", max_length=200, blank=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = scoped_manager(CampaignEntryQuerySet)

    class Meta:
        verbose_name = "走访名单"
        verbose_name_plural = "走访名单"
        ordering = ["campaign", "member__branch__sort_order", "member_id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "member"], name="campaign_entry_unique")]

    def __str__(self):
        return f"{self.campaign}：{self.member}"

    def clean(self):
        super().clean()
        if self.status == self.Status.WAIVED and not self.note.strip():
            raise ValidationError({"note": "请填写不走访的原因。"})


class CondolenceVisit(models.Model):
    """One visit (走访慰问) to a member, paid from a branch's or the association's care budget."""

    class Occasion(models.TextChoices):
        HOLIDAY = "holiday", "节日慰问"
        SERIOUS_ILLNESS = "illness", "重病"
        ACCIDENT = "accident", "意外"
        HARDSHIP = "hardship", "生活困难"
        BEREAVEMENT = "bereavement", "去世吊唁"

    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="condolence_visits"
    )
    visit_date = models.DateField("走访日期", validators=[validate_reasonable_date])
    visitors = models.CharField("走访人员", max_length=200)
    occasion = models.CharField("慰问事由", max_length=20, choices=Occasion.choices)
    campaign_entry = models.OneToOneField(
        CampaignEntry,
        verbose_name="走访名单",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit",
    )
    paid_by_association = models.BooleanField(
        "市协会本级经费", default=False, help_text="不勾选则计入所属分会经费。"
    )
    cash_amount = models.DecimalField("慰问金（元）", max_digits=10, decimal_places=2, default=0)
    goods = models.CharField("慰问品", max_length=200, blank=True)
    goods_value = models.DecimalField("慰问品价值（元）", max_digits=10, decimal_places=2, default=0)
    notes = models.TextField("情况记录", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = scoped_manager(CondolenceVisitQuerySet)

    class Meta:
        verbose_name = "走访慰问"
        verbose_name_plural = "走访慰问"
        ordering = ["-visit_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cash_amount__gte=0) & Q(goods_value__gte=0), name="visit_amounts_positive"
            ),
        ]

    def __str__(self):
        return f"{self.visit_date} {self.get_occasion_display()}：{self.member}"

    @property
    def total_value(self):
        return (self.cash_amount or 0) + (self.goods_value or 0)

    def clean(self):
        super().clean()
        if self.goods_value and not self.goods:
            raise ValidationError({"goods": "填写了慰问品价值，请同时填写慰问品。"})


class CondolenceVisitPhoto(BranchPhoto):
    """A photo taken on a visit (checked by content)."""

    visit = models.ForeignKey(
        CondolenceVisit, verbose_name="走访慰问", on_delete=models.CASCADE, related_name="photos"
    )

    history = HistoricalRecords()

    branch_path = "visit__member__branch"
    upload_folder = "wellbeing/visits"
    objects = scoped_manager(ScopedQuerySet)

    class Meta(BranchPhoto.Meta):
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"


class HardshipCase(models.Model):
    """A member helped out of hardship (帮扶), with a status and follow-ups."""

    class Kind(models.TextChoices):
        ILLNESS = "illness", "因病"
        ACCIDENT = "accident", "意外伤害"
        DISASTER = "disaster", "因灾"
        LIVING = "living", "生活困难"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        OPEN = "open", "登记"
        HELPING = "helping", "帮扶中"
        RESOLVED = "resolved", "已脱困"
        CLOSED = "closed", "已结案"

    TRANSITIONS = {
        Status.OPEN: {Status.HELPING, Status.CLOSED},
        Status.HELPING: {Status.RESOLVED, Status.CLOSED},
        Status.RESOLVED: {Status.HELPING, Status.CLOSED},
        Status.CLOSED: set(),
    }

    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="hardship_cases"
    )
    kind = models.CharField("困难类型", max_length=20, choices=Kind.choices)
    opened_on = models.DateField("登记日期", validators=[validate_reasonable_date])
    description = models.TextField("困难情况")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("结案日期", null=True, blank=True, validators=[validate_reasonable_date])

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = scoped_manager(HardshipCaseQuerySet)

    class Meta:
        verbose_name = "帮扶对象"
        verbose_name_plural = "帮扶对象"
        ordering = ["-opened_on", "-pk"]

    def __str__(self):
        return f"{self.member}（{self.get_kind_display()}）"


class HardshipFollowUp(models.Model):
    """One follow-up of a hardship case: what was done, by whom, at what cost."""

    case = models.ForeignKey(
        HardshipCase, verbose_name="帮扶对象", on_delete=models.CASCADE, related_name="follow_ups"
    )
    date = models.DateField("日期", validators=[validate_reasonable_date])
    by = models.CharField("经办人", max_length=50)
    note = models.TextField("跟进情况")
    amount = models.DecimalField("帮扶金额（元）", max_digits=10, decimal_places=2, default=0)

    history = HistoricalRecords()

    branch_path = "case__member__branch"
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        verbose_name = "帮扶跟进"
        verbose_name_plural = "帮扶跟进"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} 跟进"
