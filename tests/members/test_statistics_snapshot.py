"""The statistics snapshot: same figures as the live registry, scoped, atomic, fresh, bounded queries."""

import datetime

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laomo_portal.dashboard import registry_figures
from members.models import HonorCount, Member, MemberCount, MemberKindCount, StatisticsSnapshot
from members.services import statistics_snapshot_refresh
from members.statistics import REFRESH_QUEUED_KEY
from members.tasks import statistics_snapshot_refresh_task
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "admin:members_member_statistics"
TABLES = ("total", "tables")


@pytest.fixture(autouse=True)
def no_pending_refresh_request():
    cache.delete(REFRESH_QUEUED_KEY)
    yield
    cache.delete(REFRESH_QUEUED_KEY)


@pytest.fixture
def registry(xihu, binjiang, xihu_member, binjiang_member):
    """Members of two branches in several statuses, ages and honours (kinds, levels, years)."""
    this_year = timezone.localdate().year
    for i in range(6):
        member = f.MemberFactory(branch=xihu if i % 2 else binjiang)
        f.HonorFactory(member=member, kind="craftsman", level=2 + i % 3, year=2010 + i)
        if i % 3 == 0:
            f.HonorFactory(member=member, kind="model_worker", level=1, year=this_year, title="全国劳动模范")
    Member.objects.filter(pk__in=list(Member.objects.order_by("pk").values_list("pk", flat=True)[:2])).update(
        status=Member.Status.DECEASED
    )
    f.MemberFactory(branch=xihu)  # no honour at all
    return {"xihu": xihu, "binjiang": binjiang}


def page_stats(client, params=None):
    return client.get(reverse(URL), params or {}).context["stats"]


def tables(stats):
    return {key: stats[key] for key in TABLES}


@pytest.mark.parametrize("role", ["staff", "officer"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"status": "active"},
        {"status": "deceased"},
        {"branch": "xihu"},
        {"branch": "binjiang", "status": "active"},
        {"honor_kind": "craftsman"},
        {"honor_kind": "model_worker", "status": "active", "branch": "xihu"},
    ],
    ids=["none", "active", "deceased", "xihu", "binjiang-active", "craftsman", "model-worker-xihu-active"],
)
def test_snapshot_figures_equal_live_figures(client, registry, staff_user, xihu_officer, role, params):
    client.force_login(staff_user if role == "staff" else xihu_officer)
    params = {k: registry[v].pk if k == "branch" else v for k, v in params.items()}
    live = page_stats(client, params)
    assert live["freshness"]["source"] == "live"
    statistics_snapshot_refresh()
    snapshot = page_stats(client, params)
    assert tables(snapshot) == tables(live)
    if role == "officer" and params.get("branch") == registry["binjiang"].pk:
        assert snapshot["total"] == 0  # another branch: refused by the form, nothing shown
    else:
        assert snapshot["freshness"]["source"] == "snapshot"


def test_snapshot_page_is_not_empty_and_scoped_for_officer(client, registry, xihu_officer):
    statistics_snapshot_refresh()
    client.force_login(xihu_officer)
    stats = page_stats(client)
    assert stats["total"] == Member.objects.filter(branch=registry["xihu"]).count() > 0
    assert [row["label"] for row in stats["tables"]["branch_category"]["rows"]] == ["西湖区"]


def test_snapshot_rows_are_scoped_to_the_officers_branch(registry, staff_user, xihu_officer):
    statistics_snapshot_refresh()
    xihu = registry["xihu"]
    assert {r.branch_id for r in MemberCount.objects.visible_to(xihu_officer)} == {xihu.pk}
    assert {r.branch_id for r in HonorCount.objects.visible_to(xihu_officer)} == {xihu.pk}
    assert {r.branch_id for r in MemberKindCount.objects.visible_to(xihu_officer)} == {xihu.pk}
    assert MemberCount.objects.visible_to(staff_user).count() == MemberCount.objects.count()
    nobody = f.officer(None)
    assert not MemberCount.objects.visible_to(nobody).exists()
    assert not HonorCount.objects.visible_to(nobody).exists()
    assert not MemberKindCount.objects.visible_to(nobody).exists()


def test_award_year_filters_are_computed_live_and_say_so(client, registry, staff_user):
    statistics_snapshot_refresh()
    client.force_login(staff_user)
    stats = page_stats(client, {"honor_kind": "craftsman", "year_from": 2012})
    assert stats["freshness"]["source"] == "live"
    assert "实时" in stats["freshness"]["text"]
    assert (
        stats["total"]
        == Member.objects.filter(honors__kind="craftsman", honors__year__gte=2012).distinct().count()
    )


def test_a_member_with_two_honours_of_a_kind_counts_once(client, registry, staff_user):
    member = Member.objects.filter(honors__kind="craftsman").first()
    f.HonorFactory(member=member, kind="craftsman", level=1, year=2001, title="第二个工匠称号")
    statistics_snapshot_refresh()
    client.force_login(staff_user)
    stats = page_stats(client, {"honor_kind": "craftsman"})
    assert stats["freshness"]["source"] == "snapshot"
    assert stats["total"] == Member.objects.filter(honors__kind="craftsman").distinct().count()


def test_page_says_when_the_figures_were_computed(client, registry, staff_user):
    snapshot = statistics_snapshot_refresh()
    client.force_login(staff_user)
    body = client.get(reverse(URL)).content.decode()
    when = timezone.localtime(snapshot.computed_at)
    assert f"数据更新于 {when:%H:%M}" in body
    assert "快照" not in body and "每15分钟" not in body


