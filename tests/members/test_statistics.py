"""The statistics page: crosstabs with 合计 per role, filters, level order, downloads, charts from static."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from members.models import Honor, Member
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = "admin:members_member_statistics"
LEVELS = ["全国", "省级", "市级", "区县级"]


def stats_for(client, params=None):
    return client.get(reverse(URL), params or {}).context["stats"]


def row(table, label):
    return next(r for r in table["rows"] if r["label"] == label)


def assert_totals_add_up(table):
    """The 合计 column is each row's sum, the 合计 row each column's, and the corner both."""
    for r in table["rows"]:
        assert r["total"] == sum(r["values"]), (table["key"], r)
    for i, total in enumerate(table["totals"]):
        assert total == sum(r["values"][i] for r in table["rows"]), (table["key"], i)
    assert table["total"] == sum(table["totals"]) == sum(r["total"] for r in table["rows"])


def changelist_count(client, params=None):
    return client.get(reverse("admin:members_member_changelist"), params or {}).context["cl"].result_count


@pytest.fixture
def registry(xihu, binjiang, xihu_member, binjiang_member):
    """Several members per branch with honours of every level and several years."""
    for i, level in enumerate([1, 2, 3, 4, 2, 3]):
        member = f.MemberFactory(branch=xihu if i % 2 else binjiang)
        f.HonorFactory(
            member=member, kind="craftsman" if i % 3 else "model_worker", level=level, year=2015 + i
        )
    f.MemberFactory(branch=xihu)  # no honour
    return {"xihu": xihu, "binjiang": binjiang}


def test_staff_see_every_branch_as_crosstabs_with_totals(client, staff_user, registry):
    client.force_login(staff_user)
    stats = stats_for(client)
    tables = stats["tables"]
    assert [r["label"] for r in tables["branch_category"]["rows"]] == ["西湖区", "滨江区"]
    assert tables["branch_category"]["columns"] == ["劳模", "工匠", "劳模、工匠", "未分类"]
    for table in tables.values():
        assert_totals_add_up(table)
    # Every member once in each member table; the honour table counts honours.
    members = Member.objects.count()
    assert stats["total"] == tables["branch_level"]["total"] == tables["age_gender"]["total"] == members
    assert tables["year_level"]["total"] == Honor.objects.count()
    assert (
        row(tables["branch_category"], "西湖区")["total"]
        == Member.objects.filter(branch=registry["xihu"]).count()
    )
    assert row(tables["branch_level"], "西湖区")["values"][3] == 2  # 西湖甲 and one more: 区县级


def test_totals_equal_the_member_list_counts(client, staff_user, registry):
    client.force_login(staff_user)
    stats = stats_for(client, {"status": "active"})
    assert stats["total"] == changelist_count(client, {"status__exact": "active"})
    xihu = registry["xihu"]
    branch_total = row(stats["tables"]["branch_category"], "西湖区")["total"]
    assert branch_total == changelist_count(client, {"status__exact": "active", "branch__id__exact": xihu.pk})
    craftsmen = stats["tables"]["branch_category"]["totals"][1]
    assert craftsmen == changelist_count(client, {"status__exact": "active", "category__exact": "craftsman"})


def test_officer_sees_own_branch_figures_only(client, xihu_officer, registry):
    client.force_login(xihu_officer)
    stats = stats_for(client)
    xihu_count = Member.objects.filter(branch=registry["xihu"]).count()
    assert stats["total"] == xihu_count
    for table in stats["tables"].values():
        assert_totals_add_up(table)
    assert [r["label"] for r in stats["tables"]["branch_level"]["rows"]] == ["西湖区"]
    assert (
        stats["tables"]["year_level"]["total"]
        == Honor.objects.filter(member__branch=registry["xihu"]).count()
    )
    body = client.get(reverse(URL)).content.decode()
    assert "滨江区" not in body


def test_officer_asking_for_another_branch_gets_nothing_and_a_plain_message(
    client, xihu_officer, binjiang_officer, registry
):
    client.force_login(binjiang_officer)
    stats = stats_for(client, {"branch": registry["xihu"].pk})
    assert stats["total"] == 0 and stats["tables"]["branch_category"]["rows"] == []
    assert stats["freshness"]["text"] == "筛选条件有误，请修改后重新筛选"
    own = stats_for(client)
    assert own["total"] == Member.objects.filter(branch=registry["binjiang"]).count()
    assert {r["label"] for r in own["tables"]["branch_category"]["rows"]} == {"滨江区"}


def test_filters_narrow_the_tables_including_award_years(client, staff_user, registry):
    client.force_login(staff_user)
    stats = stats_for(client, {"honor_kind": "craftsman"})
    assert stats["total"] == Member.objects.filter(honors__kind="craftsman").distinct().count()
    years = stats_for(client, {"year_from": 2018, "year_to": 2019})
    assert years["total"] == Member.objects.filter(honors__year__in=[2018, 2019]).distinct().count() == 3
    assert [r["label"] for r in years["tables"]["year_level"]["rows"]] == ["2019年", "2018年"]
    assert "按授予年份筛选" in years["freshness"]["text"]
    one_branch = stats_for(client, {"branch": registry["binjiang"].pk})
    assert [r["label"] for r in one_branch["tables"]["branch_category"]["rows"]] == ["滨江区"]


def test_honour_levels_are_ordered_national_first_in_tables_and_page(client, staff_user, registry):
    client.force_login(staff_user)
    response = client.get(reverse(URL))
    tables = response.context["stats"]["tables"]
    assert tables["branch_level"]["columns"] == [*LEVELS, "无荣誉"]
    assert tables["year_level"]["columns"] == LEVELS
    body = response.content.decode()
    section = body[body.index('id="table-year_level"') :]
    positions = [section.index(f">{label}<") for label in LEVELS]
    assert positions == sorted(positions)


def test_age_band_and_gender_crosstab(client, staff_user, xihu):
    f.MemberFactory(branch=xihu)
    client.force_login(staff_user)
    table = stats_for(client)["tables"]["age_gender"]
    assert table["columns"] == ["男", "女"] and table["total"] == 1
    assert all("岁" in r["label"] for r in table["rows"])
    assert_totals_add_up(table)


def test_download_every_table_or_one(client, xihu_officer, registry):
    client.force_login(xihu_officer)
    response = client.get(reverse(URL), {"_format": "xlsx"})
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "各分会人数（按类别）",
        "各分会人数（按最高荣誉级别）",
        "年龄段与性别",
        "各年度授予荣誉（按级别）",
    ]
    sheet = workbook["各分会人数（按类别）"]
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["分会", "劳模", "工匠", "劳模、工匠", "未分类", "合计"]
    assert rows[1][0] == "西湖区" and rows[-1][0] == "合计"
    assert rows[-1][-1] == Member.objects.filter(branch=registry["xihu"]).count()

    one = client.get(reverse(URL), {"_format": "xlsx", "table": "branch_level", "status": "active"})
    assert "attachment" in one["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(one.content))
    assert workbook.sheetnames == ["各分会人数（按最高荣誉级别）"]
    header = [c.value for c in next(workbook.active.iter_rows())]
    assert header == ["分会", *LEVELS, "无荣誉", "合计"]


def test_each_table_has_its_download_link_keeping_the_filters(client, staff_user, registry):
    client.force_login(staff_user)
    body = client.get(reverse(URL), {"status": "active"}).content.decode()
    for key in ("branch_category", "branch_level", "age_gender", "year_level"):
        assert f"status=active&amp;_format=xlsx&amp;table={key}" in body


def test_charts_come_from_static_and_are_titled(client, staff_user, registry):
    client.force_login(staff_user)
    body = client.get(reverse(URL)).content.decode()
    assert "/static/vendor/echarts/echarts.min.js" in body and "/static/reports/charts.js" in body
    assert "cdn" not in body.lower()
    for title in ("各分会人数（按类别）", "最高荣誉级别分布", "年龄段与性别"):
        assert title in body
