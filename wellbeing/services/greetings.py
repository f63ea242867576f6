"""Write path of birthday greetings: claim a Greeting row, then send, then record the outcome.

Exactly once is a database decision: the row unique per (member, year, channel) is
inserted and committed *before* the provider is called. Whoever inserts it sends; a
second run, a second worker or a redelivered task finds the row and sends nothing. A
failed send is retried later by a conditional UPDATE (failed → sending) that only one
process can win. A worker killed after the claim leaves the row in 发送中; once it is older
than ``GREETING_STALE_AFTER_SECONDS``, ``greetings_recover_interrupted`` decides by
``dispatched_at`` (committed just before an external gateway is called): a greeting that
never reached the gateway is re-sent, once, by whichever process wins the conditional
update; one that may have reached it is never re-sent (that could greet twice) but marked
结果未知 for a person to check, and the branch's officers are told.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.errors import DomainError
from core.notifications import notify_branch
from members.models import Member

from ..birthdays import lunar_birthdays, solar_birthdays, to_lunar
from ..channels import DeliveryError, get_channel
from ..models.greetings import (
    PLACEHOLDER,
    BirthdayCalendar,
    BirthdayPreference,
    Greeting,
    GreetingSettings,
    GreetingTemplate,
)

logger = logging.getLogger(__name__)


@dataclass
class GreetingRun:
    """What one run of the daily job did."""

    day: datetime.date
    members: int = 0
    claimed: int = 0
    already_done: int = 0
    recovered: int = 0  # interrupted greetings of earlier runs, resent or marked 结果未知
    by_status: dict = field(default_factory=dict)

    def count(self, status):
        self.by_status[status] = self.by_status.get(status, 0) + 1


def retry_delay(attempts: int) -> datetime.timedelta:
    """Exponential back-off after the n-th failed attempt: base, 2×base, 4×base…"""
    base = getattr(settings, "GREETING_RETRY_BASE_SECONDS", 300)
    return datetime.timedelta(seconds=base * 2 ** max(attempts - 1, 0))


def render_greeting(text: str, member) -> str:
    """Fill the placeholders of a template for one member (only the known ones; others stay as typed)."""
    honor = getattr(member, "highest_honor_title", None)
    if honor is None:
        best = member.honors.order_by("level", "-year", "pk").first()
        honor = best.title if best else ""
    values = {
        "name": member.name,
        "honor": honor or "劳模工匠",
        "age": str(member.age or ""),
        "association": settings.ASSOCIATION_NAME,
    }
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def greeting_claim(*, member, year: int, channel: str, calendar: str, day: datetime.date) -> Greeting | None:
    """Insert the (member, year, channel) row; return it when this caller inserted it, else None."""
    with transaction.atomic():
        greeting, created = Greeting.objects.get_or_create(
            member=member,
            year=year,
            channel=channel,
            defaults={
                "calendar": calendar,
                "birthday": day,
                "status": Greeting.Status.SENDING,
                "attempts": 1,
                "sending_since": timezone.now(),
            },
        )
    return greeting if created else None


def greeting_deliver(*, greeting: Greeting, member, now=None) -> Greeting:
    """Send a claimed greeting through its channel and store the outcome (id, status or failure)."""
    now = now or timezone.now()
    channel = get_channel(greeting.channel)
    template = GreetingTemplate.for_channel(greeting.channel)
    text = render_greeting(template.body, member)
    subject = render_greeting(template.subject, member)
    greeting.text = text
    recipient = channel.recipient(member)
    if recipient is None:
        greeting.status = Greeting.Status.SKIPPED
        greeting.last_error = "无此渠道的联系方式"
    else:
        if channel.external:
            # Committed before the gateway is called: if this process dies now, recovery knows
            # the message may have gone out and asks a person instead of sending it twice.
            greeting.dispatched_at = timezone.now()
            Greeting.objects.filter(pk=greeting.pk).update(dispatched_at=greeting.dispatched_at)
        try:
            delivery = channel.deliver(member=member, recipient=recipient, subject=subject, text=text)
        except DeliveryError as exc:
            max_attempts = getattr(settings, "GREETING_MAX_ATTEMPTS", 5)
            greeting.last_error = str(exc)[:500]
            if greeting.attempts >= max_attempts:
                greeting.status = Greeting.Status.GAVE_UP
                greeting.next_attempt_at = None
            else:
                greeting.status = Greeting.Status.FAILED
                greeting.next_attempt_at = now + retry_delay(greeting.attempts)
            logger.warning("greeting %s failed (attempt %s): %s", greeting.pk, greeting.attempts, exc)
        else:
            greeting.status = delivery.status
            greeting.provider_message_id = delivery.message_id[:100]
            greeting.provider_status = delivery.provider_status[:50]
            greeting.last_error = ""
            greeting.next_attempt_at = None
            greeting.sent_at = now
    greeting.save()
    return greeting


def birthday_greetings_send(*, day: datetime.date, now=None) -> GreetingRun:
    """The daily job: greet every member whose (solar or lunar) birthday is ``day``, once per channel.

    One member's failure is recorded on that member's row and never stops the others.
    """
    run = GreetingRun(day=day)
    config = GreetingSettings.load()
    if not config.enabled:
        return run
    categories = config.member_categories()
    lunar_members, lunar_year = lunar_birthdays(day, categories)
    batches = [
        (solar_birthdays(day, categories), day.year, BirthdayCalendar.SOLAR),
        (lunar_members, lunar_year, BirthdayCalendar.LUNAR),
    ]
    for members, year, calendar in batches:
        members = members.select_related("branch", "user").with_highest_honor().order_by("pk")
        for member in members:
            run.members += 1
            for channel in config.channels:
                greeting = greeting_claim(
                    member=member, year=year, channel=channel, calendar=calendar, day=day
                )
                if greeting is None:
                    run.already_done += 1
                    continue
                run.claimed += 1
                run.count(greeting_deliver(greeting=greeting, member=member, now=now).status)
    run.recovered = greetings_recover_interrupted(now=now)
    logger.info("birthday greetings %s: %s", day, run)
    return run


def greetings_retry_due(*, now=None) -> int:
    """Retry failed greetings whose back-off has elapsed; each is claimed by one process only."""
    now = now or timezone.now()
    retried = 0
    for pk in list(Greeting.objects.retry_due(now).values_list("pk", flat=True)[:500]):
        claimed = Greeting.objects.filter(
            pk=pk, status=Greeting.Status.FAILED, next_attempt_at__lte=now
        ).update(
            status=Greeting.Status.SENDING,
            attempts=F("attempts") + 1,
            sending_since=timezone.now(),
            dispatched_at=None,
        )
        if not claimed:
            continue  # another worker took it
        greeting = Greeting.objects.select_related("member__branch", "member__user").get(pk=pk)
        member = (
            Member.objects.with_highest_honor().select_related("branch", "user").get(pk=greeting.member_id)
        )
        greeting_deliver(greeting=greeting, member=member, now=now)
        retried += 1
    return retried + greetings_recover_interrupted(now=now)


INTERRUPTED = "发送过程中断，网关可能已收到该短信或邮件；请向本人或网关核实后标记为已发送或已放弃。"


def greetings_recover_interrupted(*, now=None) -> int:
    """Greetings left in 发送中 by a process that died (a killed worker, a lost machine).

    A row still 发送中 after ``GREETING_STALE_AFTER_SECONDS`` belongs to no live process. If it
    never reached the gateway (no ``dispatched_at``) it is sent now, claimed by one process
    through a conditional update. If it had reached the gateway, the message may have gone out:
    it becomes 结果未知 for a person to check, because sending again could greet twice.
    Returns the number of greetings sent or marked.
    """
    now = now or timezone.now()
    cutoff = timezone.now() - datetime.timedelta(seconds=settings.GREETING_STALE_AFTER_SECONDS)
    stale = Greeting.objects.filter(status=Greeting.Status.SENDING, sending_since__lt=cutoff)
    marked = _mark_unknown(stale.filter(dispatched_at__isnull=False))
    resent = 0
    for pk in list(stale.filter(dispatched_at__isnull=True).values_list("pk", flat=True)[:500]):
        claimed = Greeting.objects.filter(
            pk=pk, status=Greeting.Status.SENDING, sending_since__lt=cutoff, dispatched_at__isnull=True
        ).update(sending_since=timezone.now(), attempts=F("attempts") + 1)
        if not claimed:
            continue  # another process took it
        greeting = Greeting.objects.get(pk=pk)
        member = (
            Member.objects.with_highest_honor().select_related("branch", "user").get(pk=greeting.member_id)
        )
        greeting_deliver(greeting=greeting, member=member, now=now)
        resent += 1
    return marked + resent


def _mark_unknown(interrupted) -> int:
    """Mark interrupted sends 结果未知 and tell each branch's officers whom to check with."""
    with transaction.atomic():
        rows = list(
            interrupted.select_for_update(skip_locked=True, of=("self",)).values_list(
                "pk", "member__branch_id", "member__name", "channel", "birthday"
            )[:500]
        )
        marked = Greeting.objects.filter(
            pk__in=[row[0] for row in rows], status=Greeting.Status.SENDING
        ).update(status=Greeting.Status.UNKNOWN, last_error=INTERRUPTED)
        if marked:
            logger.warning("%s interrupted greetings marked unknown", marked)
            transaction.on_commit(lambda: _notify_unknown(rows))
    return marked


