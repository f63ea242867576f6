"""Writes of the registry: one function per business action."""

from django.db import transaction

from .errors import ConflictError, DomainError
from .models import Honor, Member


def category_for_kinds(kinds) -> str:
    """The derived category (劳模 / 工匠 / both) for a set of honour kinds."""
    kinds = set(kinds)
    model_worker = bool(kinds & set(Honor.MODEL_WORKER_KINDS))
    craftsman = Honor.Kind.CRAFTSMAN in kinds
    if model_worker and craftsman:
        return Member.Category.BOTH
    if model_worker:
        return Member.Category.MODEL_WORKER
    if craftsman:
        return Member.Category.CRAFTSMAN
    return Member.Category.NONE


def member_refresh_category(*, member_id: int) -> str:
    """Recompute a member's stored category from its honours (called after every honour write)."""
    kinds = Honor.objects.filter(member_id=member_id).values_list("kind", flat=True).distinct()
    category = category_for_kinds(kinds)
    Member.objects.filter(pk=member_id).exclude(category=category).update(category=category)
    return category


def members_refresh_categories(*, member_ids) -> None:
    """Bulk form of member_refresh_category, for imports and demo data."""
    kinds_by_member: dict[int, set] = {pk: set() for pk in member_ids}
    for member_id, kind in Honor.objects.filter(member_id__in=member_ids).values_list("member_id", "kind"):
        kinds_by_member[member_id].add(kind)
    by_category: dict[str, list[int]] = {}
    for member_id, kinds in kinds_by_member.items():
        by_category.setdefault(category_for_kinds(kinds), []).append(member_id)
    with transaction.atomic():
        for category, ids in by_category.items():
            Member.objects.filter(pk__in=ids).update(category=category)


# =================================================================================

# Certificates (劳模证明), craftsman cards (匠心卡) and member accounts.
# ========================================================================================

import datetime  # noqa: E402
import logging  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.files.base import ContentFile  # noqa: E402
from django.utils import timezone  # noqa: E402

from . import documents  # noqa: E402
from .models import Certificate, CraftsmanCard, DocumentCounter, RenderState  # noqa: E402

logger = logging.getLogger(__name__)


