"""A 劳模工匠之家 (house), its photos, and the record of every life-cycle transition."""

from dataclasses import dataclass
from enum import Enum

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import BranchPhoto
from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager

from ..querysets import WorkshopQuerySet, WorkshopScopedQuerySet


class Workshop(models.Model):
    """One 劳模工匠之家: inside one enterprise, or run jointly by a street or an industrial park."""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业独建"
        STREET = "street", "街道联建"
        PARK = "park", "园区联建"

    class Status(models.TextChoices):
        APPLIED = "applied", "已申报"
        REVIEWED = "reviewed", "初审通过"
        ACCEPTED = "accepted", "验收通过"
        NAMED = "named", "已命名"
        RECTIFYING = "rectifying", "复核整改中"
        REJECTED = "rejected", "未通过"
        REVOKED = "revoked", "已撤销"

    # Houses that count as named (covered) today.
    NAMED_STATUSES = (Status.NAMED, Status.RECTIFYING)
    # Houses whose application is still open.
    IN_PROGRESS_STATUSES = (Status.APPLIED, Status.REVIEWED, Status.ACCEPTED)

    name = models.CharField("名称", max_length=100, unique=True)
    host_unit = models.CharField(
        "依托单位", max_length=200, help_text="企业独建填企业名称；联建填街道或园区名称。"
    )
    kind = models.CharField("建设类型", max_length=20, choices=Kind.choices)
    branch = models.ForeignKey(
        "members.Branch", verbose_name="所属分会", on_delete=models.PROTECT, related_name="workshops"
    )
    address = models.CharField("地址", max_length=200)
    leader = models.ForeignKey(
        "members.Member",
        verbose_name="负责人（领衔劳模工匠）",
        on_delete=models.PROTECT,
        related_name="led_workshops",
    )
    members = models.ManyToManyField(
        "members.Member", verbose_name="参与的劳模工匠", blank=True, related_name="workshops"
    )
    established_on = models.DateField(
        "成立日期", null=True, blank=True, validators=[validate_reasonable_date]
    )
    description = models.TextField("简介", blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.APPLIED, editable=False, db_index=True
    )
    naming_document_number = models.CharField("命名文号", max_length=100, blank=True, editable=False)
    named_on = models.DateField("命名日期", null=True, blank=True, editable=False)
    last_reviewed_year = models.PositiveSmallIntegerField(
        "最近复核年度", null=True, blank=True, editable=False
    )
    revoked_on = models.DateField("撤销日期", null=True, blank=True, editable=False)
    revoked_reason = models.TextField("撤销原因", blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    # The members involved are part of the house's record: their changes are kept too.
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[members])

    branch_path = "branch"
    officer_actions = ("view", "add", "change")
    objects = scoped_manager(WorkshopQuerySet)

    class Meta:
        verbose_name = "劳模工匠之家"
        verbose_name_plural = "劳模工匠之家"
        ordering = ["branch__sort_order", "name"]
        indexes = [models.Index(fields=["branch", "status"], name="workshop_branch_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status__in=["named", "rectifying", "revoked"])
                | (Q(named_on__isnull=False) & ~Q(naming_document_number="")),
                name="workshop_named_has_document",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | (Q(revoked_on__isnull=False) & ~Q(revoked_reason="")),
                name="workshop_revoked_has_reason",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def is_named(self) -> bool:
        return self.status in self.NAMED_STATUSES


class Actor(Enum):
    """Who may perform a transition."""

    BRANCH_OR_ASSOCIATION = "branch"  # an officer of the house's branch, or association staff
    ASSOCIATION = "association"  # association staff only


class Requirement(Enum):
    """Extra conditions a transition checks before it is allowed."""

    COMMENT = "comment"
    NOT_SUBMITTER = "not_submitter"
    PASSED_ACCEPTANCE = "passed_acceptance"
    NAMING_DOCUMENT = "naming_document"
    PASSED_ANNUAL_REVIEW = "passed_annual_review"
    FAILED_ANNUAL_REVIEW = "failed_annual_review"
    PASSED_RE_REVIEW = "passed_re_review"
    REASON = "reason"


@dataclass(frozen=True)
class TransitionRule:
    """One allowed step of the life cycle."""

    action: str
    actor: Actor
    requires: tuple[Requirement, ...] = ()


S = Workshop.Status
R = Requirement
# The explicit transition map in the one shape of core.states, {from: {to: rule}}: anything not
# listed is refused. "" is the state before the application exists.
TRANSITIONS: dict[str, dict[str, TransitionRule]] = {
    "": {S.APPLIED: TransitionRule("申报", Actor.BRANCH_OR_ASSOCIATION)},
    S.REJECTED: {S.APPLIED: TransitionRule("重新申报", Actor.BRANCH_OR_ASSOCIATION)},
    S.APPLIED: {
        S.REVIEWED: TransitionRule("初审通过", Actor.ASSOCIATION, (R.NOT_SUBMITTER,)),
        S.REJECTED: TransitionRule("初审不通过", Actor.ASSOCIATION, (R.COMMENT,)),
    },
    S.REVIEWED: {
        S.ACCEPTED: TransitionRule("验收通过", Actor.ASSOCIATION, (R.PASSED_ACCEPTANCE,)),
        S.REJECTED: TransitionRule("验收不通过", Actor.ASSOCIATION, (R.COMMENT,)),
    },
    S.ACCEPTED: {
        S.NAMED: TransitionRule("命名", Actor.ASSOCIATION, (R.PASSED_ACCEPTANCE, R.NAMING_DOCUMENT))
    },
    S.NAMED: {
        S.NAMED: TransitionRule("年度复核通过", Actor.ASSOCIATION, (R.PASSED_ANNUAL_REVIEW,)),
        S.RECTIFYING: TransitionRule(
            "年度复核限期整改", Actor.ASSOCIATION, (R.FAILED_ANNUAL_REVIEW, R.COMMENT)
        ),
        S.REVOKED: TransitionRule("撤销命名", Actor.ASSOCIATION, (R.REASON,)),
    },
    S.RECTIFYING: {
        S.NAMED: TransitionRule("整改复核通过", Actor.ASSOCIATION, (R.PASSED_RE_REVIEW,)),
        S.REVOKED: TransitionRule("撤销命名", Actor.ASSOCIATION, (R.REASON,)),
    },
    S.REVOKED: {},
}
del S, R


class WorkshopTransition(models.Model):
    """One step of a house's life cycle: who, when, from what to what, and why."""

    workshop = models.ForeignKey(
        Workshop, verbose_name="劳模工匠之家", on_delete=models.CASCADE, related_name="transitions"
    )
    action = models.CharField("办理事项", max_length=30)
    from_status = models.CharField("原状态", max_length=20, choices=Workshop.Status.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=Workshop.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="办理人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="workshop_transitions",
    )
    actor_name = models.CharField("办理人姓名", max_length=150)
    at = models.DateTimeField("办理时间", default=timezone.now, validators=[validate_reasonable_date])
    comment = models.TextField("意见", blank=True)
    review_year = models.PositiveSmallIntegerField("复核年度", null=True, blank=True)
    assessment = models.ForeignKey(
        "workshops.Assessment",
        verbose_name="依据评估",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transitions",
    )

    history = HistoricalRecords()

    branch_path = "workshop__branch"
    officer_actions = ("view",)
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta:
        verbose_name = "流转记录"
        verbose_name_plural = "流转记录"
        ordering = ["at", "pk"]
        constraints = [
            # One annual review outcome per house and year (a rectification's re-review is
            # recorded with the same year, but from another status).
            models.UniqueConstraint(
                fields=["workshop", "review_year", "from_status", "to_status"],
                condition=Q(review_year__isnull=False),
                name="workshop_transition_one_review_per_year",
            ),
        ]

    def __str__(self):
        return f"{self.workshop} {self.action}"


class WorkshopPhoto(BranchPhoto):
    """A photo of a house's premises (阵地) or plaque."""

    workshop = models.ForeignKey(
        Workshop, verbose_name="劳模工匠之家", on_delete=models.CASCADE, related_name="photos"
    )

    history = HistoricalRecords()

    branch_path = "workshop__branch"
    upload_folder = "workshops/photos"
    objects = scoped_manager(WorkshopScopedQuerySet)

    class Meta(BranchPhoto.Meta):
        verbose_name = "照片"
        verbose_name_plural = "照片"