def _notify_unknown(rows) -> None:
    channels = dict(Greeting._meta.get_field("channel").choices)
    by_branch: dict = {}
    for _, branch_id, name, channel, birthday in rows:
        by_branch.setdefault(branch_id, []).append(
            f"- {name}（{channels.get(channel, channel)}，{birthday:%Y-%m-%d}）"
        )
    for branch_id, lines in by_branch.items():
        if branch_id is None:
            logger.warning("%d interrupted greetings of members without a branch", len(lines))
            continue
        notify_branch(
            branch_id=branch_id,
            subject=f"有{len(lines)}条生日祝福发送结果未知，请核实",
            body="以下生日祝福在发送过程中中断，短信网关或邮件服务器可能已经收到。\n"
            "请向本人核实，然后在“生日祝福”列表中选中，执行“核实结果未知的祝福”操作：\n\n" + "\n".join(lines),
        )


def greeting_cake_delivered(*, greeting: Greeting, actor, delivered_by: str = "") -> Greeting:
    """Mark a cake on the delivery list as delivered."""
    with transaction.atomic():
        greeting = Greeting.objects.select_for_update().get(pk=greeting.pk)
        if greeting.channel != "cake" or greeting.status != Greeting.Status.LISTED:
            raise DomainError("只有列入配送名单、尚未送达的生日蛋糕才能标记为已送达。", code="not_listed")
        greeting.status = Greeting.Status.DELIVERED
        greeting.delivered_at = timezone.now()
        greeting.delivered_by = delivered_by or (
            actor.get_full_name() or actor.get_username() if actor else ""
        )
        greeting._history_user = actor
        greeting.save()
    return greeting