def document_next_number(*, series: str, year: int) -> int:
    """The next number of a series in a year, gapless under concurrency.

    The counter row is locked (SELECT … FOR UPDATE) until the caller's transaction ends, so
    two issuers queue on it; a rolled-back issue rolls the counter back with it, leaving no gap.
    """
    DocumentCounter.objects.get_or_create(series=series, year=year)
    counter = DocumentCounter.objects.select_for_update().get(series=series, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _require_visible_member(*, member, actor):
    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise DomainError("无权为该会员开具。", code="forbidden")


def certificate_issue(
    *, member, actor, purpose: str, honors=None, channel=Certificate.Channel.ADMIN
) -> Certificate:
    """Issue one certificate of ``member``'s honours (all of them unless ``honors`` is given).

    Staff and officers issue for members they can see; a member (channel SELF) only for
    themself. The PDF is rendered in Celery after commit.
    """
    from .tasks import certificate_render_task

    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("请填写证明用途。", code="purpose_required")
    if len(purpose) > 100:
        raise DomainError("证明用途不能超过100字。", code="purpose_too_long")
    if channel == Certificate.Channel.SELF:
        if getattr(member, "user_id", None) is None or member.user_id != getattr(actor, "pk", None):
            raise DomainError("只能为本人申请证明。", code="forbidden")
    else:
        _require_visible_member(member=member, actor=actor)
    if member.status == Member.Status.REVOKED:
        raise DomainError(f"{member.name}的荣誉已撤销，不能开具证明。", code="member_revoked")
    all_honors = list(Honor.objects.filter(member=member).order_by("level", "-year", "pk"))
    if honors is not None:
        wanted = {h.pk for h in honors}
        chosen = [h for h in all_honors if h.pk in wanted]
        if len(chosen) != len(wanted):
            raise DomainError("所选荣誉不属于该会员。", code="foreign_honor")
    else:
        chosen = all_honors
    if not chosen:
        raise DomainError(f"{member.name}没有登记荣誉，不能开具证明。", code="no_honors")
    with transaction.atomic():
        issued_at = timezone.now()
        year = timezone.localdate(issued_at).year
        number = document_next_number(series=Certificate.SERIES, year=year)
        certificate = Certificate.objects.create(
            serial=Certificate.format_serial(year, number),
            year=year,
            number=number,
            member=member,
            holder_name=member.name,
            holder_gender=member.get_gender_display(),
            holder_masked_id=member.masked_id_number,
            honors_snapshot=[
                {
                    "title": h.title,
                    "kind": h.get_kind_display(),
                    "level": h.get_level_display(),
                    "year": h.year,
                }
                for h in chosen
            ],
            purpose=purpose,
            channel=channel,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
            issued_at=issued_at,
        )
        certificate.honors.set(chosen)
        certificate.queued = None  # set by the enqueue after commit: False when the broker is down
        transaction.on_commit(lambda: _enqueue_render(certificate, certificate_render_task))
    return certificate


def _enqueue_render(document, task) -> None:
    from .tasks import enqueue

    document.queued = enqueue(task, document.pk)


def documents_requeue_stale(*, minutes: int) -> int:
    """Re-send the render of every certificate and card still 生成中 after ``minutes``.

    Rendering is idempotent (a ready document is skipped under a row lock), so a document
    whose first message is merely slow is not rendered twice. Cards carry only an issue
    date, so a pending card is re-sent from the day after its issue.
    """
    from .tasks import card_render_task, certificate_render_task, enqueue

    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    sent = 0
    stale_certificates = Certificate.objects.filter(render_state=RenderState.PENDING, issued_at__lt=cutoff)
    for pk in stale_certificates.values_list("pk", flat=True):
        sent += enqueue(certificate_render_task, pk)
    stale_cards = CraftsmanCard.objects.filter(
        render_state=RenderState.PENDING, issued_on__lt=timezone.localdate(cutoff)
    )
    for pk in stale_cards.values_list("pk", flat=True):
        sent += enqueue(card_render_task, pk)
    if sent:
        logger.info("re-sent %s stale document renders", sent)
    return sent


def certificates_issue_bulk(*, members, actor, purpose: str) -> tuple[list[Certificate], list[str]]:
    """Issue one certificate per member; each is its own transaction. Returns (issued, refusals)."""
    issued, refused = [], []
    for member in members:
        try:
            issued.append(
                certificate_issue(
                    member=member, actor=actor, purpose=purpose, channel=Certificate.Channel.BULK
                )
            )
        except DomainError as exc:
            refused.append(exc.message)
    return issued, refused


def certificate_revoke(*, certificate, actor, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason; verification then answers 已撤销."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写撤销原因。", code="reason_required")
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if Certificate.Status.REVOKED not in Certificate.TRANSITIONS[certificate.status]:
            raise ConflictError("该证明已撤销。", code="already_revoked")
        certificate.status = Certificate.Status.REVOKED
        certificate.revoked_reason = reason[:200]
        certificate.revoked_at = timezone.now()
        certificate.revoked_by = actor
        certificate.save(update_fields=["status", "revoked_reason", "revoked_at", "revoked_by"])
    return certificate


def verify_url(serial: str, code: str) -> str:
    from django.urls import reverse

    return f"{settings.SITE_URL.rstrip('/')}{reverse('members:verify', args=[serial])}?code={code}"


def qr_data_url(url: str) -> str:
    import io

    import segno

    # PNG, not SVG: WeasyPrint lays out an SVG QR code module by module (slow); a 1-bit
    # PNG is decoded once and scaled crisply (image-rendering: pixelated in the templates).
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=1)
    return documents.data_url(buffer.getvalue(), "image/png")


