"""Birthday greeting models: settings, editable templates, members' birthday preferences, greetings sent."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from members.models import Member

from ..querysets import GreetingQuerySet

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
    objects = scoped_manager(ScopedQuerySet)

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
        UNKNOWN = "unknown", "结果未知（待核实）"

    TRANSITIONS = {
        Status.SENDING: {Status.SENT, Status.FAILED, Status.GAVE_UP, Status.SKIPPED, Status.LISTED}
        | {Status.UNKNOWN},
        # A send cut off after the gateway had the message: a person checks, never an automatic resend.
        Status.UNKNOWN: {Status.SENT, Status.GAVE_UP},
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
    sending_since = models.DateTimeField(
        "本次发送开始",
        null=True,
        blank=True,
        help_text="认领本次发送的时间；长时间停在“发送中”说明进程中断。",
    )
    dispatched_at = models.DateTimeField(
        "提交网关时间", null=True, blank=True, help_text="本次发送交给短信网关或邮件服务器的时间。"
    )
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    delivered_at = models.DateTimeField("送达时间", null=True, blank=True)
    delivered_by = models.CharField("配送人", max_length=50, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    branch_path = "member__branch"
    officer_actions = ("view", "change")
    objects = scoped_manager(GreetingQuerySet)

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
