"""Care models: birthday greetings and their settings, condolence visits, budgets, campaigns, hardship cases."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from members.models import Branch, Member
from members.querysets import ScopedQuerySet
from members.uploads import validate_image

from ..querysets import (
    CampaignEntryQuerySet,
    CareBudgetQuerySet,
    CondolenceVisitQuerySet,
    GreetingQuerySet,
    HardshipCaseQuerySet,
)

PLACEHOLDER = re.compile(r"\{(\w*)\}")
PLACEHOLDERS = {"name": "姓名", "honor": "最高荣誉称号", "age": "岁数", "association": "协会名称"}


class GreetingChannel(models.TextChoices):
    SMS = "sms", "短信"
    EMAIL = "email", "电子邮件"
    CAKE = "cake", "生日蛋糕配送"


class BirthdayCalendar(models.TextChoices):
    SOLAR = "solar", "公历（身份证出生日期）"
    LUNAR = "lunar", "农历"


def validate_template_text(text: str) -> None:
    """Only the known placeholders may appear in a greeting template."""
    unknown = sorted({p for p in PLACEHOLDER.findall(text or "") if p not in PLACEHOLDERS})
    if unknown:
        allowed = "、".join(f"{{{k}}}（{v}）" for k, v in PLACEHOLDERS.items())
        raise ValidationError(
            f"模板中有无法识别的占位符：{'、'.join('{' + u + '}' for u in unknown)}。可用：{allowed}"
        )


def default_categories():
    return [Member.Category.CRAFTSMAN.value, Member.Category.MODEL_WORKER.value]


def default_channels():
    return [GreetingChannel.SMS.value, GreetingChannel.CAKE.value]


class GreetingSettings(models.Model):
    """Who gets birthday greetings and through which channels (one row, association staff only)."""

    CATEGORY_CHOICES = [
        (Member.Category.CRAFTSMAN.value, "工匠"),
        (Member.Category.MODEL_WORKER.value, "劳模"),
    ]

    categories = models.JSONField(
        "祝福对象类别",
        default=default_categories,
        help_text="“劳模、工匠”双重身份者只要任一类别被选中即祝福。",
    )
    channels = models.JSONField("祝福渠道", default=default_channels)
    enabled = models.BooleanField("启用生日祝福", default=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = "生日祝福设置"
        verbose_name_plural = "生日祝福设置"
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="greeting_settings_singleton")]

    def __str__(self):
        return "生日祝福设置"

    def clean(self):
        super().clean()
        known_categories = {c for c, _ in self.CATEGORY_CHOICES}
        if not self.categories or not set(self.categories) <= known_categories:
            raise ValidationError({"categories": "请至少选择一个有效的类别（劳模、工匠）。"})
        if not self.channels or not set(self.channels) <= set(GreetingChannel.values):
            raise ValidationError({"channels": "请至少选择一个有效的祝福渠道。"})

    @classmethod
    def load(cls) -> "GreetingSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj

    def member_categories(self) -> list[str]:
        """Member.category values that match: 'both' matches whenever either kind is chosen."""
        values = list(self.categories)
        if values:
            values.append(Member.Category.BOTH.value)
        return values


class GreetingTemplate(models.Model):
    """The editable text of one channel's greeting, with placeholders such as {name} and {honor}."""

    channel = models.CharField("渠道", max_length=10, choices=GreetingChannel.choices, unique=True)
    subject = models.CharField("邮件标题", max_length=200, blank=True, validators=[validate_template_text])
    body = models.TextField(
        "祝福语",
        validators=[validate_template_text],
        help_text="可用占位符：" + "、".join(f"{{{k}}}（{v}）" for k, v in PLACEHOLDERS.items()),
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    DEFAULTS = {
        GreetingChannel.SMS: (
            "",
            "尊敬的{name}（{honor}）：值此生日之际，{association}祝您生日快乐，身体健康，阖家幸福！",
        ),
        GreetingChannel.EMAIL: (
            "生日快乐——{association}",
            "尊敬的{name}（{honor}）：\n\n值此生日之际，{association}向您致以最诚挚的祝福！"
            "感谢您为杭州发展作出的贡献，祝您生日快乐，身体健康，工作顺利，阖家幸福！\n\n{association}",
        ),
        GreetingChannel.CAKE: ("", "祝{name}生日快乐！——{association}"),
    }

    class Meta:
        verbose_name = "祝福语模板"
        verbose_name_plural = "祝福语模板"
        ordering = ["channel"]

    def __str__(self):
        return f"{self.get_channel_display()}祝福语"

    @classmethod
    def for_channel(cls, channel: str) -> "GreetingTemplate":
        subject, body = cls.DEFAULTS[GreetingChannel(channel)]
        obj, _ = cls.objects.get_or_create(channel=channel, defaults={"subject": subject, "body": body})
        return obj


class BirthdayPreference(models.Model):
    """How a member's birthday is kept: by the ID card's solar date or a lunar date, or not at all."""

    member = models.OneToOneField(
        Member, verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="birthday_preference"
    )
    calendar = models.CharField(
        "生日历法", max_length=10, choices=BirthdayCalendar.choices, default=BirthdayCalendar.SOLAR
    )
    lunar_month = models.PositiveSmallIntegerField("农历月", null=True, blank=True)
    lunar_day = models.PositiveSmallIntegerField("农历日", null=True, blank=True)
    lunar_leap = models.BooleanField("闰月", default=False)
    opt_out = models.BooleanField("不接收生日祝福", default=False)
    notes = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "生日偏好"
        verbose_name_plural = "生日偏好"
        indexes = [models.Index(fields=["lunar_month", "lunar_day"], name="birthday_pref_lunar_md")]
        constraints = [
            models.CheckConstraint(
                condition=Q(calendar="solar")
                | (Q(lunar_month__gte=1, lunar_month__lte=12) & Q(lunar_day__gte=1, lunar_day__lte=30)),
                name="birthday_pref_lunar_date_valid",
            )
        ]

    def __str__(self):
        return f"{self.member}的生日偏好"

    def clean(self):
        super().clean()
        if self.calendar == BirthdayCalendar.LUNAR:
            if self.lunar_month is not None and not 1 <= self.lunar_month <= 12:
                raise ValidationError({"lunar_month": "农历月应在1至12之间。"})
            if self.lunar_day is not None and not 1 <= self.lunar_day <= 30:
                raise ValidationError({"lunar_day": "农历日应在1至30之间。"})


class Greeting(models.Model):
    """One birthday greeting of one member in one year through one channel: the row decides 'exactly once'."""

    class Status(models.TextChoices):
        SENDING = "sending", "发送中"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败（待重试）"
        GAVE_UP = "gave_up", "发送失败（已放弃）"
        SKIPPED = "skipped", "未发送（无联系方式）"
        LISTED = "listed", "已列入配送名单"
        DELIVERED = "delivered", "蛋糕已送达"

    TRANSITIONS = {
        Status.SENDING: {Status.SENT, Status.FAILED, Status.GAVE_UP, Status.SKIPPED, Status.LISTED},
        Status.FAILED: {Status.SENDING, Status.GAVE_UP},
        Status.LISTED: {Status.DELIVERED},
        Status.SENT: set(),
        Status.GAVE_UP: set(),
        Status.SKIPPED: set(),
        Status.DELIVERED: set(),
    }

    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="greetings"
    )
    year = models.PositiveSmallIntegerField("年度", help_text="公历生日为公历年；农历生日为农历年。")
    channel = models.CharField("渠道", max_length=10, choices=GreetingChannel.choices)
    calendar = models.CharField("历法", max_length=10, choices=BirthdayCalendar.choices)
    birthday = models.DateField("祝福日期", db_index=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SENDING)
    text = models.TextField("祝福内容", blank=True)
    provider_message_id = models.CharField("网关消息编号", max_length=100, blank=True)
    provider_status = models.CharField("网关状态", max_length=50, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    next_attempt_at = models.DateTimeField("下次重试时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_by = models.CharField("配送人", max_length=50, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    officer_actions = ("view", "change")
    objects = GreetingQuerySet.as_manager()

    class Meta:
        verbose_name = "生日祝福"
        verbose_name_plural = "生日祝福"
        ordering = ["-birthday", "member_id", "channel"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "year", "channel"], name="greeting_once_per_year_channel"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="greeting_retry_due")]

    def __str__(self):
        return f"{self.member} {self.year}年{self.get_channel_display()}"


