"""Statistics match the lists right after a change: no dropped refresh, live counts while the
snapshot is stale, and the 刷新 button (association staff, POST, CSRF, throttled, logged)."""

import logging
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from members.models import Member, RegistryChange, StatisticsSnapshot
from members.services import statistics_snapshot_refresh
from members.statistics import (
    REFRESH_QUEUED_KEY,
    registry_changed,
    registry_version,
    snapshot_current,
    statistics_snapshot_request,
)
from members.tasks import statistics_snapshot_refresh_task
from tests import factories as f

from .io_helpers import new_id, private_media, row, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db
STATS = "admin:members_member_statistics"
REFRESH = "admin:members_member_statistics_refresh"


@pytest.fixture(autouse=True)
def nothing_queued():
    cache.delete(REFRESH_QUEUED_KEY)
    cache.clear()
    yield
    cache.delete(REFRESH_QUEUED_KEY)


@pytest.fixture
def registry(xihu, binjiang, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(6):
            f.MemberFactory(branch=xihu if i % 2 else binjiang)
    return {"xihu": xihu, "binjiang": binjiang}


@pytest.fixture
def sent(monkeypatch):
    """Refreshes sent to Celery, and left unrun (a worker that has not picked them up yet)."""
    calls = []
    monkeypatch.setattr(statistics_snapshot_refresh_task, "enqueue", lambda *a, **k: calls.append(1) or True)
    return calls


def figure(body, key):
    return int(re.search(rf'data-figure="{key}">(\d+)<', body).group(1))


def test_a_change_makes_the_snapshot_stale_and_the_page_counts_live(
    client, staff_user, registry, django_capture_on_commit_callbacks
):
    statistics_snapshot_refresh()
    client.force_login(staff_user)
    assert client.get(reverse(STATS)).context["stats"]["freshness"]["source"] == "snapshot"
    with django_capture_on_commit_callbacks(execute=True):
        f.MemberFactory(branch=registry["xihu"])
    stats = client.get(reverse(STATS)).context["stats"]
    assert stats["freshness"]["source"] == "live"
    assert stats["total"] == Member.objects.count() == 7
    assert "实时统计" in stats["freshness"]["text"] and "快照" not in stats["freshness"]["text"]


def test_a_save_that_changes_no_counted_field_keeps_the_snapshot(
    registry, django_capture_on_commit_callbacks
):
    snapshot = statistics_snapshot_refresh()
    member = Member.objects.first()
    with django_capture_on_commit_callbacks(execute=True):
        member.save(update_fields=["updated_at"])
    assert snapshot_current(timezone.localdate()) == snapshot
    with django_capture_on_commit_callbacks(execute=True):
        member.status = Member.Status.DECEASED
        member.save(update_fields=["status"])
    assert snapshot_current(timezone.localdate()) is None


def test_many_writes_in_one_transaction_bump_the_counter_once(xihu, django_capture_on_commit_callbacks):
    # Read as the pages read it: a transactional test before this one on the same worker
    # flushes the tables, the migration's row with them (registry_changed recreates it).
    before = registry_version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(5):
            f.HonorFactory(member=f.MemberFactory(branch=xihu))
    assert registry_version() == before + 1
    assert len(callbacks) == 1


def test_a_change_during_a_running_refresh_is_not_lost(registry, sent, django_capture_on_commit_callbacks):
    """The old key dropped this refresh for five minutes; now a started refresh lets the next ask."""
    with django_capture_on_commit_callbacks(execute=True):
        statistics_snapshot_request()
        statistics_snapshot_request()  # queued and not started: one message
    assert len(sent) == 1
    # The worker starts it (forgets the queued mark), and a change comes in while it counts.
    statistics_snapshot_refresh_task.run()
    with django_capture_on_commit_callbacks(execute=True):
        registry_changed()
        statistics_snapshot_request()
    assert len(sent) == 2  # asked again: the running one may have missed the change
    assert snapshot_current(timezone.localdate()) is None  # and meanwhile the pages count live


def test_a_refresh_reading_an_old_version_is_stale_at_once(registry, django_capture_on_commit_callbacks):
    snapshot = statistics_snapshot_refresh()
    assert snapshot_current(timezone.localdate()) == snapshot
    with django_capture_on_commit_callbacks(execute=True):
        registry_changed()
    assert snapshot_current(timezone.localdate()) is None
    statistics_snapshot_refresh()
    assert snapshot_current(timezone.localdate()) is not None


def import_three(client, xihu, django_capture_on_commit_callbacks, start=40):
    """Three members through the real import pages (upload, preview, confirm), tasks eager."""
    upload = xlsx_file(
        [row(name=f"新人{i}", id_number=new_id(start + i), branch=xihu.name) for i in range(3)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:members_member_import"), {"file": upload})
    assert response.status_code == 302
    detail = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(detail).status_code == 302


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_import_of_three_shows_at_once_on_dashboard_and_statistics(
    client, staff_user, xihu_officer, registry, role, django_capture_on_commit_callbacks
):
    statistics_snapshot_refresh()  # what beat left: today's snapshot, before the import
    user = staff_user if role == "staff" else xihu_officer
    client.force_login(user)
    visible = Member.objects.visible_to(user)
    before = visible.count()
    assert figure(client.get("/admin/").content.decode(), "members_total") == before

    import_three(client, registry["xihu"], django_capture_on_commit_callbacks)

    assert visible.count() == before + 3
    body = client.get("/admin/").content.decode()
    assert figure(body, "members_total") == before + 3
    stats = client.get(reverse(STATS)).context["stats"]
    assert stats["total"] == before + 3
    listed = client.get(reverse("admin:members_member_changelist")).context["cl"].result_count
    assert listed == before + 3
    # The import asked for a refresh and (eager Celery, the zero-setup run) it has run.
    assert stats["freshness"]["source"] == "snapshot"
    assert StatisticsSnapshot.objects.get().registry_version == RegistryChange.objects.get().version


def test_zero_setup_without_a_refresh_still_counts_right(
    client, staff_user, registry, sent, django_capture_on_commit_callbacks
):
    """No beat and the refresh never ran (message lost): the pages count live, never stay at the old figure."""
    statistics_snapshot_refresh()
    client.force_login(staff_user)
    before = Member.objects.count()
    import_three(client, registry["xihu"], django_capture_on_commit_callbacks, start=60)
    assert sent  # asked, but (sent does not run it) never computed
    body = client.get("/admin/").content.decode()
    assert figure(body, "members_total") == before + 3
    assert 'data-source="live"' in body


def test_refresh_button_rebuilds_now_and_says_so(client, staff_user, registry, caplog):
    client.force_login(staff_user)
    page = client.get(reverse(STATS)).content.decode()
    assert reverse(REFRESH) in page and ">刷新<" not in page  # an input, value 刷新
    assert 'value="刷新"' in page
    with caplog.at_level(logging.INFO, logger="members.admin.io"):
        response = client.post(reverse(REFRESH), {"next": reverse(STATS) + "?status=active"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(STATS) + "?status=active"
    snapshot = StatisticsSnapshot.objects.get()
    when = timezone.localtime(snapshot.computed_at)
    assert f"统计数据已更新（{when:%H:%M}）" in response.content.decode()
    assert f"数据更新于 {when:%H:%M}" in response.content.decode()
    assert any("statistics refresh requested by staff" in r.getMessage() for r in caplog.records)


def test_refresh_button_on_the_dashboard_returns_to_it(client, staff_user, registry):
    client.force_login(staff_user)
    body = client.get("/admin/").content.decode()
    assert reverse(REFRESH) in body
    response = client.post(reverse(REFRESH), {"next": "/admin/"})
    assert response["Location"] == "/admin/"
    elsewhere = client.post(reverse(REFRESH), {"next": "https://evil.example/"})
    assert elsewhere["Location"] == reverse(STATS)


def test_refresh_is_throttled(client, staff_user, registry):
    client.force_login(staff_user)
    for _ in range(3):
        client.post(reverse(REFRESH))
    computed = StatisticsSnapshot.objects.get().computed_at
    response = client.post(reverse(REFRESH), follow=True)
    assert "刚刚已经更新过，请一分钟后再试" in response.content.decode()
    assert StatisticsSnapshot.objects.get().computed_at == computed


def test_refresh_needs_post_and_csrf(staff_user, registry):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.get(reverse(REFRESH)).status_code == 302
    assert client.post(reverse(REFRESH)).status_code == 403
    assert not StatisticsSnapshot.objects.exists()


def test_refresh_is_for_association_staff_only(client, xihu_officer, registry):
    client.force_login(xihu_officer)
    assert reverse(REFRESH) not in client.get(reverse(STATS)).content.decode()
    assert reverse(REFRESH) not in client.get("/admin/").content.decode()
    assert client.post(reverse(REFRESH)).status_code == 403
    assert not StatisticsSnapshot.objects.exists()
    client.logout()
    assert client.post(reverse(REFRESH)).status_code == 302  # to the login page
    assert not StatisticsSnapshot.objects.exists()
