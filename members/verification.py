"""Public verification of certificates and cards: one answer for everything that fails.

Two ways in, one display: the serial with its printed code (``verify_document``), or the PDF
itself, whose signature names the document (``verify_file``). Both show what
``verification_of`` shows for the document found, and nothing more.
"""

import hmac
from dataclasses import dataclass

from django.utils import timezone

from core import signing

from .models import Certificate, CraftsmanCard

# The document kinds as the signature's reason (core.signing.signing_reason) and the page name them.
CERTIFICATE_KIND = "劳模证明"
CARD_KIND = "匠心卡"


def mask_name(name: str) -> str:
    """王** / 欧阳**: the surname (first character) and stars; PIPL Art. 55 on a public page."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


@dataclass(frozen=True)
class Verification:
    state: str  # "valid", "revoked", "expired", "unverifiable"
    kind: str = ""
    holder: str = ""
    items: tuple = ()
    issued_on: object = None
    expires_on: object = None
    serial: str = ""

    @property
    def label(self) -> str:
        return {"valid": "有效", "revoked": "已撤销", "expired": "已过期"}.get(self.state, "无法验证")


UNVERIFIABLE = Verification(state="unverifiable")


def verification_of(document) -> Verification:
    """What the public page shows of a certificate or card that was found: state, kind, masked
    holder, honours or title and benefits, dates. The one display of both ways in."""
    if isinstance(document, Certificate):
        state = "valid" if document.status == Certificate.Status.VALID else "revoked"
        items = tuple(f"{h['year']}年 {h['title']}（{h['level']}）" for h in document.honors_snapshot)
        return Verification(
            state=state, kind=CERTIFICATE_KIND, holder=mask_name(document.holder_name), items=items,
            issued_on=timezone.localdate(document.issued_at), serial=document.serial,
        )  # fmt: skip
    if document.status == CraftsmanCard.Status.REVOKED:
        state = "revoked"
    else:
        state = "expired" if document.is_expired(timezone.localdate()) else "valid"
    return Verification(
        state=state, kind=CARD_KIND, holder=mask_name(document.holder_name),
        items=(document.title, *document.benefit_labels()),
        issued_on=document.issued_on, expires_on=document.expires_on, serial=document.number,
    )  # fmt: skip


def verify_document(serial: str, code: str | None) -> Verification:
    """Check a serial with its code. Unknown serial, wrong or missing code: the same answer."""
    serial = (serial or "").strip().upper()[:30]
    code = (code or "").strip().upper()
    # Both lookups always run, so a hit and a miss cost the same number of queries.
    certificate = Certificate.objects.filter(serial=serial).first()
    card = CraftsmanCard.objects.filter(number=serial).first()
    card = None if certificate else card
    document = certificate or card
    # Compare against a dummy when the serial is unknown, so both paths do the same work.
    expected = document.verification_code if document else "-" * 12
    if not code or not hmac.compare_digest(expected.encode(), code.encode()) or document is None:
        return UNVERIFIABLE
    return verification_of(document)


# The answers to an uploaded file that names no document we can show.
FILE_LABELS = {
    signing.UNREADABLE: "无法读取",
    signing.UNSIGNED: "未签名",
    signing.CHANGED: "文件已被改动",
    signing.FOREIGN: "非本会签发",
    signing.UNIDENTIFIED: "无法验证",
}


@dataclass(frozen=True)
class FileVerification:
    """The answer to an uploaded PDF: the signature's verdict, and for a genuine file the
    document it names, shown as ``verification_of`` shows it."""

    verdict: str  # core.signing: genuine, changed, foreign, unsigned, unreadable, unidentified
    document: Verification | None = None

    @property
    def state(self) -> str:
        """valid / revoked / expired for a genuine file of a known document, else the verdict."""
        return self.document.state if self.document else self.verdict

    @property
    def label(self) -> str:
        if self.document:
            return {"valid": "真实有效", "revoked": "已撤销", "expired": "已过期"}[self.document.state]
        return FILE_LABELS.get(self.verdict, "无法验证")


def document_named(kind: str, identifier: str):
    """The certificate or card a genuine signature names (kind and serial must agree), or None."""
    if kind == CERTIFICATE_KIND:
        return Certificate.objects.filter(serial=identifier).first()
    if kind == CARD_KIND:
        return CraftsmanCard.objects.filter(number=identifier).first()
    return None


def verify_file(content: bytes) -> FileVerification:
    """Check an uploaded PDF: its signature (core.signing.inspect_pdf), then the document it names."""
    report = signing.inspect_pdf(content)
    verdict = report.verdict
    if verdict != signing.GENUINE:
        return FileVerification(verdict=verdict)
    document = document_named(report.kind, report.identifier)
    if document is None:
        return FileVerification(verdict=signing.UNIDENTIFIED)
    return FileVerification(verdict=verdict, document=verification_of(document))