def _render_document(
    *, model, pk: int, template: str, context_for, folder: str, name_for, force: bool
) -> bool:
    """Render a certificate or card PDF once; safe to run again (a retry, a redelivery).

    The row is locked while rendering so two deliveries do not both write. The file is
    written to storage first, at a name derived from the serial (a leftover of a dead
    attempt is replaced, never duplicated), and only then is the field set, in one UPDATE:
    a row never points at a half-written file.
    """
    storage = model._meta.get_field("pdf").storage
    try:
        with transaction.atomic():
            obj = model.objects.select_for_update().get(pk=pk)
            if obj.is_ready and not force:
                return False
            content = documents.render_pdf(template, context_for(obj))
            name = f"{folder}/{obj.year}/{name_for(obj)}.pdf"
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(content))
            model.objects.filter(pk=pk).update(
                pdf=saved, render_state=RenderState.READY, render_error="", rendered_at=timezone.now()
            )
    except model.DoesNotExist:
        raise
    except Exception as exc:
        logger.exception("rendering %s %s failed", model.__name__, pk)
        model.objects.filter(pk=pk).update(render_state=RenderState.FAILED, render_error=str(exc)[:300])
        raise
    return True


def certificate_context(certificate) -> dict:
    url = verify_url(certificate.serial, certificate.verification_code)
    return {
        "certificate": certificate,
        "association_name": settings.ASSOCIATION_NAME,
        "issued_on": timezone.localdate(certificate.issued_at),
        "verify_url": url,
        "qr": qr_data_url(url),
    }


def certificate_render(*, certificate_id: int, force: bool = False) -> bool:
    """Render a certificate's PDF (idempotent: a ready certificate is left alone unless forced)."""
    return _render_document(
        model=Certificate, pk=certificate_id, template="members/pdf/certificate.html",
        context_for=certificate_context, folder="certificates", name_for=lambda c: c.serial, force=force,
    )  # fmt: skip


def craftsman_title(member) -> str | None:
    honor = Honor.objects.filter(member=member, kind=Honor.Kind.CRAFTSMAN).order_by("level", "-year").first()
    return honor.title if honor else None


def card_issue(*, member, actor, benefits=None, issued_on: datetime.date | None = None) -> CraftsmanCard:
    """Issue a 匠心卡 to a member holding a craftsman title (one active card per member)."""
    from .tasks import card_render_task

    _require_visible_member(member=member, actor=actor)
    title = craftsman_title(member)
    if title is None:
        raise DomainError(f"{member.name}没有工匠称号，不能发放匠心卡。", code="not_craftsman")
    if member.status != Member.Status.ACTIVE:
        raise DomainError(f"{member.name}不在册，不能发放匠心卡。", code="member_inactive")
    benefits = list(CraftsmanCard.Benefit.values if benefits is None else benefits)
    unknown = set(benefits) - set(CraftsmanCard.Benefit.values)
    if unknown:
        raise DomainError("未知的权益项目。", code="unknown_benefit")
    issued_on = issued_on or timezone.localdate()
    with transaction.atomic():
        Member.objects.select_for_update().filter(pk=member.pk).first()  # queue issuers of the same member
        if CraftsmanCard.objects.filter(member=member, status=CraftsmanCard.Status.ACTIVE).exists():
            raise ConflictError(f"{member.name}已有有效的匠心卡。", code="card_exists")
        sequence = document_next_number(series=CraftsmanCard.SERIES, year=issued_on.year)
        card = CraftsmanCard.objects.create(
            number=CraftsmanCard.format_number(issued_on.year, sequence),
            year=issued_on.year,
            sequence=sequence,
            member=member,
            holder_name=member.name,
            title=title,
            issued_on=issued_on,
            expires_on=issued_on.replace(year=issued_on.year + settings.CRAFTSMAN_CARD_VALID_YEARS)
            - datetime.timedelta(days=1),
            benefits=[b for b in CraftsmanCard.Benefit.values if b in benefits],
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        card.queued = None
        transaction.on_commit(lambda: _enqueue_render(card, card_render_task))
    return card


def card_revoke(*, card, actor, reason: str) -> CraftsmanCard:
    """Cancel a card (lost, title revoked…); verification then answers 已注销."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写注销原因。", code="reason_required")
    with transaction.atomic():
        card = CraftsmanCard.objects.select_for_update().get(pk=card.pk)
        if card.status == CraftsmanCard.Status.REVOKED:
            raise ConflictError("该匠心卡已注销。", code="already_revoked")
        card.status = CraftsmanCard.Status.REVOKED
        card.revoked_reason = reason[:200]
        card.save(update_fields=["status", "revoked_reason"])
    return card


def card_context(card) -> dict:
    url = verify_url(card.number, card.verification_code)
    return {
        "card": card,
        "association_name": settings.ASSOCIATION_NAME,
        "verify_url": url,
        "qr": qr_data_url(url),
    }


def card_render(*, card_id: int, force: bool = False) -> bool:
    """Render a card's PDF, front and back (idempotent like certificate_render)."""
    return _render_document(
        model=CraftsmanCard, pk=card_id, template="members/pdf/card.html",
        context_for=card_context, folder="cards", name_for=lambda c: c.number, force=force,
    )  # fmt: skip


# Member accounts: invitation, claim with an SMS code, password reset by SMS.


def member_invite(*, member, actor) -> str:
    """Create (or reuse) the member's login and return a one-time activation path.

    The link stops working once used: the token is bound to the password hash, which
    activation changes (Django's password-reset token mechanism).
    """
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .tokens import activation_token

    _require_visible_member(member=member, actor=actor)
    with transaction.atomic():
        user = _member_user(member)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("members:activate", args=[uid, activation_token.make_token(user)])


def _member_user(member):
    """The member's login, created without a usable password if missing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user_id:
        return member.user
    user = get_user_model().objects.create_user(username=f"m{member.pk:07d}", password=None)
    member.user = user
    member.save(update_fields=["user"])
    return user


def member_account_set_password(*, user, password: str) -> None:
    """Set a member's password after Django's validators (activation, claim, reset)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])


