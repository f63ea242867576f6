"""A staff member's own authenticators (TOTP): enrol with a QR code, confirm, remove.

Used by the 两步验证 page (each staff member, for themselves) and by the staff invitation page
(a new login whose policy requires a second factor enrols before it can sign in). Whether a
user must keep one is ``core.second_factor.second_factor_mandatory``.
"""

import base64

import segno
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.errors import DomainError
from core.second_factor import second_factor_mandatory

PENDING_NAME = "待确认的验证器"
DEFAULT_NAME = "手机验证器"
LAST_DEVICE_KEPT = (
    "您的账号必须使用两步验证，不能移除唯一的验证器。请先添加新的验证器（例如换了手机时），再移除旧的。"
)
WRONG_CODE = "验证码不正确或已过期，请核对手机上验证器显示的6位数字后重试。"


def authenticator_pending_existing(user) -> TOTPDevice | None:
    """The user's unconfirmed authenticator if one was started; creates nothing (for GET)."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()


def authenticator_pending(user) -> TOTPDevice:
    """The user's unconfirmed authenticator (created once, reused until confirmed)."""
    device = authenticator_pending_existing(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=PENDING_NAME, confirmed=False)
    return device


def authenticator_confirmed(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk"))


def secret_text(device: TOTPDevice) -> str:
    """The secret as an authenticator app asks for it by hand: base32, in groups of 4."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI of the device as an inline SVG QR code (no file, no external URL)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, dark="#111")


def clean_code(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isdigit())[:6]


def authenticator_confirm(*, user, device: TOTPDevice, code: str, name: str = "") -> TOTPDevice:
    """Confirm a pending device of ``user`` with the code it shows; raise DomainError otherwise."""
    if device.user_id != user.pk or device.confirmed:
        raise DomainError("这个验证器不能在此确认，请刷新页面重试。", code="not_pending")
    code = clean_code(code)
    if len(code) != 6 or not device.verify_token(code):
        raise DomainError(WRONG_CODE, code="wrong_code")
    device.confirmed = True
    device.name = (name or "").strip()[:64] or DEFAULT_NAME
    device.save(update_fields=["confirmed", "name"])
    return device


def authenticator_remove(*, user, device_id) -> None:
    """Remove one of the user's own confirmed devices, keeping the last one where policy needs it."""
    with transaction.atomic():
        devices = list(TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True))
        device = next((d for d in devices if str(d.pk) == str(device_id)), None)
        if device is None:
            raise DomainError("没有找到这个验证器。", code="missing")
        if len(devices) == 1 and second_factor_mandatory(user):
            raise DomainError(LAST_DEVICE_KEPT, code="last_device")
        device.delete()
