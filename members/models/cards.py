"""匠心卡 (craftsman card): a numbered card with benefits, validity and a printable PDF."""

import datetime

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager

from .certificates import RenderedDocument


class CraftsmanCardQuerySet(ScopedQuerySet):
    def of_member(self, member):
        return self.filter(member=member)

    def active(self):
        return self.filter(status=CraftsmanCard.Status.ACTIVE)

    def expiring_within(self, days: int, today: datetime.date | None = None):
        """Active cards whose expiry falls in the next ``days`` days (today included)."""
        today = today or datetime.date.today()
        return self.active().filter(
            expires_on__gte=today, expires_on__lte=today + datetime.timedelta(days=days)
        )


class CraftsmanCard(RenderedDocument):
    """One 匠心卡 of a member holding a craftsman title."""

    SERIES = "JXK"

    class Status(models.TextChoices):
        ACTIVE = "active", "有效"
        REVOKED = "revoked", "已注销"

    class Benefit(models.TextChoices):
        PARKS = "parks", "公园景区免费游览"
        BUS = "bus", "公交免费乘车"
        METRO = "metro", "地铁免费乘车"

    TRANSITIONS = {Status.ACTIVE: {Status.REVOKED}, Status.REVOKED: set()}

    number = models.CharField("卡号", max_length=30, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("年份", editable=False)
    sequence = models.PositiveIntegerField("年度序号", editable=False)
    member = models.ForeignKey(
        "members.Member", verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="craftsman_cards"
    )
    holder_name = models.CharField("持卡人", max_length=50, editable=False)
    title = models.CharField("工匠称号", max_length=100, editable=False)
    issued_on = models.DateField("发卡日期")
    expires_on = models.DateField("有效期至")
    benefits = models.JSONField("权益", default=list)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.ACTIVE)
    revoked_reason = models.CharField("注销原因", max_length=200, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发卡人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["verification_code", "pdf", "render_error"])

    branch_path = "member__branch"
    officer_actions = ("view", "add")
    objects = scoped_manager(CraftsmanCardQuerySet)

    class Meta:
        verbose_name = "匠心卡"
        verbose_name_plural = "匠心卡"
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="card_year_sequence_unique"),
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(status="active"), name="card_one_active_per_member"
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__gt=models.F("issued_on")), name="card_expiry_after_issue"
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.holder_name}"

    @staticmethod
    def format_number(year: int, sequence: int) -> str:
        return f"{CraftsmanCard.SERIES}-{year}-{sequence:06d}"

    def benefit_labels(self) -> list[str]:
        labels = dict(self.Benefit.choices)
        return [labels.get(code, code) for code in self.benefits]

    def is_expired(self, today: datetime.date | None = None) -> bool:
        return self.expires_on < (today or datetime.date.today())
