"""The coverage report: per branch, kind and status; uncovered branches; the yearly target; per role."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import AccessLog
from tests import factories as f
from workshops.models import CoverageTarget
from workshops.reports import coverage_report

pytestmark = pytest.mark.django_db
URL = reverse("admin:workshops_workshop_coverage")


@pytest.fixture
def network(xihu, binjiang):
    """西湖: 2 named (2021, 2022), 1 applied; 滨江: 1 applied only; 上城: nothing; target 2022: 4 (city), 3 (西湖)."""
    shangcheng = f.BranchFactory(name="上城区", code="shangcheng")
    f.WorkshopFactory(branch=xihu, status="named", kind="enterprise", named_on=datetime.date(2021, 5, 1))
    f.WorkshopFactory(branch=xihu, status="named", kind="street", named_on=datetime.date(2022, 5, 1))
    f.WorkshopFactory(branch=xihu, status="applied", kind="park")
    f.WorkshopFactory(branch=binjiang, status="applied", kind="enterprise")
    f.WorkshopFactory(
        branch=binjiang,
        status="revoked",
        named_on=datetime.date(2021, 1, 1),
        revoked_on=datetime.date(2022, 3, 1),
    )
    CoverageTarget.objects.create(year=2022, target_count=4)
    CoverageTarget.objects.create(year=2022, branch=xihu, target_count=3)
    return shangcheng


def rows_by_code(coverage):
    return {r.branch.code: r for r in coverage.rows}


def test_staff_sees_every_branch_with_counts_by_status_and_kind(staff_user, network):
    rows = rows_by_code(coverage_report(user=staff_user, year=2022))
    assert set(rows) == {"xihu", "binjiang", "shangcheng"}
    assert rows["xihu"].by_status == {"named": 2, "applied": 1}
    assert rows["xihu"].by_kind == {"enterprise": 1, "street": 1, "park": 1}
    assert rows["shangcheng"].total == 0


def test_branches_without_a_named_house_are_flagged_uncovered(staff_user, network):
    coverage = coverage_report(user=staff_user, year=2022)
    assert [r.branch.code for r in coverage.uncovered] == ["binjiang", "shangcheng"]


def test_named_by_year_end_counts_naming_date_and_revocation(staff_user, network):
    rows_2021 = rows_by_code(coverage_report(user=staff_user, year=2021))
    rows_2022 = rows_by_code(coverage_report(user=staff_user, year=2022))
    assert (rows_2021["xihu"].named_by_year_end, rows_2022["xihu"].named_by_year_end) == (1, 2)
    # 滨江's house was named in 2021 and revoked in 2022.
    assert (rows_2021["binjiang"].named_by_year_end, rows_2022["binjiang"].named_by_year_end) == (1, 0)
    assert rows_2022["xihu"].named_in_year == 1


def test_progress_against_the_city_and_branch_targets(staff_user, network):
    coverage = coverage_report(user=staff_user, year=2022)
    assert (coverage.totals.named_by_year_end, coverage.totals.target, coverage.totals.progress) == (2, 4, 50)
    assert rows_by_code(coverage)["xihu"].progress == 67


def test_officer_sees_own_branch_only_and_no_city_target(xihu_officer, network):
    coverage = coverage_report(user=xihu_officer, year=2022)
    assert [r.branch.code for r in coverage.rows] == ["xihu"]
    assert coverage.city_target is None
    assert coverage.rows[0].target == 3


def test_officer_without_branch_gets_an_empty_report(network):
    coverage = coverage_report(user=f.officer(None, username="nobranch"), year=2022)
    assert coverage.rows == []


def test_subsidy_of_the_year_per_branch(staff_user, network, xihu):
    house = xihu.workshops.filter(status="named").first()
    f.SubsidyFactory(workshop=house, year=2022, amount=Decimal("8000"))
    f.SubsidyFactory(workshop=house, year=2021, amount=Decimal("1000"), paid_on=datetime.date(2021, 3, 1))
    assert rows_by_code(coverage_report(user=staff_user, year=2022))["xihu"].subsidy_in_year == Decimal(
        "8000"
    )


@pytest.mark.parametrize(
    "role, visible, hidden",
    [("staff", ["西湖区", "滨江区", "上城区"], []), ("xihu_officer", ["西湖区"], ["滨江区", "上城区"])],
)
def test_page_per_role(client, request, network, role, visible, hidden):
    user = request.getfixturevalue("staff_user" if role == "staff" else role)
    client.force_login(user)
    body = client.get(URL, {"year": 2022}).content.decode()
    for name in visible:
        assert f"<td>{name}</td>" in body
    for name in hidden:
        assert name not in body
    assert "vendor/echarts/echarts.min.js" in body
    assert "cdn" not in body.lower()


def test_page_highlights_uncovered_branches(client, staff_user, network):
    client.force_login(staff_user)
    body = client.get(URL, {"year": 2022}).content.decode()
    assert '<tr class="uncovered" data-branch="shangcheng">' in body
    assert '<tr class="" data-branch="xihu">' in body
    assert "2 个分会尚无已命名的劳模工匠之家" in body


def test_page_for_officer_without_branch_lists_nothing(client, network):
    client.force_login(f.officer(None, username="nobranch"))
    response = client.get(URL)
    assert response.status_code == 200
    assert "没有可查看的分会" in response.content.decode()


def test_page_is_refused_to_a_member(client, xihu_member):
    client.force_login(f.member_user(xihu_member, username="m1"))
    assert client.get(URL).status_code == 302  # to the admin login


def test_xlsx_export_per_role_and_logged(client, xihu_officer, network):
    client.force_login(xihu_officer)
    response = client.get(URL, {"year": 2022, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["西湖区", "合计"]
    assert AccessLog.objects.filter(user=xihu_officer, action="export", row_count=1).exists()


def test_xlsx_export_for_staff_marks_uncovered(client, staff_user, network):
    client.force_login(staff_user)
    response = client.get(URL, {"year": 2022, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    by_branch = {r[0]: r[-1] for r in rows[1:]}
    assert by_branch["上城区"] == "尚无已命名的劳模工匠之家"
    assert by_branch["西湖区"] == "已覆盖"


def test_bad_year_falls_back_to_this_year(client, staff_user, network):
    client.force_login(staff_user)
    response = client.get(URL, {"year": "abc"})
    assert response.context["year"] == datetime.date.today().year


def test_report_query_count_does_not_grow_with_branches_or_houses(
    staff_user, network, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12) as small:
        coverage_report(user=staff_user, year=2022)
    for i in range(10):
        branch = f.BranchFactory(name=f"分会{i}", code=f"extra-{i}")
        f.WorkshopFactory(branch=branch, status="named", named_on=datetime.date(2021, 1, 1))
        CoverageTarget.objects.create(year=2022, branch=branch, target_count=1)
    with django_assert_max_num_queries(len(small.captured_queries)):
        coverage = coverage_report(user=staff_user, year=2022)
    assert len(coverage.rows) == 13
