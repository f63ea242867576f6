"""`python manage.py refresh_statistics`: recompute the statistics snapshot now (what beat does)."""

from django.core.management.base import BaseCommand

from core.scoping import scopes_disabled
from members.services import statistics_snapshot_refresh


class Command(BaseCommand):
    help = "重新计算统计快照（名册统计页与首页的人数、荣誉数）。"

    @scopes_disabled()  # system job: the snapshot counts every branch
    def handle(self, *args, **options):
        snapshot = statistics_snapshot_refresh()
        self.stdout.write(
            f"统计快照已更新：{snapshot.member_rows} 行人数、{snapshot.honor_rows} 行荣誉数，耗时 {snapshot.seconds:.1f} 秒"
        )