def greeting_unknown_resolve(*, greeting: Greeting, actor, received: bool) -> Greeting:
    """A person has checked an interrupted greeting: the member got it (已发送) or not (已放弃)."""
    with transaction.atomic():
        greeting = Greeting.objects.select_for_update().get(pk=greeting.pk)
        if greeting.status != Greeting.Status.UNKNOWN:
            raise DomainError("只有“结果未知”的祝福才需要核实。", code="not_unknown")
        if received:
            greeting.status = Greeting.Status.SENT
            greeting.sent_at = greeting.dispatched_at
            greeting.last_error = ""
        else:
            greeting.status = Greeting.Status.GAVE_UP
            greeting.last_error = "经核实未收到"
        greeting._history_user = actor
        greeting.save()
    return greeting


def birthday_preference_set(
    *,
    member: Member,
    calendar: str,
    lunar_month: int | None = None,
    lunar_day: int | None = None,
    lunar_leap: bool = False,
    opt_out: bool = False,
    notes: str = "",
    actor=None,
) -> BirthdayPreference:
    """Record how a member's birthday is kept; a lunar date defaults to the ID card's birth date in the lunar calendar."""
    if calendar == BirthdayCalendar.LUNAR:
        if lunar_month is None or lunar_day is None:
            born = to_lunar(member.birth_date)
            lunar_month, lunar_day, lunar_leap = born.month, born.day, born.leap
        if not (1 <= lunar_month <= 12 and 1 <= lunar_day <= 30):
            raise DomainError("农历生日无效：月应在1至12之间，日应在1至30之间。", code="bad_lunar_date")
    else:
        lunar_month = lunar_day = None
        lunar_leap = False
    with transaction.atomic():
        pref, _ = BirthdayPreference.objects.select_for_update().get_or_create(member=member)
        pref.calendar = calendar
        pref.lunar_month, pref.lunar_day, pref.lunar_leap = lunar_month, lunar_day, lunar_leap
        pref.opt_out = opt_out
        pref.notes = notes
        pref._history_user = actor
        pref.save()
    return pref
