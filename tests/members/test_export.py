"""Registry export: exactly the changelist's rows, formula cells neutralised, masked per role, logged."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AccessLog
from members.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db

EXPORT = "admin:members_member_export"


def sheet_rows(response):
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [[c.value for c in r] for r in sheet.iter_rows()]


def test_officer_export_holds_only_own_branch_with_id_and_phone_masked(client, xihu_officer, xihu_member,
                                                                      binjiang_member):  # fmt: skip
    client.force_login(xihu_officer)
    rows = sheet_rows(client.get(reverse(EXPORT), {"_format": "xlsx", "_full": "1"}))
    assert [r[0] for r in rows[1:]] == ["西湖甲"]
    id_cell, phone_cell = rows[1][1], rows[1][6]
    assert id_cell == xihu_member.id_number[:2] + "*" * 15 + xihu_member.id_number[-1]
    assert phone_cell == xihu_member.mobile[:3] + "****" + xihu_member.mobile[-4:]


def test_association_staff_export_masked_by_default_and_full_on_request(client, staff_user, xihu_member):
    client.force_login(staff_user)
    masked = sheet_rows(client.get(reverse(EXPORT), {"_format": "xlsx"}))
    assert masked[1][1] != xihu_member.id_number and "*" in masked[1][1]
    full = sheet_rows(client.get(reverse(EXPORT), {"_format": "xlsx", "_full": "1"}))
    assert full[1][1] == xihu_member.id_number and full[1][6] == xihu_member.mobile


def test_export_holds_exactly_the_filtered_changelist_rows(client, staff_user, xihu, binjiang_member):
    f.MemberFactory(branch=xihu, name="在册人", status=Member.Status.ACTIVE)
    f.MemberFactory(branch=xihu, name="已故人", status=Member.Status.DECEASED)
    client.force_login(staff_user)
    rows = sheet_rows(client.get(reverse(EXPORT), {"status__exact": "deceased", "_format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["已故人"]
    rows = sheet_rows(client.get(reverse(EXPORT), {"q": "滨江", "_format": "xlsx"}))
    assert [r[0] for r in rows[1:]] == ["滨江乙"]


def test_formula_cells_are_neutralised_in_xlsx_and_csv(client, staff_user, xihu):
    f.MemberFactory(branch=xihu, name='=HYPERLINK("http://x")', employer="+1+cmd", address="@SUM(A1)")
    client.force_login(staff_user)
    rows = sheet_rows(client.get(reverse(EXPORT), {"_format": "xlsx"}))
    assert rows[1][0] == '\'=HYPERLINK("http://x")' and rows[1][8] == "'+1+cmd" and rows[1][7] == "'@SUM(A1)"
    text = client.get(reverse(EXPORT), {"_format": "csv"}).content.decode("utf-8-sig")
    record = list(csv.reader(io.StringIO(text)))[1]
    assert record[0].startswith("'=") and record[8] == "'+1+cmd"


def test_export_is_logged_with_filter_and_row_count_without_clear_id(client, staff_user, binjiang_member):
    client.force_login(staff_user)
    client.get(reverse(EXPORT), {"q": binjiang_member.id_number, "_format": "csv"})
    entry = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert entry.username == "staff" and entry.row_count == 1 and entry.detail["format"] == "csv"
    assert "q=" in entry.detail["filter"] and binjiang_member.id_number not in str(entry.detail)


def test_export_log_is_visible_to_association_staff_only(client, staff_user, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    client.get(reverse(EXPORT), {"_format": "xlsx"})
    assert client.get(reverse("admin:core_accesslog_changelist")).status_code == 403
    client.force_login(staff_user)
    body = client.get(reverse("admin:core_accesslog_changelist")).content.decode()
    assert "officer_xihu" in body and "劳模工匠名册" in body


def test_officer_without_branch_exports_nothing(client, xihu_member):
    nobody = f.officer(None, username="officer_nobody")
    client.force_login(nobody)
    response = client.get(reverse(EXPORT), {"_format": "xlsx"})
    assert response.status_code == 403 or len(sheet_rows(response)) == 1
