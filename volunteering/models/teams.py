"""Service teams, their members, and the organisations they serve."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from members.models import Branch, Member

from ..querysets import BeneficiaryQuerySet, ServiceTeamQuerySet, TeamMembershipQuerySet


class ServiceTeam(models.Model):
    """A technical service team (技术服务队) or volunteer service team (志愿服务队) of one branch."""

    class Kind(models.TextChoices):
        TECHNICAL = "technical", "技术服务队"
        VOLUNTEER = "volunteer", "志愿服务队"

    name = models.CharField("队名", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=Kind.choices)
    branch = models.ForeignKey(
        Branch, verbose_name="所属分会", on_delete=models.PROTECT, related_name="service_teams"
    )
    leader = models.ForeignKey(
        Member,
        verbose_name="队长",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    members = models.ManyToManyField(
        Member, verbose_name="队员", through="TeamMembership", related_name="service_teams", blank=True
    )
    speciality = models.CharField(
        "专长领域", max_length=200, blank=True, help_text="如“数控加工、焊接工艺、电气设备检修”。"
    )
    founded_on = models.DateField("成立日期", null=True, blank=True, validators=[validate_reasonable_date])
    active = models.BooleanField("在册", default=True)
    description = models.TextField("简介", blank=True)

    history = HistoricalRecords()

    branch_path = "branch"
    objects = scoped_manager(ServiceTeamQuerySet)

    class Meta:
        verbose_name = "服务队"
        verbose_name_plural = "服务队"
        ordering = ["branch__sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="serviceteam_unique_name")]

    def __str__(self):
        return self.name


class TeamMembership(models.Model):
    """A member on a team's roster."""

    team = models.ForeignKey(ServiceTeam, verbose_name="服务队", on_delete=models.CASCADE)
    member = models.ForeignKey(
        Member, verbose_name="队员", on_delete=models.CASCADE, related_name="team_memberships"
    )
    joined_on = models.DateField("加入日期", null=True, blank=True, validators=[validate_reasonable_date])

    history = HistoricalRecords()

    branch_path = "team__branch"
    objects = scoped_manager(TeamMembershipQuerySet)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="teammembership_unique")]

    def __str__(self):
        return f"{self.team} · {self.member}"


class Beneficiary(models.Model):
    """An organisation served: an enterprise (possibly small or micro), a community, a school…"""

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", "企业"
        COMMUNITY = "community", "社区/村"
        SCHOOL = "school", "学校"
        INSTITUTION = "institution", "机关事业单位"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=200)
    kind = models.CharField("单位类型", max_length=20, choices=Kind.choices, default=Kind.ENTERPRISE)
    is_small_micro = models.BooleanField(
        "中小微企业", default=False, help_text="按《中小企业划型标准规定》属于中型、小型或微型企业。"
    )
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    branch = models.ForeignKey(
        Branch, verbose_name="登记分会", on_delete=models.PROTECT, related_name="service_beneficiaries"
    )

    history = HistoricalRecords()

    branch_path = "branch"
    objects = scoped_manager(BeneficiaryQuerySet)

    class Meta:
        verbose_name = "服务对象单位"
        verbose_name_plural = "服务对象单位"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "name"], name="beneficiary_unique_name"),
            models.CheckConstraint(
                condition=models.Q(is_small_micro=False) | models.Q(kind="enterprise"),
                name="beneficiary_small_micro_is_enterprise",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        if self.is_small_micro and self.kind != self.Kind.ENTERPRISE:
            raise ValidationError({"is_small_micro": "只有企业才能标记为中小微企业。"})
