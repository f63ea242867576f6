"""Certificates (劳模证明): gapless yearly serials, verification codes, the rendered PDF."""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from core.storage import private_storage

# Unambiguous characters (no 0/O, 1/I/L) so a code read off paper types back correctly.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12  # 31^12 ≈ 2^59: unguessable, and verification is rate-limited on top


def new_verification_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class DocumentCounter(models.Model):
    """The last number used per (series, year). Locked with SELECT … FOR UPDATE so serials are gapless."""

    series = models.CharField("序列", max_length=10)
    year = models.PositiveSmallIntegerField("年份")
    last_number = models.PositiveIntegerField("已用到", default=0)

    class Meta:
        verbose_name = "编号计数器"
        verbose_name_plural = "编号计数器"
        constraints = [models.UniqueConstraint(fields=["series", "year"], name="document_counter_unique")]

    def __str__(self):
        return f"{self.series}-{self.year}: {self.last_number}"


class RenderState(models.TextChoices):
    PENDING = "pending", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "失败"


class RenderedDocument(models.Model):
    """What certificates and cards share: a verification code and a PDF made in Celery."""

    verification_code = models.CharField(
        "验证码", max_length=16, default=new_verification_code, editable=False
    )
    pdf = models.FileField("PDF文件", storage=private_storage, blank=True, editable=False)
    render_state = models.CharField(
        "生成状态", max_length=10, choices=RenderState.choices, default=RenderState.PENDING, editable=False
    )
    render_error = models.CharField("生成错误", max_length=300, blank=True, editable=False)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def is_ready(self) -> bool:
        return self.render_state == RenderState.READY and bool(self.pdf)


class CertificateQuerySet(ScopedQuerySet):
    def of_member(self, member):
        """A member's own certificates (the /me/ pages)."""
        return self.filter(member=member)

    def valid(self):
        return self.filter(status=Certificate.Status.VALID)


class Certificate(RenderedDocument):
    """One 劳模证明: which honours of which member it certifies, for what purpose."""

    SERIES = "HZLM"

    class Status(models.TextChoices):
        VALID = "valid", "有效"
        REVOKED = "revoked", "已撤销"

    class Channel(models.TextChoices):
        ADMIN = "admin", "后台开具"
        BULK = "bulk", "批量开具"
        SELF = "self", "本人在线申请"

    TRANSITIONS = {Status.VALID: {Status.REVOKED}, Status.REVOKED: set()}

    PURPOSES = ["办理公园年卡", "公交地铁优待", "疗休养", "子女入学", "职称评审", "求职应聘", "其他"]

    serial = models.CharField("证明编号", max_length=30, unique=True, editable=False)
    year = models.PositiveSmallIntegerField("年份", editable=False)
    number = models.PositiveIntegerField("年度序号", editable=False)
    member = models.ForeignKey(
        "members.Member", verbose_name="劳模工匠", on_delete=models.PROTECT, related_name="certificates"
    )
    honors = models.ManyToManyField("members.Honor", verbose_name="证明的荣誉", related_name="certificates")
    # What the paper says, frozen at issue: later edits of the registry do not change a certificate.
    holder_name = models.CharField("持证人", max_length=50, editable=False)
    holder_gender = models.CharField("性别", max_length=2, editable=False)
    holder_masked_id = models.CharField("身份证号（部分隐藏）", max_length=18, editable=False)
    honors_snapshot = models.JSONField("荣誉（开具时）", default=list, editable=False)
    purpose = models.CharField("用途", max_length=100)
    channel = models.CharField("开具方式", max_length=10, choices=Channel.choices, default=Channel.ADMIN)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="开具人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip
    issued_at = models.DateTimeField("开具时间", default=timezone.now, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.VALID)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="撤销人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    history = HistoricalRecords(excluded_fields=["verification_code", "pdf", "render_error"])

    branch_path = "member__branch"
    officer_actions = ("view", "add")
    objects = scoped_manager(CertificateQuerySet)

    class Meta:
        verbose_name = "劳模证明"
        verbose_name_plural = "劳模证明"
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "number"], name="certificate_year_number_unique"),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | ~models.Q(revoked_reason=""),
                name="certificate_revoked_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.serial} {self.holder_name}"

    # What a holder of each kind of honour is called in the certificate's body.
    HOLDER_TITLES = {"劳动模范": "劳动模范", "先进工作者": "先进工作者", "五一劳动奖章": "五一劳动奖章获得者", "工匠": "工匠"}

    @property
    def holder_titles(self) -> str:
        """``劳动模范、五一劳动奖章获得者``: what the certified honours make the holder, in the
        order of the honour kinds, each once (from the snapshot, so it never changes)."""
        order = list(self.HOLDER_TITLES)
        kinds = {h.get("kind", "") for h in self.honors_snapshot}
        known = [self.HOLDER_TITLES[k] for k in order if k in kinds]
        others = sorted(k for k in kinds if k and k not in self.HOLDER_TITLES)
        return "、".join(known + others)

    @staticmethod
    def format_serial(year: int, number: int) -> str:
        return f"{Certificate.SERIES}-{year}-{number:06d}"
