"""Donations of money and goods by a member or a team."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from members.models import Branch, Member

from ..querysets import DonationQuerySet
from .teams import ServiceTeam


class Donation(models.Model):
    """Money or goods given by one member or one team, for a cause; ``value`` is in yuan."""

    class Kind(models.TextChoices):
        MONEY = "money", "资金"
        GOODS = "goods", "物资"

    kind = models.CharField("捐赠类型", max_length=10, choices=Kind.choices)
    member = models.ForeignKey(
        Member,
        verbose_name="捐赠人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    team = models.ForeignKey(
        ServiceTeam,
        verbose_name="捐赠服务队",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
    )
    branch = models.ForeignKey(
        Branch, verbose_name="所属分会", on_delete=models.PROTECT, related_name="donations", editable=False
    )
    date = models.DateField("捐赠日期", db_index=True, validators=[validate_reasonable_date])
    value = models.DecimalField(
        "金额/折合价值（元）",
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="资金填金额；物资填折合人民币价值。",
    )
    goods_description = models.CharField("物资明细", max_length=300, blank=True, help_text="如“口罩2万只”。")
    cause = models.CharField("捐赠用途", max_length=200, help_text="如“疫情防控”“助学”“结对帮扶”。")
    recipient = models.CharField("受赠方", max_length=200, blank=True)
    receipt_number = models.CharField("捐赠票据号", max_length=50, blank=True)

    history = HistoricalRecords()

    branch_path = "branch"
    objects = scoped_manager(DonationQuerySet)

    class Meta:
        verbose_name = "捐赠"
        verbose_name_plural = "捐赠"
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(member__isnull=False) & models.Q(team__isnull=True))
                | (models.Q(member__isnull=True) & models.Q(team__isnull=False)),
                name="donation_exactly_one_donor",
            ),
            models.CheckConstraint(condition=models.Q(value__gt=0), name="donation_value_positive"),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.value}元"

    @property
    def donor(self):
        return self.member or self.team

    def donor_branch_id(self):
        if self.member_id:
            return self.member.branch_id
        if self.team_id:
            return self.team.branch_id
        return None

    def clean(self):
        super().clean()
        if bool(self.member_id) == bool(self.team_id):
            raise ValidationError("请填写捐赠人或捐赠服务队，二者只能填一项。")
        if self.kind == self.Kind.GOODS and not self.goods_description:
            raise ValidationError({"goods_description": "物资捐赠请填写物资明细。"})
        # The row belongs to the donor's branch; it is never typed in.
        self.branch_id = self.donor_branch_id()
