"""The statistics admin page and its .xlsx export, per role."""

import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AccessLog
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("admin:volunteering_serviceevent_statistics")


@pytest.fixture
def two_branches(xihu_team, binjiang_team, xihu_member, binjiang_member):
    f.ParticipationFactory(member=xihu_member, event=f.ServiceEventFactory(team=xihu_team), hours=3)
    f.ParticipationFactory(
        member=binjiang_member, event=f.ServiceEventFactory(team=binjiang_team, category="epidemic"), hours=5
    )


def test_page_shows_charts_from_static_echarts(client, staff_user, two_branches):
    client.force_login(staff_user)
    response = client.get(URL, {"year": 2025})
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/echarts/echarts.min.js" in body
    assert "西湖区" in body and "滨江区" in body
    assert response.context["stats"].total.hours == 8


def test_officer_page_shows_only_own_branch(client, xihu_officer, two_branches):
    client.force_login(xihu_officer)
    response = client.get(URL, {"year": 2025})
    assert response.status_code == 200
    assert "滨江区" not in response.content.decode()
    assert response.context["stats"].total.hours == 3


def test_bad_year_falls_back_to_this_year(client, staff_user):
    client.force_login(staff_user)
    response = client.get(URL, {"year": "abc"})
    assert response.context["year"] == datetime.date.today().year


def test_member_without_staff_cannot_open_page(client, xihu_member):
    client.force_login(f.member_user(xihu_member))
    assert client.get(URL).status_code == 302  # to the admin login


def test_xlsx_export_has_branch_category_and_total_rows(client, xihu_officer, two_branches):
    client.force_login(xihu_officer)
    response = client.get(URL, {"year": 2025, "format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content), read_only=True).active.values)
    assert rows[0][:3] == ("分会", "类别", "活动次数")
    assert rows[1][:4] == ("西湖区", "技术攻关", 1, 3)
    assert rows[2][:2] == ("西湖区", "小计")
    assert rows[-1][:2] == ("全部", "合计")
    assert all(row[0] != "滨江区" for row in rows)
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.row_count) == (xihu_officer, "export", len(rows) - 1)


def test_branch_by_category_crosstabs_add_up(client, staff_user, xihu_officer, two_branches):
    client.force_login(staff_user)
    response = client.get(URL, {"year": 2025})
    crosstabs, stats = response.context["crosstabs"], response.context["stats"]
    assert crosstabs["events"]["total"] == stats.total.events == 2
    assert crosstabs["hours"]["total"] == stats.total.hours == 8
    for table in crosstabs.values():
        for r in table["rows"]:
            assert r["total"] == sum(r["values"])
        assert table["totals"] == [
            sum(r["values"][i] for r in table["rows"]) for i in range(len(table["columns"]))
        ]
    body = response.content.decode()
    assert "各分会服务活动次数（按类别）" in body and "服务时长（按类别）" in body and ">合计<" in body
    client.force_login(xihu_officer)
    officer = client.get(URL, {"year": 2025}).context["crosstabs"]
    assert [r["label"] for r in officer["events"]["rows"]] == ["西湖区"] and officer["hours"]["total"] == 3
