"""Transfers of a member from one branch to another (名单转移), with the receiving side's approval."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager


class TransferQuerySet(ScopedQuerySet):
    """Both sides see a transfer: the branch it leaves and the branch it goes to."""

    def in_branch(self, branch_id):
        return self.filter(Q(from_branch=branch_id) | Q(to_branch=branch_id))

    def pending(self):
        return self.filter(status=Transfer.Status.PENDING)

    def incoming(self, branch_id):
        """Requests waiting for ``branch_id`` to accept or reject."""
        return self.pending().filter(to_branch=branch_id)

    def outgoing(self, branch_id):
        """Requests ``branch_id`` sent that are still waiting."""
        return self.pending().filter(from_branch=branch_id)


class Transfer(models.Model):
    """A request (or, by association staff, a direct order) to move a member between branches."""

    class Status(models.TextChoices):
        PENDING = "pending", "待接收"
        ACCEPTED = "accepted", "已接收"
        REJECTED = "rejected", "已拒绝"
        CANCELLED = "cancelled", "已撤回"
        DIRECT = "direct", "协会直接转移"

    TRANSITIONS = {Status.PENDING: {Status.ACCEPTED, Status.REJECTED, Status.CANCELLED}}

    member = models.ForeignKey(
        "members.Member", verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="transfers"
    )
    from_branch = models.ForeignKey(
        "members.Branch", verbose_name="转出分会", on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_branch = models.ForeignKey(
        "members.Branch", verbose_name="转入分会", on_delete=models.PROTECT, related_name="transfers_in"
    )
    reason = models.TextField("转移理由")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申请人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="处理人", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decision_note = models.TextField("处理意见", blank=True)

    branch_path = "from_branch"
    officer_actions = ("view",)
    objects = scoped_manager(TransferQuerySet)

    class Meta:
        verbose_name = "名单转移"
        verbose_name_plural = "名单转移"
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_branch=models.F("to_branch")), name="transfer_other_branch"
            ),
            models.UniqueConstraint(
                fields=["member"], condition=Q(status="pending"), name="transfer_one_pending_per_member"
            ),
        ]

    def __str__(self):
        return f"{self.member.name}：{self.from_branch} → {self.to_branch}"
