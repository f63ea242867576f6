"""Letters, visits and calls (来信来访来电): each case is registered, handled, answered, followed up and closed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.idcard import mask_phone
from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from members.models import Branch, Member

from ..querysets import InquiryLogQuerySet, InquiryQuerySet


class Inquiry(models.Model):
    """One letter, visit, call or online message, handled until closed (件件有回复、事事有落实)."""

    class Channel(models.TextChoices):
        LETTER = "letter", "来信"
        VISIT = "visit", "来访"
        CALL = "call", "来电"
        ONLINE = "online", "网上"

    class Category(models.TextChoices):
        TREATMENT = "treatment", "劳模待遇"
        HARDSHIP = "hardship", "生活困难"
        MEDICAL = "medical", "医疗保障"
        CERTIFICATE = "certificate", "荣誉证明"
        CONVALESCENCE = "convalescence", "疗休养"
        RIGHTS = "rights", "权益维护"
        SUGGESTION = "suggestion", "意见建议"
        OTHER = "other", "其他"

    class Status(models.TextChoices):
        REGISTERED = "registered", "登记"
        IN_PROGRESS = "in_progress", "办理中"
        REPLIED = "replied", "已答复"
        FOLLOWED_UP = "followed_up", "已回访"
        CLOSED = "closed", "办结"

    # The life cycle: forward one step at a time; a follow-up that finds the matter unresolved reopens it.
    TRANSITIONS = {
        Status.REGISTERED: {Status.IN_PROGRESS},
        Status.IN_PROGRESS: {Status.REPLIED},
        Status.REPLIED: {Status.FOLLOWED_UP, Status.IN_PROGRESS},
        Status.FOLLOWED_UP: {Status.CLOSED, Status.IN_PROGRESS},
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = (Status.REGISTERED, Status.IN_PROGRESS)

    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    received_at = models.DateTimeField("受理时间", validators=[validate_reasonable_date])
    branch = models.ForeignKey(
        Branch, verbose_name="承办分会", null=True, blank=True, on_delete=models.PROTECT, related_name="inquiries",
        help_text="留空由市协会本级承办。",
    )  # fmt: skip
    member = models.ForeignKey(
        Member,
        verbose_name="劳模工匠",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inquiries",
    )
    person_name = models.CharField("来信来访人", max_length=50)
    contact = models.CharField("联系方式", max_length=50, blank=True)
    subject = models.CharField("事由", max_length=200)
    category = models.CharField("类别", max_length=20, choices=Category.choices)
    content = models.TextField("具体内容")
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="承办人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="assigned_inquiries",
    )  # fmt: skip
    deadline = models.DateField(
        "办理期限", help_text="默认受理后15个工作日（已扣除法定节假日、含调休上班日）。"
    )
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REGISTERED)
    out_of_policy = models.BooleanField("超出政策范围", default=False)
    policy_explanation = models.TextField(
        "政策解释", blank=True, help_text="诉求超出政策范围时，向当事人所作的解释说明。"
    )
    replied_at = models.DateTimeField(
        "答复时间", null=True, blank=True, validators=[validate_reasonable_date]
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, validators=[validate_reasonable_date])
    last_reminded_on = models.DateField("最近提醒日期", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["last_reminded_on"])

    branch_path = "branch"
    objects = scoped_manager(InquiryQuerySet)

    class Meta:
        verbose_name = "来信来访来电"
        verbose_name_plural = "来信来访来电"
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="inquiry_status_deadline"),
            models.Index(fields=["branch", "received_at"], name="inquiry_branch_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(out_of_policy=False)
                | ~Q(policy_explanation="")
                | Q(status__in=["registered", "in_progress"]),
                name="inquiry_out_of_policy_explained",
            )
        ]

    def __str__(self):
        return f"{self.get_channel_display()}：{self.subject}"

    @property
    def masked_contact(self) -> str:
        return mask_phone(self.contact) if self.contact.isdigit() else self.contact

    def clean(self):
        super().clean()
        if (
            self.out_of_policy
            and not self.policy_explanation.strip()
            and self.status not in self.OPEN_STATUSES
        ):
            raise ValidationError({"policy_explanation": "超出政策范围的诉求须填写向当事人所作的政策解释。"})


class InquiryLog(models.Model):
    """One entry of a case's log: a reply, a follow-up, a note or a change of status."""

    class Kind(models.TextChoices):
        NOTE = "note", "办理情况"
        REPLY = "reply", "答复"
        FOLLOW_UP = "follow_up", "回访"
        STATUS = "status", "状态变更"
        ASSIGN = "assign", "交办"
        REMINDER = "reminder", "期限提醒"

    inquiry = models.ForeignKey(
        Inquiry, verbose_name="来信来访来电", on_delete=models.CASCADE, related_name="logs"
    )
    at = models.DateTimeField("时间", auto_now_add=True)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="经办人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    text = models.TextField("内容")

    history = HistoricalRecords()

    branch_path = "inquiry__branch"
    objects = scoped_manager(InquiryLogQuerySet)

    class Meta:
        verbose_name = "办理记录"
        verbose_name_plural = "办理记录"
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}（{self.at:%Y-%m-%d}）" if self.at else self.get_kind_display()


class CalendarDay(models.Model):
    """An official day off or make-up working day (调休) that overrides the holiday library.

    The library only knows the years whose schedule the State Council had published when it
    was released; staff enter the next year's schedule here as soon as it is announced, and
    correct the library if ever needed. Deadlines of letters, visits and calls use it.
    """

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", "放假"
        WORKDAY = "workday", "调休上班"

    date = models.DateField("日期", unique=True, validators=[validate_reasonable_date])
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    name = models.CharField("名称", max_length=30, help_text="如：元旦、春节、国庆节。")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "节假日调整"
        verbose_name_plural = "节假日调整"
        ordering = ["-date"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.name}（{self.get_kind_display()}）"
