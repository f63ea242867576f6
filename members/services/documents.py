"""Certificates (劳模证明) and craftsman cards (匠心卡): issue, render, revoke."""

import dataclasses
import datetime
import io
import logging
import re
import zipfile

import segno
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import documents, signing
from core.dates import years_after
from core.errors import ConflictError, DomainError
from core.idcard import mask_id_for_document
from core.states import can_transition
from core.tasks import portal_task

from ..models import Certificate, CraftsmanCard, DocumentCounter, Honor, Member, RenderState
from ..verification import CARD_KIND, CERTIFICATE_KIND
from .registry import require_visible_member
from .seals import require_seal, seal_data_url

CERTIFICATE_RENDER = "members.tasks.certificate_render_task"
CARD_RENDER = "members.tasks.card_render_task"
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


def certificate_issue(
    *, member, actor, purpose: str, honors=None, channel=Certificate.Channel.ADMIN
) -> Certificate:
    """Issue one certificate of ``member``'s honours (all of them unless ``honors`` is given).

    Staff and officers issue for members they can see; a member (channel SELF) only for
    themself. The PDF is rendered in Celery after commit.
    """
    purpose = (purpose or "").strip()
    if not purpose:
        raise DomainError("请填写证明用途。", code="purpose_required")
    if len(purpose) > 100:
        raise DomainError("证明用途不能超过100字。", code="purpose_too_long")
    if channel == Certificate.Channel.SELF:
        if getattr(member, "user_id", None) is None or member.user_id != getattr(actor, "pk", None):
            raise DomainError("只能为本人申请证明。", code="forbidden")
    else:
        require_visible_member(member=member, actor=actor)
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
    printed = [("姓名", member.name), ("证明用途", purpose)] + [("荣誉称号", h.title) for h in chosen]
    for label, text in printed:  # a box instead of a character is no certificate
        documents.require_printable(text, label=label)
    require_seal()
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
            holder_masked_id=mask_id_for_document(member.id_number),
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
        transaction.on_commit(lambda: _enqueue_render(certificate, portal_task(CERTIFICATE_RENDER)))
    return certificate


def _enqueue_render(document, task) -> None:
    # Guarded (core.tasks.PortalTask): when the broker is down the document stays 生成中 and
    # documents_requeue_stale_task picks it up once the broker is back.
    document.queued = task.enqueue(document.pk)


def documents_requeue_stale(*, minutes: int) -> int:
    """Re-send the render of every certificate and card still 生成中 after ``minutes``.

    Rendering is idempotent (a ready document is skipped under a row lock), so a document
    whose first message is merely slow is not rendered twice. Cards carry only an issue
    date, so a pending card is re-sent from the day after its issue.
    """
    cutoff = timezone.now() - datetime.timedelta(minutes=minutes)
    sent = 0
    stale_certificates = Certificate.objects.filter(render_state=RenderState.PENDING, issued_at__lt=cutoff)
    for pk in stale_certificates.values_list("pk", flat=True):
        sent += portal_task(CERTIFICATE_RENDER).enqueue(pk)
    stale_cards = CraftsmanCard.objects.filter(
        render_state=RenderState.PENDING, issued_on__lt=timezone.localdate(cutoff)
    )
    for pk in stale_cards.values_list("pk", flat=True):
        sent += portal_task(CARD_RENDER).enqueue(pk)
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


def _revoke(document, reason: str, *, reason_required: str, already_revoked: str, **stamps):
    """Revoke a certificate or card with a reason, under a row lock so that two revocations
    cannot both pass the transition check; ``stamps`` are further fields to set (who, when)."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(reason_required, code="reason_required")
    model = type(document)
    with transaction.atomic():
        document = model.objects.select_for_update().get(pk=document.pk)
        if not can_transition(document, model.Status.REVOKED):
            raise ConflictError(already_revoked, code="already_revoked")
        document.status = model.Status.REVOKED
        document.revoked_reason = reason[:200]
        for field, value in stamps.items():
            setattr(document, field, value)
        document.save(update_fields=["status", "revoked_reason", *stamps])
    return document


def certificate_revoke(*, certificate, actor, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason; verification then answers 已撤销."""
    return _revoke(
        certificate, reason, reason_required="请填写撤销原因。", already_revoked="该证明已撤销。",
        revoked_at=timezone.now(), revoked_by=actor,
    )  # fmt: skip


