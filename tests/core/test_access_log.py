"""The access log of personal data: every view of a full 身份证号 leaves one row, no plaintext ID."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AccessLog
from tests import factories as f

pytestmark = pytest.mark.django_db


def _views():
    return AccessLog.objects.filter(action=AccessLog.Action.VIEW_ID)


def _holds_no_id_number(log, *members):
    stored = json.dumps([log.target, log.detail, log.username], ensure_ascii=False)
    return all(m.id_number not in stored for m in members)


def test_staff_opening_member_change_page_is_logged(client, staff_user, xihu_member):
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:members_member_change", args=[xihu_member.pk]), REMOTE_ADDR="10.1.2.3"
    )
    assert xihu_member.id_number in response.content.decode()
    log = _views().get()
    assert log.user == staff_user and log.row_count == 1
    assert log.ip_address == "10.1.2.3"
    assert log.detail == {"model": "member", "pk": xihu_member.pk}
    assert _holds_no_id_number(log, xihu_member)


def test_officer_change_page_shows_masked_id_and_is_not_logged(client, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:members_member_change", args=[xihu_member.pk]))
    assert response.status_code == 200
    assert xihu_member.id_number not in response.content.decode()
    assert not _views().exists()


def test_missing_member_change_page_is_not_logged(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("admin:members_member_change", args=[999999])).status_code == 404
    assert not _views().exists()


def test_staff_api_list_logs_one_row_with_the_row_count(staff_user, xihu, binjiang):
    members = [f.MemberFactory(branch=xihu), f.MemberFactory(branch=binjiang), f.MemberFactory(branch=xihu)]
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.get("/api/members/").status_code == 200
    log = _views().get()
    assert log.row_count == 3 and log.user == staff_user
    assert sorted(log.detail["member_ids"]) == sorted(m.pk for m in members)
    assert _holds_no_id_number(log, *members)


def test_staff_api_detail_logs_one_row(staff_user, binjiang_member):
    api = APIClient()
    api.force_authenticate(staff_user)
    response = api.get(f"/api/members/{binjiang_member.pk}/")
    assert response.json()["id_number"] == binjiang_member.id_number
    log = _views().get()
    assert log.row_count == 1 and log.detail["action"] == "retrieve"
    assert _holds_no_id_number(log, binjiang_member)


def test_officer_api_list_with_masked_ids_is_not_logged(xihu_officer, xihu_member):
    api = APIClient()
    api.force_authenticate(xihu_officer)
    assert api.get("/api/members/").status_code == 200
    assert not _views().exists()


def test_empty_api_list_is_not_logged(staff_user):
    api = APIClient()
    api.force_authenticate(staff_user)
    assert api.get("/api/members/").status_code == 200
    assert not _views().exists()


def test_staff_search_the_access_log(client, staff_user, xihu_member):
    client.force_login(staff_user)
    client.get(reverse("admin:members_member_change", args=[xihu_member.pk]))
    response = client.get(reverse("admin:core_accesslog_changelist"), {"q": xihu_member.name})
    assert response.status_code == 200
    assert f"劳模工匠 {xihu_member.name}" in response.content.decode()
    empty = client.get(reverse("admin:core_accesslog_changelist"), {"q": "无此人"})
    assert f"劳模工匠 {xihu_member.name}" not in empty.content.decode()


def test_access_log_cannot_be_changed_or_deleted(client, staff_user, xihu_member):
    client.force_login(staff_user)
    client.get(reverse("admin:members_member_change", args=[xihu_member.pk]))
    log = _views().get()
    delete = client.post(reverse("admin:core_accesslog_delete", args=[log.pk]), {"post": "yes"})
    assert delete.status_code == 403
    change = client.post(reverse("admin:core_accesslog_change", args=[log.pk]), {"target": "改掉"})
    assert change.status_code == 403
    log.refresh_from_db()
    assert log.target == f"劳模工匠 {xihu_member.name}"


def test_officer_cannot_open_the_access_log(client, xihu_officer):
    client.force_login(xihu_officer)
    assert client.get(reverse("admin:core_accesslog_changelist")).status_code == 403
