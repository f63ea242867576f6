"""python manage.py backup [--output FILE]: database + media into one .tar."""

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_create
from core.scoping import scopes_disabled


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个 .tar 文件。"

    def add_arguments(self, parser):
        default = f"backups/laomo-{datetime.datetime.now():%Y%m%d-%H%M%S}.tar"
        parser.add_argument("--output", default=default, help=f"输出文件（默认 {default}）")

    @scopes_disabled()  # system job: the whole database, every branch
    def handle(self, *args, output, **options):
        try:
            path = backup_create(output=Path(output))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"备份完成：{path}"))