def verify_url(serial: str, code: str) -> str:
    return f"{settings.SITE_URL.rstrip('/')}{reverse('members:verify', args=[serial])}?code={code}"


def qr_data_url(url: str) -> str:
    # PNG, not SVG: WeasyPrint lays out an SVG QR code module by module (slow); a 1-bit
    # PNG is decoded once and scaled crisply (image-rendering: pixelated in the templates).
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=4, border=1)
    return documents.data_url(buffer.getvalue(), "image/png")


def _render_document(
    *, model, pk: int, template: str, context_for, folder: str, name_for, kind: str, force: bool
) -> bool:
    """Render a certificate or card PDF once; safe to run again (a retry, a redelivery).

    The PDF carries the association's digital signature (core/signing.py), whose reason names
    ``kind`` and the serial or number: /verify/file/ reads it back.

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
            # Signed before anything is stored: without the key (SigningNotConfigured) the
            # render fails with its Chinese message and no unsigned file is kept (below).
            content = signing.sign_pdf(content, reason=signing.signing_reason(kind, name_for(obj)))
            name = f"{folder}/{obj.year}/{name_for(obj)}.pdf"
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(content))
            model.objects.filter(pk=pk).update(
                pdf=saved, render_state=RenderState.READY, render_error="", rendered_at=timezone.now()
            )
    except model.DoesNotExist:
        raise
    except (*signing.SIGNING_REFUSALS, DomainError) as exc:
        # No usable key, a document the signature cannot name, the seal's file gone: the operator
        # must act, a retry cannot help, and a request that renders eagerly (development, the admin's 重新生成)
        # must not fail with it. The document shows 生成失败 with the reason.
        logger.error("rendering %s %s: not signed: %s", model.__name__, pk, exc)
        model.objects.filter(pk=pk).update(render_state=RenderState.FAILED, render_error=str(exc)[:300])
        return False
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
        "seal": seal_data_url(),
    }


def certificate_render(*, certificate_id: int, force: bool = False) -> bool:
    """Render a certificate's PDF (idempotent: a ready certificate is left alone unless forced)."""
    return _render_document(
        model=Certificate, pk=certificate_id, template="members/pdf/certificate.html",
        context_for=certificate_context, folder="certificates", name_for=lambda c: c.serial,
        kind=CERTIFICATE_KIND, force=force,
    )  # fmt: skip


def craftsman_title(member) -> str | None:
    honor = Honor.objects.filter(member=member, kind=Honor.Kind.CRAFTSMAN).order_by("level", "-year").first()
    return honor.title if honor else None


def card_issue(*, member, actor, benefits=None, issued_on: datetime.date | None = None) -> CraftsmanCard:
    """Issue a 匠心卡 to a member holding a craftsman title (one active card per member)."""
    require_visible_member(member=member, actor=actor)
    title = craftsman_title(member)
    if title is None:
        raise DomainError(f"{member.name}没有工匠称号，不能发放匠心卡。", code="not_craftsman")
    if member.status != Member.Status.ACTIVE:
        raise DomainError(f"{member.name}不在册，不能发放匠心卡。", code="member_inactive")
    benefits = list(CraftsmanCard.Benefit.values if benefits is None else benefits)
    unknown = set(benefits) - set(CraftsmanCard.Benefit.values)
    if unknown:
        raise DomainError("未知的权益项目。", code="unknown_benefit")
    for label, text in (("姓名", member.name), ("工匠称号", title)):
        documents.require_printable(text, label=label, document="匠心卡")
    issued_on = issued_on or timezone.localdate()
    require_seal()
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
            expires_on=years_after(issued_on, settings.CRAFTSMAN_CARD_VALID_YEARS)
            - datetime.timedelta(days=1),
            benefits=[b for b in CraftsmanCard.Benefit.values if b in benefits],
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        card.queued = None
        transaction.on_commit(lambda: _enqueue_render(card, portal_task(CARD_RENDER)))
    return card


