"""The statistics page: tables per role, filters, .xlsx download, charts from static."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "admin:members_member_statistics"


def test_association_staff_see_every_branch(client, staff_user, xihu_member, binjiang_member):
    client.force_login(staff_user)
    stats = client.get(reverse(URL)).context["stats"]
    assert stats["total"] == 2
    assert {r[0] for r in stats["by_branch"]["rows"]} == {"西湖区", "滨江区"}
    assert ["西湖区", "工匠", "区县级", 1] in stats["by_branch"]["rows"]
    assert sorted(r[0] for r in stats["per_year"]["rows"]) == [2018, 2020]


def test_officer_sees_own_branch_only_even_when_asking_for_another(client, xihu_officer, xihu_member,
                                                                   binjiang_member, binjiang):  # fmt: skip
    client.force_login(xihu_officer)
    stats = client.get(reverse(URL)).context["stats"]
    assert stats["total"] == 1 and {r[0] for r in stats["by_branch"]["rows"]} == {"西湖区"}
    assert [r[0] for r in stats["per_year"]["rows"]] == [2020]
    assert client.get(reverse(URL), {"branch": binjiang.pk}).context["stats"]["total"] == 0


def test_filters_narrow_the_tables(client, staff_user, xihu_member, binjiang_member):
    client.force_login(staff_user)
    stats = client.get(reverse(URL), {"honor_kind": "craftsman"}).context["stats"]
    assert stats["total"] == 1 and stats["by_branch"]["rows"][0][0] == "西湖区"
    assert client.get(reverse(URL), {"year_from": 2019}).context["stats"]["total"] == 1


def test_gender_and_age_band_table(client, staff_user, xihu):
    f.MemberFactory(branch=xihu)
    client.force_login(staff_user)
    rows = client.get(reverse(URL)).context["stats"]["by_age"]["rows"]
    assert sum(r[2] for r in rows) == 1 and rows[0][0] in ("男", "女") and "岁" in rows[0][1]


def test_download_as_xlsx_with_three_sheets(client, xihu_officer, xihu_member, binjiang_member):
    client.force_login(xihu_officer)
    response = client.get(reverse(URL), {"_format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["分会类别级别", "性别年龄", "年度荣誉"]
    assert [c.value for c in workbook["分会类别级别"][2]][0] == "西湖区"
    assert workbook["分会类别级别"].max_row == 2


def test_charts_come_from_static_not_a_cdn(client, staff_user):
    client.force_login(staff_user)
    body = client.get(reverse(URL)).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in body and "cdn" not in body.lower()


def test_officer_without_branch_gets_nothing(client, xihu_member):
    client.force_login(f.officer(None, username="officer_nobody"))
    response = client.get(reverse(URL))
    assert response.status_code == 403 or response.context["stats"]["total"] == 0
