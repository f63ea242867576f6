"""The one notification interface: SMS (pluggable backend), e-mail, and messages to a branch.

Backends are chosen in settings (``SMS_BACKEND``). ``LocmemSmsBackend`` keeps messages in
``outbox`` (tests, development); ``HttpGatewaySmsBackend`` posts to an HTTP gateway.
"""

import hashlib
import hmac
import http.client
import json
import logging
import time
import urllib.request
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core.idcard import mask_phone

logger = logging.getLogger(__name__)


class SmsError(Exception):
    """The gateway refused or could not be reached; callers decide about retries."""


@dataclass(frozen=True)
class SmsResult:
    message_id: str
    status: str = "sent"


class LocmemSmsBackend:
    """Keeps messages in memory and logs them (phone masked). Development and tests."""

    outbox: list[dict] = []

    def send(self, *, mobile: str, text: str) -> SmsResult:
        message_id = uuid.uuid4().hex
        type(self).outbox.append({"mobile": mobile, "text": text, "message_id": message_id})
        logger.info("SMS to %s: %s", mask_phone(mobile), text)
        return SmsResult(message_id=message_id)


class HttpGatewaySmsBackend:
    """POST JSON to ``SMS_GATEWAY_URL``, signed with HMAC-SHA256 of the body (``SMS_GATEWAY_KEY``).

    The body carries the signature (``SMS_SIGNATURE``) and, when set, the gateway's registered
    template code (``SMS_GATEWAY_TEMPLATE``).
    """

    def send(self, *, mobile: str, text: str) -> SmsResult:
        payload = {
            "mobile": mobile,
            "sign": settings.SMS_SIGNATURE,
            "text": text,
            "timestamp": int(time.time()),
        }
        template = getattr(settings, "SMS_GATEWAY_TEMPLATE", "")
        if template:
            payload["template"] = template
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        signature = hmac.new(settings.SMS_GATEWAY_KEY.encode(), body, hashlib.sha256).hexdigest()
        request = urllib.request.Request(
            settings.SMS_GATEWAY_URL,
            data=body,
            headers={"Content-Type": "application/json; charset=utf-8", "X-Signature": signature},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=settings.SMS_GATEWAY_TIMEOUT) as response:
                payload = json.loads(response.read().decode("utf-8") or "{}")
        except (OSError, http.client.HTTPException, ValueError) as exc:  # URLError, timeouts, resets
            raise SmsError(f"短信网关不可用：{exc}") from exc
        if payload.get("code", 0) != 0:
            raise SmsError(f"短信网关拒绝：{payload.get('message', payload)}")
        return SmsResult(message_id=str(payload.get("message_id", "")), status=payload.get("status", "sent"))


def sms_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, mobile: str, text: str) -> SmsResult:
    """Send one SMS through the configured backend; raises SmsError on failure."""
    return sms_backend().send(mobile=mobile, text=text)


def send_email(*, to: list[str], subject: str, body: str) -> int:
    """Send one plain-text e-mail."""
    return send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)


def notify_branch(*, branch_id: int, subject: str, body: str) -> int:
    """Tell a branch's officers something (e-mail to every active officer with an address)."""
    emails = list(
        get_user_model()
        .objects.filter(officer_profile__branch_id=branch_id, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    logger.info("notify branch %s: %s (%d recipients)", branch_id, subject, len(emails))
    if not emails:
        return 0
    return send_email(to=emails, subject=subject, body=body)