def card_revoke(*, card, actor, reason: str) -> CraftsmanCard:
    """Cancel a card (lost, title revoked…); verification then answers 已注销."""
    return _revoke(card, reason, reason_required="请填写注销原因。", already_revoked="该匠心卡已注销。")


def card_context(card) -> dict:
    url = verify_url(card.number, card.verification_code)
    return {
        "card": card,
        "association_name": settings.ASSOCIATION_NAME,
        "verify_url": url,
        "qr": qr_data_url(url),
        "seal": seal_data_url(),
    }


def card_render(*, card_id: int, force: bool = False) -> bool:
    """Render a card's PDF, front and back (idempotent like certificate_render)."""
    return _render_document(
        model=CraftsmanCard, pk=card_id, template="members/pdf/card.html",
        context_for=card_context, folder="cards", name_for=lambda c: c.number, kind=CARD_KIND, force=force,
    )  # fmt: skip


# One batch download holds at most this many certificates. Measured at 500 (30 KB a certificate):
# merging takes about 5 s of CPU and 160 MB at peak, the file is 16 MB; the zip 0.6 s, 15 MB.
# Both are written to a spooled temporary file (memory up to 32 MB, then disk).
CERTIFICATE_BATCH_LIMIT = 500
UNSAFE_IN_FILE_NAME = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


@dataclasses.dataclass
class CertificateBatch:
    """Selected certificates sorted by serial, split by what a batch download can include."""

    certificates: list

    @property
    def revoked(self) -> list:
        return [c for c in self.certificates if c.status == Certificate.Status.REVOKED]

    @property
    def valid(self) -> list:
        return [c for c in self.certificates if c.status != Certificate.Status.REVOKED]

    @property
    def ready(self) -> list:
        """What the files contain: valid certificates whose PDF is stored."""
        return [c for c in self.valid if c.is_ready]

    @property
    def pending(self) -> list:
        return [c for c in self.valid if c.render_state == RenderState.PENDING]

    @property
    def failed(self) -> list:
        return [c for c in self.valid if not c.is_ready and c.render_state != RenderState.PENDING]

    @property
    def downloadable(self) -> bool:
        """Everything valid is rendered (or failed for good): nothing is still to wait for."""
        return bool(self.ready) and not self.pending


def certificate_batch(certificates) -> CertificateBatch:
    """A batch of certificates the caller already scoped; revoked ones are never in the files."""
    return CertificateBatch(sorted(certificates, key=lambda c: (c.year, c.number)))


def certificate_file_name(certificate) -> str:
    """``HZLM-2026-000123-张三.pdf``: serial first, so a folder sorts in issue order."""
    name = UNSAFE_IN_FILE_NAME.sub("_", certificate.holder_name).strip(" .") or "持证人"
    return f"{certificate.serial}-{name}.pdf"


def certificates_zip(batch: CertificateBatch, out) -> int:
    """Write the ready certificates' stored PDFs into ``out`` as a zip; returns the count."""
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for certificate in batch.ready:
            with certificate.pdf.open("rb") as source:
                archive.writestr(certificate_file_name(certificate), source.read())
    return len(batch.ready)


def certificates_merged_pdf(batch: CertificateBatch, out) -> int:
    """Write the ready certificates' stored PDFs, in serial order, into ``out`` as one PDF.

    The stored files are copied page by page, not rendered again, so the print is exactly
    what was issued. Returns the number of pages.
    """
    return documents.merge_pdfs((c.pdf.open("rb") for c in batch.ready), out)
