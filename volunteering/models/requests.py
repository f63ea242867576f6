"""Service requests: an enterprise or community asks a branch for help."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from members.models import Branch

from ..querysets import ServiceRequestQuerySet
from .teams import Beneficiary, ServiceTeam


class ServiceRequest(models.Model):
    """A request for help and its life cycle (transitions live in ``volunteering.services``)."""

    class Urgency(models.TextChoices):
        LOW = "low", "一般"
        NORMAL = "normal", "较急"
        URGENT = "urgent", "紧急"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待受理"
        ASSIGNED = "assigned", "已派单"
        IN_SERVICE = "in_service", "服务中"
        COMPLETED = "completed", "待评价"
        CLOSED = "closed", "已办结"
        REJECTED = "rejected", "不予受理"
        WITHDRAWN = "withdrawn", "已撤回"

    OPEN_STATUSES = (Status.SUBMITTED, Status.ASSIGNED, Status.IN_SERVICE)

    branch = models.ForeignKey(
        Branch, verbose_name="受理分会", on_delete=models.PROTECT, related_name="service_requests"
    )
    requester = models.ForeignKey(
        Beneficiary, verbose_name="求助单位", on_delete=models.PROTECT, related_name="requests"
    )
    title = models.CharField("需求标题", max_length=200)
    problem = models.TextField("问题描述")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=30)
    urgency = models.CharField("紧急程度", max_length=20, choices=Urgency.choices, default=Urgency.LOW)
    received_at = models.DateTimeField(
        "提出时间", default=timezone.now, db_index=True, validators=[validate_reasonable_date]
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED, editable=False, db_index=True
    )
    assigned_team = models.ForeignKey(
        ServiceTeam,
        verbose_name="承接服务队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        editable=False,
    )
    assigned_at = models.DateTimeField("派单时间", null=True, blank=True, editable=False)
    completed_at = models.DateTimeField("服务完成时间", null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True, editable=False)
    resolution_note = models.TextField("处理说明", blank=True, editable=False)
    feedback = models.TextField("服务对象反馈", blank=True, editable=False)
    satisfaction = models.PositiveSmallIntegerField(
        "满意度（1-5）",
        null=True,
        blank=True,
        editable=False,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )

    history = HistoricalRecords()

    branch_path = "branch"
    objects = scoped_manager(ServiceRequestQuerySet)

    class Meta:
        verbose_name = "服务需求"
        verbose_name_plural = "服务需求"
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(satisfaction__isnull=True)
                | (models.Q(satisfaction__gte=1) & models.Q(satisfaction__lte=5)),
                name="servicerequest_satisfaction_range",
            ),
            models.CheckConstraint(
                condition=models.Q(assigned_team__isnull=False)
                | models.Q(status__in=["submitted", "rejected", "withdrawn"]),
                name="servicerequest_team_once_assigned",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    def waiting_days(self, now=None) -> int | None:
        """Whole days an open request has waited since it was received (None once it is not open)."""
        if not self.is_open:
            return None
        return ((now or timezone.now()) - self.received_at).days
