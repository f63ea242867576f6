"""Public verification of certificates and cards: one answer for everything that fails."""

import hmac
from dataclasses import dataclass

from django.utils import timezone

from .models import Certificate, CraftsmanCard


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
    if certificate:
        state = "valid" if certificate.status == Certificate.Status.VALID else "revoked"
        items = tuple(f"{h['year']}年 {h['title']}（{h['level']}）" for h in certificate.honors_snapshot)
        return Verification(
            state=state, kind="劳模证明", holder=mask_name(certificate.holder_name), items=items,
            issued_on=timezone.localdate(certificate.issued_at), serial=certificate.serial,
        )  # fmt: skip
    if card.status == CraftsmanCard.Status.REVOKED:
        state = "revoked"
    else:
        state = "expired" if card.is_expired(timezone.localdate()) else "valid"
    return Verification(
        state=state, kind="匠心卡", holder=mask_name(card.holder_name), items=(card.title, *card.benefit_labels()),
        issued_on=card.issued_on, expires_on=card.expires_on, serial=card.number,
    )  # fmt: skip
