"""The daily birthday greetings by hand: ``manage.py send_birthday_greetings [--date YYYY-MM-DD]``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.scoping import scopes_disabled
from wellbeing.models import Greeting
from wellbeing.services.greetings import birthday_greetings_send


class Command(BaseCommand):
    help = "发送某一天的生日祝福（默认今天）；已发送过的不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="日期，格式 YYYY-MM-DD（默认今天）")

    @scopes_disabled()  # system job: the day's greetings, every branch
    def handle(self, *args, **options):
        if options["date"]:
            try:
                day = datetime.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD：{options['date']}") from None
        else:
            day = timezone.localdate()
        run = birthday_greetings_send(day=day)
        statuses = (
            "，".join(f"{Greeting.Status(k).label}{v}条" for k, v in sorted(run.by_status.items())) or "无"
        )
        self.stdout.write(
            f"{day:%Y-%m-%d}：过生日{run.members}人，新发出{run.claimed}条，此前已处理{run.already_done}条；结果 {statuses}"
        )
