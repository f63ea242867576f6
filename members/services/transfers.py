"""Transfers between branches (名单转移): request, accept, reject, cancel, direct move."""

from django.db import transaction
from django.utils import timezone

from core.access import access_object
from core.errors import ConflictError, DomainError
from core.notifications import notify_branch
from core.roles import is_association_staff, officer_branch_id
from core.scoping import scopes_disabled, user_scope
from core.states import check_transition

from ..models import Branch, Member, Transfer
from ..models import Member as MemberModel
from .registry import access_member

# ----------------------------------------------------------------------------------------
# Transfers between branches (名单转移)
# ----------------------------------------------------------------------------------------


def _transfer_notify(transfer, subject, body, branch_id):
    transaction.on_commit(lambda: notify_branch(branch_id=branch_id, subject=subject, body=body))


def _move_member(*, member, to_branch, actor, reason: str) -> None:
    from_branch = member.branch
    member.branch = to_branch
    member._change_reason = f"名单转移：{from_branch} → {to_branch}（{reason}）"[:100]
    member._history_user = actor
    member.save(update_fields=["branch", "updated_at"])


def member_transfer_request(*, member, to_branch, actor, reason: str):
    """A branch officer asks to move a member it can see to another branch; the receiving branch decides."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写转移理由。", code="transfer_reason")
    with transaction.atomic():
        member = access_member(actor, member, for_update=True)
        if user_scope(actor).is_empty:
            raise DomainError("您没有所属分会。", code="no_scope")
        with scopes_disabled():  # the receiving branch is another branch, outside the officer's scope
            receiving_branch_active = Branch.objects.filter(pk=to_branch.pk, active=True).exists()
        if not receiving_branch_active:
            raise DomainError("转入分会不存在或已停用。", code="transfer_branch")
        if to_branch.pk == member.branch_id:
            raise DomainError("转入分会与当前分会相同。", code="transfer_same_branch")
        if Transfer.objects.filter(member=member, status=Transfer.Status.PENDING).exists():
            raise ConflictError(f"{member.name}已有一项待处理的转移申请。", code="transfer_pending")
        transfer = Transfer.objects.create(
            member=member,
            from_branch_id=member.branch_id,
            to_branch=to_branch,
            reason=reason,
            requested_by=actor,
        )
    _transfer_notify(
        transfer, "名单转移申请待处理", f"{transfer.from_branch}申请将{member.name}转入贵分会，请登录平台处理。",
        to_branch.pk,
    )  # fmt: skip
    return transfer


def _decide(*, transfer, actor, status, note: str):
    transfer = access_object(Transfer, actor, transfer, for_update=True)
    check_transition(transfer, status, code="transfer_state")
    if status != Transfer.Status.CANCELLED and not (
        is_association_staff(actor) or officer_branch_id(actor) == transfer.to_branch_id
    ):
        raise DomainError("只有转入分会或协会工作人员可以处理该申请。", code="transfer_not_receiver")
    if status == Transfer.Status.CANCELLED and not (
        is_association_staff(actor) or officer_branch_id(actor) == transfer.from_branch_id
    ):
        raise DomainError("只有转出分会可以撤回申请。", code="transfer_not_sender")
    transfer.status = status
    transfer.decided_by = actor
    transfer.decided_at = timezone.now()
    transfer.decision_note = (note or "").strip()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    return transfer


def transfer_accept(*, transfer, actor, note: str = ""):
    """The receiving branch (or the association) accepts: the member moves, and its history says so."""
    with transaction.atomic():
        transfer = _decide(transfer=transfer, actor=actor, status=Transfer.Status.ACCEPTED, note=note)
        # The receiving officer decided a transfer in their scope; its member is still in the
        # sending branch, outside that scope, until the move below.
        with scopes_disabled():
            member = MemberModel.objects.select_for_update().get(pk=transfer.member_id)
        if member.branch_id != transfer.from_branch_id:
            raise ConflictError("该人员已不在转出分会，申请作废。", code="transfer_stale")
        _move_member(member=member, to_branch=transfer.to_branch, actor=actor, reason=transfer.reason)
    _transfer_notify(
        transfer, "名单转移已接收", f"{transfer.to_branch}已接收{member.name}。", transfer.from_branch_id
    )
    return transfer


def transfer_reject(*, transfer, actor, note: str = ""):
    """The receiving branch (or the association) rejects; the member stays."""
    with transaction.atomic():
        transfer = _decide(transfer=transfer, actor=actor, status=Transfer.Status.REJECTED, note=note)
    _transfer_notify(
        transfer, "名单转移被拒绝", f"{transfer.to_branch}拒绝接收{transfer.member.name}：{note or '未说明'}。",
        transfer.from_branch_id,
    )  # fmt: skip
    return transfer


def transfer_cancel(*, transfer, actor):
    """The sending branch withdraws its pending request."""
    with transaction.atomic():
        return _decide(transfer=transfer, actor=actor, status=Transfer.Status.CANCELLED, note="")


def member_transfer(*, member, to_branch, actor, reason: str):
    """Association staff move a member directly; recorded as a transfer and in the member's history."""
    if not is_association_staff(actor):
        raise DomainError("只有协会工作人员可以直接转移；分会请提交转移申请。", code="transfer_forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写转移理由。", code="transfer_reason")
    with transaction.atomic():
        member = Member.objects.select_for_update().get(pk=member.pk)
        if not Branch.objects.filter(pk=to_branch.pk, active=True).exists():
            raise DomainError("转入分会不存在或已停用。", code="transfer_branch")
        if to_branch.pk == member.branch_id:
            raise DomainError("转入分会与当前分会相同。", code="transfer_same_branch")
        # A pending request for the same member is overtaken by the direct move.
        Transfer.objects.filter(member=member, status=Transfer.Status.PENDING).update(
            status=Transfer.Status.CANCELLED, decided_by=actor, decided_at=timezone.now(),
            decision_note="协会已直接转移",
        )  # fmt: skip
        transfer = Transfer.objects.create(
            member=member, from_branch_id=member.branch_id, to_branch=to_branch, reason=reason,
            status=Transfer.Status.DIRECT, requested_by=actor, decided_by=actor, decided_at=timezone.now(),
        )  # fmt: skip
        _move_member(member=member, to_branch=to_branch, actor=actor, reason=reason)
    return transfer
