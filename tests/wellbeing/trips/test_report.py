"""Annual report: participants per branch against the goal, by priority group, and who has never been."""

import datetime

import pytest
from django.urls import reverse

from tests import factories as f
from wellbeing.services.trip_documents import annual_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def year_of_trips(xihu, binjiang, healthy):
    year = datetime.date.today().year
    done = f.TripFactory(
        name="长白山疗休养", start_date=datetime.date(year, 1, 10), end_date=datetime.date(year, 1, 14),
        status="completed",
    )  # fmt: skip
    cancelled = f.TripFactory(
        name="取消团",
        start_date=datetime.date(year, 2, 10),
        end_date=datetime.date(year, 2, 14),
        status="cancelled",
    )
    f.TripQuotaFactory(trip=done, branch=xihu, places=3)
    f.TripQuotaFactory(trip=done, branch=binjiang, places=2)
    went = [
        healthy(xihu, name="抗疫甲", epidemic_role="medical", epidemic_service="援鄂医疗队"),
        healthy(xihu, name="一线乙", front_line=True),
        healthy(binjiang, name="普通丙"),
    ]
    for member in went:
        f.NominationFactory(trip=done, member=member, priority_group=member.work_profile.priority_group,
                            departed_at=datetime.datetime(year, 1, 10, 8, tzinfo=datetime.UTC))  # fmt: skip
    f.NominationFactory(trip=cancelled, member=healthy(binjiang, name="取消丁"))
    healthy(xihu, name="未去戊")
    healthy(xihu, name="病休己", health_status=4)
    return year


def test_report_counts_participants_per_branch_against_the_goal(year_of_trips, rules):
    report = annual_report(year=year_of_trips)
    assert report["goal"] == 250 and report["total_confirmed"] == 3 and report["total_departed"] == 3
    assert report["goal_percent"] == 1
    rows = {b["branch"]: b for b in report["branches"]}
    assert (rows["西湖区"]["quota"], rows["西湖区"]["confirmed"]) == (3, 2)
    assert (rows["滨江区"]["quota"], rows["滨江区"]["confirmed"]) == (2, 1)


def test_report_counts_by_priority_group(year_of_trips, rules):
    groups = {g["group"]: g["count"] for g in annual_report(year=year_of_trips)["groups"]}
    assert groups == {"抗疫一线": 1, "一线/苦脏累险岗位": 1, "其他": 1}


def test_fairness_view_lists_eligible_members_who_never_went(year_of_trips, rules):
    report = annual_report(year=year_of_trips)
    names = {m["name"] for m in report["never_been"]}
    # 取消丁's only trip was cancelled; 病休己 is not eligible; the three who went are not listed.
    assert names == {"未去戊", "取消丁"}
    rows = {b["branch"]: b["never_been"] for b in report["branches"]}
    assert rows["西湖区"] == 1 and rows["滨江区"] == 1


def test_report_page_and_export_are_for_association_staff_only(
    client, staff_user, xihu_officer, year_of_trips
):
    url = reverse("admin:wellbeing_convalescencetrip_report")
    client.force_login(staff_user)
    body = client.get(url, {"year": year_of_trips}).content.decode()
    assert "年度目标 250 人" in body and "未去戊" in body
    export = client.get(url, {"year": year_of_trips, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxml")
    client.force_login(xihu_officer)
    assert client.get(url).status_code in (403, 404)
