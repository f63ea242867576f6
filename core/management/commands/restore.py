"""python manage.py restore FILE: replace the database and media with a backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, backup_restore, table_counts
from core.scoping import scopes_disabled


class Command(BaseCommand):
    help = "从备份文件恢复数据库和上传文件（会覆盖当前数据）。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup 命令生成的 .tar 文件")

    @scopes_disabled()  # system job: the whole database, every branch
    def handle(self, *args, file, **options):
        try:
            manifest = backup_restore(source=Path(file))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        counts = table_counts()
        different = {t: (n, counts.get(t)) for t, n in manifest["counts"].items() if counts.get(t) != n}
        if different:
            raise CommandError(f"恢复后行数与备份清单不一致：{different}")
        self.stdout.write(self.style.SUCCESS(f"恢复完成：{file}（{len(counts)} 张表行数与清单一致）"))
