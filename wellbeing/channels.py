"""Greeting channels behind one interface: SMS, e-mail and the cake-delivery list.

Each channel says who receives a member's greeting (``recipient``) and delivers one
rendered text (``deliver``), raising ``DeliveryError`` when the provider fails so the
caller can record the failure and retry later. SMS and e-mail go through
``core.notifications`` (the one notification interface); the cake channel puts the
member on the day's delivery list of the branch, which staff print or export.
"""

import smtplib
from dataclasses import dataclass

from core.notifications import SmsError, send_email, send_sms

from .models.greetings import Greeting, GreetingChannel


class DeliveryError(Exception):
    """The provider could not take the message; the greeting is retried with back-off."""


@dataclass(frozen=True)
class Delivery:
    status: str
    message_id: str = ""
    provider_status: str = ""


class Channel:
    """The interface every greeting channel implements."""

    code: str = ""
    # Hands the message to an outside system (a gateway, a mail server): once handed over it
    # cannot be taken back, so an interrupted send is checked by a person, never repeated.
    external: bool = True

    def recipient(self, member) -> str | None:
        """Where the greeting goes, or None when the member cannot be reached this way."""
        raise NotImplementedError

    def deliver(self, *, member, recipient: str, subject: str, text: str) -> Delivery:
        raise NotImplementedError


class SmsChannel(Channel):
    code = GreetingChannel.SMS

    def recipient(self, member):
        return member.mobile or None

    def deliver(self, *, member, recipient, subject, text):
        try:
            result = send_sms(mobile=recipient, text=text)
        except SmsError as exc:
            raise DeliveryError(str(exc)) from exc
        return Delivery(
            status=Greeting.Status.SENT, message_id=result.message_id, provider_status=result.status
        )


class EmailChannel(Channel):
    code = GreetingChannel.EMAIL

    def recipient(self, member):
        user = member.user
        return (user.email or None) if user is not None else None

    def deliver(self, *, member, recipient, subject, text):
        try:
            send_email(to=[recipient], subject=subject, body=text)
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"邮件发送失败：{exc}") from exc
        return Delivery(status=Greeting.Status.SENT, provider_status="accepted")


class CakeChannel(Channel):
    """The member goes on the branch's cake-delivery list of the day; staff mark it delivered."""

    code = GreetingChannel.CAKE
    external = False

    def recipient(self, member):
        return member.branch.name

    def deliver(self, *, member, recipient, subject, text):
        return Delivery(status=Greeting.Status.LISTED)


CHANNELS: dict[str, Channel] = {c.code: c for c in (SmsChannel(), EmailChannel(), CakeChannel())}


def get_channel(code: str) -> Channel:
    return CHANNELS[code]
