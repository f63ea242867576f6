"""Write path of the statistics snapshot: recompute every count and replace the old ones at once."""

import datetime
import time

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from ..models import Honor, HonorCount, Member, MemberCount, MemberKindCount, StatisticsSnapshot
from ..statistics import age_band_case, registry_version

BATCH = 5000


@transaction.atomic
def statistics_snapshot_refresh(*, today: datetime.date | None = None) -> StatisticsSnapshot:
    """Recompute the snapshot for ``today`` and replace the previous one in one transaction.

    Readers see the old counts until the commit, then the new ones: never a half-written
    snapshot. The snapshot row is locked first, so two refreshes run one after the other
    instead of both deleting and both inserting.
    """
    today = today or timezone.localdate()
    started = time.perf_counter()
    snapshot, _ = StatisticsSnapshot.objects.select_for_update().get_or_create(
        pk=1, defaults={"computed_at": timezone.now(), "as_of": today}
    )
    # Read before counting: a change committed while we count bumps the version past this
    # one, and the snapshot is stale at once (counted again, never served wrong).
    version = registry_version()
    members = (
        Member.objects.annotate(band=age_band_case(today))
        .values_list("branch_id", "status", "category", "top_honor_level", "gender", "band")
        .annotate(n=Count("pk"))
        .order_by()
    )
    member_rows = [
        MemberCount(branch_id=b, status=s, category=c, top_honor_level=lv, gender=g, age_band=band, n=n)
        for b, s, c, lv, g, band, n in members
    ]
    # Members (not honours) per kind: a member with two honours of one kind counts once.
    kinds = (
        Honor.objects.annotate(band=age_band_case(today, field="member__birth_date"))
        .values_list(
            "member__branch_id", "kind", "member__status", "member__category", "member__top_honor_level",
            "member__gender", "band",
        )
        .annotate(n=Count("member_id", distinct=True))
        .order_by()
    )  # fmt: skip
    kind_rows = [
        MemberKindCount(
            branch_id=b, honor_kind=k, status=s, category=c, top_honor_level=lv, gender=g, age_band=band, n=n
        )
        for b, k, s, c, lv, g, band, n in kinds
    ]
    honors = (
        Honor.objects.values_list("member__branch_id", "member__status", "kind", "year", "level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    honor_rows = [
        HonorCount(branch_id=b, member_status=s, kind=k, year=y, level=lv, n=n)
        for b, s, k, y, lv, n in honors
    ]
    MemberCount.objects.all().delete()
    MemberKindCount.objects.all().delete()
    HonorCount.objects.all().delete()
    MemberCount.objects.bulk_create(member_rows, batch_size=BATCH)
    MemberKindCount.objects.bulk_create(kind_rows, batch_size=BATCH)
    HonorCount.objects.bulk_create(honor_rows, batch_size=BATCH)
    snapshot.computed_at = timezone.now()
    snapshot.as_of = today
    snapshot.registry_version = version
    snapshot.member_rows = len(member_rows)
    snapshot.honor_rows = len(honor_rows)
    snapshot.seconds = round(time.perf_counter() - started, 3)
    snapshot.save()
    return snapshot