def member_claim_match(*, name: str, id_number: str, mobile: str):
    """The unclaimed member whose name, ID number and mobile all match, or None."""
    from .idcard import normalise

    member = (
        Member.objects.filter(id_number=normalise(id_number or ""), name=(name or "").strip())
        .exclude(mobile="")
        .first()
    )
    if member is None or member.mobile != (mobile or "").strip():
        return None
    if member.user_id and member.user.has_usable_password():
        return None
    return member


def member_claim_complete(*, member, password: str):
    """Create the member's login with the chosen password (after the SMS code checked out)."""
    with transaction.atomic():
        user = _member_user(member)
        if user.has_usable_password():
            raise ConflictError("该会员已开通账号，请直接登录或找回密码。", code="already_claimed")
        member_account_set_password(user=user, password=password)
    return user


# ----------------------------------------------------------------------------------------
# Transfers between branches (名单转移)
# ----------------------------------------------------------------------------------------


def _transfer_notify(transfer, subject, body, branch_id):
    from .notifications import notify_branch

    transaction.on_commit(lambda: notify_branch(branch_id=branch_id, subject=subject, body=body))


def _move_member(*, member, to_branch, actor, reason: str) -> None:
    from_branch = member.branch
    member.branch = to_branch
    member._change_reason = f"名单转移：{from_branch} → {to_branch}（{reason}）"[:100]
    member._history_user = actor
    member.save(update_fields=["branch", "updated_at"])