class CareBudget(models.Model):
    """The care budget line of one branch (or of the association itself) for one year."""

    branch = models.ForeignKey(
        Branch, verbose_name="分会", null=True, blank=True, on_delete=models.PROTECT, related_name="care_budgets",
        help_text="留空表示市协会本级经费。",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("预算金额（元）", max_digits=12, decimal_places=2)
    warn_ratio = models.PositiveSmallIntegerField("预警比例（%）", default=90)
    notes = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    branch_path = "branch"
    officer_actions = ("view",)
    objects = CareBudgetQuerySet.as_manager()

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
    year = models.PositiveSmallIntegerField("年度")
    starts_on = models.DateField("走访开始")
    ends_on = models.DateField("走访截止")
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
    objects = CampaignEntryQuerySet.as_manager()

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
    visit_date = models.DateField("走访日期")
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
    objects = CondolenceVisitQuerySet.as_manager()

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


class CondolenceVisitPhoto(models.Model):
    """A photo taken on a visit (checked by content)."""

    visit = models.ForeignKey(
        CondolenceVisit, verbose_name="走访慰问", on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField("照片", upload_to="wellbeing/visits/%Y/%m/", validators=[validate_image])
    caption = models.CharField("说明", max_length=100, blank=True)

    history = HistoricalRecords()

    branch_path = "visit__member__branch"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"

    def __str__(self):
        return self.caption or f"照片{self.pk}"


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
    opened_on = models.DateField("登记日期")
    description = models.TextField("困难情况")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField("结案日期", null=True, blank=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    objects = HardshipCaseQuerySet.as_manager()

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
    date = models.DateField("日期")
    by = models.CharField("经办人", max_length=50)
    note = models.TextField("跟进情况")
    amount = models.DecimalField("帮扶金额（元）", max_digits=10, decimal_places=2, default=0)

    history = HistoricalRecords()

    branch_path = "case__member__branch"
    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "帮扶跟进"
        verbose_name_plural = "帮扶跟进"
        ordering = ["-date", "-pk"]

    def __str__(self):
        return f"{self.date} 跟进"