def test_without_snapshot_the_page_is_live_and_asks_for_one(
    client, registry, staff_user, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    monkeypatch.setattr(statistics_snapshot_refresh_task, "enqueue", lambda *a, **k: sent.append(1) or True)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        stats = page_stats(client)
    assert stats["freshness"]["source"] == "live" and "实时统计" in stats["freshness"]["text"]
    assert stats["total"] == Member.objects.count()
    assert sent == [1]
    # Queued and not yet started: the next views do not queue more refreshes.
    with django_capture_on_commit_callbacks(execute=True):
        page_stats(client)
    assert sent == [1]


def test_yesterdays_snapshot_is_stale_and_not_served(client, registry, staff_user):
    statistics_snapshot_refresh(today=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(staff_user)
    assert page_stats(client)["freshness"]["source"] == "live"


def test_refresh_is_idempotent(registry):
    first = statistics_snapshot_refresh()
    member_rows = sorted(
        MemberCount.objects.values_list("branch_id", "status", "category", "gender", "age_band", "n")
    )
    honor_rows = sorted(
        HonorCount.objects.values_list("branch_id", "member_status", "kind", "year", "level", "n")
    )
    second = statistics_snapshot_refresh()
    assert StatisticsSnapshot.objects.count() == 1
    assert (first.member_rows, first.honor_rows) == (second.member_rows, second.honor_rows)
    assert (
        sorted(MemberCount.objects.values_list("branch_id", "status", "category", "gender", "age_band", "n"))
        == member_rows
    )
    assert (
        sorted(HonorCount.objects.values_list("branch_id", "member_status", "kind", "year", "level", "n"))
        == honor_rows
    )
    assert sum(MemberCount.objects.values_list("n", flat=True)) == Member.objects.count()


def test_a_failed_refresh_leaves_the_previous_snapshot_whole(registry, monkeypatch):
    before = statistics_snapshot_refresh()
    member_rows, kind_rows = MemberCount.objects.count(), MemberKindCount.objects.count()
    f.HonorFactory(member=f.MemberFactory(branch=registry["xihu"]), kind="may_day_medal")

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    # The member counts are already deleted and rewritten when the honour counts fail.
    monkeypatch.setattr(HonorCount.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        statistics_snapshot_refresh()
    assert (MemberCount.objects.count(), MemberKindCount.objects.count()) == (member_rows, kind_rows)
    assert HonorCount.objects.count() == before.honor_rows
    assert StatisticsSnapshot.objects.get().computed_at == before.computed_at


def test_management_command_refreshes_the_snapshot(registry, capsys):
    call_command("refresh_statistics")
    assert StatisticsSnapshot.objects.get().as_of == timezone.localdate()
    assert "统计快照已更新" in capsys.readouterr().out


def test_beat_refreshes_the_snapshot_every_few_minutes():
    entry = settings.CELERY_BEAT_SCHEDULE["members-statistics-snapshot-refresh"]
    assert entry["task"] == "members.tasks.statistics_snapshot_refresh_task"


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_dashboard_snapshot_figures_equal_live_figures(registry, staff_user, xihu_officer, role):
    user = staff_user if role == "staff" else xihu_officer
    today = timezone.localdate()
    live = registry_figures(user, today)
    statistics_snapshot_refresh()
    snapshot = registry_figures(user, today)
    assert (live["freshness"]["source"], snapshot["freshness"]["source"]) == ("live", "snapshot")
    for key in ("members_total", "by_category", "by_branch", "honors_this_year"):
        assert snapshot[key] == live[key], key
    assert live["honors_this_year"] > 0


def test_dashboard_says_when_the_figures_were_computed(client, registry, staff_user):
    statistics_snapshot_refresh()
    client.force_login(staff_user)
    body = client.get("/admin/").content.decode()
    assert 'data-source="snapshot"' in body and "数据更新于" in body


# Query counts, pinned per role and source; they do not depend on the registry's size.
# The snapshot replaces aggregates one for one, so both sources cost the same count; the
# snapshot's rows are a few thousand at a million members instead of the whole registry.
STATISTICS_QUERIES = {"staff": 15, "officer": 13}
DASHBOARD_QUERIES = {"staff": 27, "officer": 22}  # no recent-actions sidebar: the dashboard is full width


@pytest.mark.parametrize("source", ["snapshot", "live"])
@pytest.mark.parametrize("role", ["staff", "officer"])
def test_statistics_and_dashboard_query_counts(
    client, registry, staff_user, xihu_officer, role, source, django_assert_num_queries
):
    client.force_login(staff_user if role == "staff" else xihu_officer)
    if source == "snapshot":
        statistics_snapshot_refresh()
    client.get(reverse(URL))  # sessions, trip rules row, and the refresh request are settled
    client.get("/admin/")
    for extra in (0, 10):
        for _ in range(extra):
            f.HonorFactory(member=f.MemberFactory(branch=registry["xihu"]))
        if source == "snapshot":
            statistics_snapshot_refresh()
        with django_assert_num_queries(STATISTICS_QUERIES[role]):
            assert page_stats(client)["freshness"]["source"] == source
        with django_assert_num_queries(DASHBOARD_QUERIES[role]):
            assert client.get("/admin/").status_code == 200
