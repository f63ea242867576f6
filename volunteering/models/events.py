"""Service events, the organisations they served, their photos and the members' hours."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.models import BranchPhoto
from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from members.models import Member

from ..querysets import (
    EventBeneficiaryQuerySet,
    EventPhotoQuerySet,
    ParticipationQuerySet,
    ServiceEventQuerySet,
)
from .teams import Beneficiary, ServiceTeam

MAX_EVENT_HOURS = Decimal("1000")


class ServiceEvent(models.Model):
    """One service activity of a team: what, when, where, for whom, with what outcome."""

    class Category(models.TextChoices):
        PUBLIC_WELFARE = "public_welfare", "社会公益"
        TECHNICAL = "technical", "技术攻关"
        COOPERATION = "cooperation", "协作帮扶"
        INSPECTION = "inspection", "巡查会诊"
        CLASS = "class", "送课"
        CONTEST_TRAINING = "contest_training", "竞赛培训"
        EPIDEMIC = "epidemic", "疫情防控"

    class Status(models.TextChoices):
        PLANNED = "planned", "计划中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已取消"

    title = models.CharField("活动名称", max_length=200)
    category = models.CharField("类别", max_length=20, choices=Category.choices, db_index=True)
    team = models.ForeignKey(
        ServiceTeam, verbose_name="服务队", on_delete=models.PROTECT, related_name="events"
    )
    date = models.DateField("日期", db_index=True, validators=[validate_reasonable_date])
    duration_hours = models.DecimalField(
        "时长（小时）",
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_EVENT_HOURS)],
        help_text="活动总时长；多日活动填合计小时数。",
    )
    place = models.CharField("地点", max_length=200)
    beneficiaries = models.ManyToManyField(
        Beneficiary,
        verbose_name="服务对象单位",
        through="EventBeneficiary",
        related_name="events",
        blank=True,
    )
    request = models.ForeignKey(
        "ServiceRequest",
        verbose_name="对应服务需求",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    course = models.ForeignKey(
        "Course",
        verbose_name="双百课程",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deliveries",
        help_text="送课活动讲授的“双百工程”课程。",
    )
    audience_count = models.PositiveIntegerField("受益人数", default=0, help_text="听课、受训或受助人数。")
    description = models.TextField("活动内容", blank=True)
    outcome = models.TextField("服务成效", blank=True, help_text="如解决的技术难题、产生的效益。")
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False, db_index=True
    )

    history = HistoricalRecords()

    branch_path = "team__branch"
    objects = scoped_manager(ServiceEventQuerySet)

    class Meta:
        verbose_name = "服务活动"
        verbose_name_plural = "服务活动"
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["status", "date", "category"], name="serviceevent_stats")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_hours__gt=0) & models.Q(duration_hours__lte=MAX_EVENT_HOURS),
                name="serviceevent_duration_range",
            ),
            models.CheckConstraint(
                condition=models.Q(course__isnull=True) | models.Q(category="class"),
                name="serviceevent_course_only_for_class",
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.title}"

    def clean(self):
        super().clean()
        if self.course_id and self.category != self.Category.CLASS:
            raise ValidationError({"course": "只有“送课”活动可以关联双百课程。"})
        if self.request_id and self.team_id and self.request.branch_id != self.team.branch_id:
            raise ValidationError({"request": "服务需求与服务队不属于同一分会。"})


class EventBeneficiary(models.Model):
    """An organisation served by an event."""

    event = models.ForeignKey(ServiceEvent, verbose_name="服务活动", on_delete=models.CASCADE)
    beneficiary = models.ForeignKey(
        Beneficiary, verbose_name="服务对象单位", on_delete=models.PROTECT, related_name="event_links"
    )

    history = HistoricalRecords()

    branch_path = "event__team__branch"
    objects = scoped_manager(EventBeneficiaryQuerySet)

    class Meta:
        verbose_name = "服务对象"
        verbose_name_plural = "服务对象"
        constraints = [
            models.UniqueConstraint(fields=["event", "beneficiary"], name="eventbeneficiary_unique")
        ]

    def __str__(self):
        return str(self.beneficiary)


class EventPhoto(BranchPhoto):
    """A photo of an event (checked by content: JPEG or PNG up to 10 MB)."""

    event = models.ForeignKey(
        ServiceEvent, verbose_name="服务活动", on_delete=models.CASCADE, related_name="photos"
    )

    history = HistoricalRecords()

    branch_path = "event__team__branch"
    upload_folder = "volunteering/photos"
    objects = scoped_manager(EventPhotoQuerySet)

    class Meta(BranchPhoto.Meta):
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"


class Participation(models.Model):
    """A member's part in an event, with the hours that count toward their service record."""

    class Role(models.TextChoices):
        LEADER = "leader", "带队"
        EXPERT = "expert", "技术专家"
        TEACHER = "teacher", "授课讲师"
        COACH = "coach", "教练"
        VOLUNTEER = "volunteer", "志愿者"

    member = models.ForeignKey(
        Member, verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="participations"
    )
    event = models.ForeignKey(
        ServiceEvent, verbose_name="服务活动", on_delete=models.CASCADE, related_name="participations"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.VOLUNTEER)
    hours = models.DecimalField(
        "服务时长（小时）",
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_EVENT_HOURS)],
    )

    history = HistoricalRecords()

    branch_path = "event__team__branch"
    objects = scoped_manager(ParticipationQuerySet)

    class Meta:
        verbose_name = "参与记录"
        verbose_name_plural = "参与记录"
        ordering = ["-event__date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["member", "event"], name="participation_once_per_event"),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=MAX_EVENT_HOURS),
                name="participation_hours_range",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.event}"

    def clean(self):
        super().clean()
        try:
            # In an inline formset of a new event the parent is set but not saved yet.
            event = self.event
        except ServiceEvent.DoesNotExist:
            return
        if event.status == ServiceEvent.Status.CANCELLED:
            raise ValidationError({"event": "活动已取消，不能登记服务时长。"})
        if self.hours is not None and event.duration_hours is not None and self.hours > event.duration_hours:
            raise ValidationError({"hours": f"服务时长不能超过活动时长（{event.duration_hours}小时）。"})