def member_transfer_request(*, member, to_branch, actor, reason: str):
    """A branch officer asks to move a member it can see to another branch; the receiving branch decides."""
    from .models import Branch, Transfer
    from .roles import user_scope

    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写转移理由。", code="transfer_reason")
    with transaction.atomic():
        member = Member.objects.visible_to(actor).select_for_update().filter(pk=member.pk).first()
        if member is None:
            raise DomainError("找不到该人员。", code="not_found")
        if user_scope(actor).is_empty:
            raise DomainError("您没有所属分会。", code="no_scope")
        if not Branch.objects.filter(pk=to_branch.pk, active=True).exists():
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
    from django.utils import timezone

    from .models import Transfer
    from .roles import is_association_staff, officer_branch_id

    transfer = Transfer.objects.visible_to(actor).select_for_update().filter(pk=transfer.pk).first()
    if transfer is None:
        raise DomainError("找不到该转移申请。", code="not_found")
    if not transfer.can_become(status):
        raise ConflictError(f"该申请已{transfer.get_status_display()}，不能再处理。", code="transfer_state")
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
    from .models import Member as MemberModel
    from .models import Transfer

    with transaction.atomic():
        transfer = _decide(transfer=transfer, actor=actor, status=Transfer.Status.ACCEPTED, note=note)
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
    from .models import Transfer

    with transaction.atomic():
        transfer = _decide(transfer=transfer, actor=actor, status=Transfer.Status.REJECTED, note=note)
    _transfer_notify(
        transfer, "名单转移被拒绝", f"{transfer.to_branch}拒绝接收{transfer.member.name}：{note or '未说明'}。",
        transfer.from_branch_id,
    )  # fmt: skip
    return transfer


def transfer_cancel(*, transfer, actor):
    """The sending branch withdraws its pending request."""
    from .models import Transfer

    with transaction.atomic():
        return _decide(transfer=transfer, actor=actor, status=Transfer.Status.CANCELLED, note="")


def member_transfer(*, member, to_branch, actor, reason: str):
    """Association staff move a member directly; recorded as a transfer and in the member's history."""
    from django.utils import timezone

    from .models import Branch, Transfer
    from .roles import is_association_staff

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


# ----------------------------------------------------------------------------------------
# Scanned registration forms (登记表)
# ----------------------------------------------------------------------------------------


def registration_scan_add(*, member, upload, actor, note: str = ""):
    """Attach one scan to a member the actor can see; the type is checked from the content."""
    from django.core.exceptions import ValidationError

    from .models import RegistrationScan
    from .uploads import validate_upload

    if not Member.objects.visible_to(actor).filter(pk=member.pk).exists():
        raise DomainError("找不到该人员。", code="not_found")
    try:
        kind = validate_upload(upload)
    except ValidationError as exc:
        raise DomainError(exc.messages[0], code="scan_invalid") from None
    scan = RegistrationScan(
        member=member, kind=kind, original_name=(getattr(upload, "name", "") or "")[-200:],
        size=upload.size, note=note, uploaded_by=actor,
    )  # fmt: skip
    scan.file.save(f"{kind}", upload, save=False)
    scan.save()
    return scan


def registration_scans_from_zip(*, archive, actor) -> dict:
    """Attach every file of a .zip whose name holds the ID number of a member the actor can see.

    Returns a report: ``matched`` (file, member name), ``unmatched`` (files whose number is
    missing or not in the actor's registry), ``rejected`` (file, reason). A zip bomb or a
    path escaping the archive refuses the whole archive (DomainError), attaching nothing.
    """
    from .scanzip import scan_zip_entries

    entries = scan_zip_entries(archive)
    ids = {entry.id_number for entry in entries if entry.id_number}
    members = {m.id_number: m for m in Member.objects.visible_to(actor).filter(id_number__in=ids)}
    report = {"matched": [], "unmatched": [], "rejected": []}
    with transaction.atomic():
        for entry in entries:
            if entry.error:
                report["rejected"].append({"file": entry.name, "reason": entry.error})
                continue
            member = members.get(entry.id_number)
            if member is None:
                report["unmatched"].append({"file": entry.name})
                continue
            try:
                registration_scan_add(member=member, upload=entry.upload(), actor=actor, note="批量上传")
            except DomainError as exc:
                report["rejected"].append({"file": entry.name, "reason": exc.message})
                continue
            report["matched"].append({"file": entry.name, "member": member.name})
    return report


# ----------------------------------------------------------------------------------------
# Imports (the engine lives in members/importing/)
# ----------------------------------------------------------------------------------------

from .importing.jobs import (  # noqa: E402, F401 - the import's services, re-exported
    member_import_confirm,
    member_import_execute,
    member_import_start,
    member_import_validate,
)
