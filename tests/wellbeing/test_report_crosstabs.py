"""The wellbeing report pages through their real URLs: crosstabs and 合计 lines that add up, per role."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from wellbeing.models import Inquiry

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


def assert_adds_up(table):
    for r in table["rows"]:
        assert r["total"] == sum(r["values"])
    assert table["totals"] == [
        sum(r["values"][i] for r in table["rows"]) for i in range(len(table["columns"]))
    ]
    assert table["total"] == sum(table["totals"])


@pytest.fixture
def inquiries(xihu, binjiang):
    may = datetime.datetime(2026, 5, 10, 10, tzinfo=SHANGHAI)
    june = datetime.datetime(2026, 6, 1, 0, 30, tzinfo=SHANGHAI)  # 31 May in UTC: months are local
    f.InquiryFactory(branch=xihu, channel="call", category="treatment", received_at=may)
    f.InquiryFactory(branch=xihu, channel="letter", category="treatment", received_at=june)
    f.InquiryFactory(branch=binjiang, channel="call", category="medical", received_at=june)
    f.InquiryFactory(branch=None, channel="online", category="other", received_at=june)


def test_inquiry_statistics_are_crosstabs_with_totals(client, staff_user, inquiries):
    client.force_login(staff_user)
    response = client.get(reverse("admin:wellbeing_inquiry_statistics"), {"year": 2026})
    by_branch, by_month = response.context["crosstabs"]
    for table in (by_branch, by_month):
        assert_adds_up(table)
        assert table["total"] == Inquiry.objects.count() == 4
    assert by_branch["columns"] == [label for _, label in Inquiry.Category.choices]
    assert {r["label"]: r["total"] for r in by_branch["rows"]} == {"市协会本级": 1, "西湖区": 2, "滨江区": 1}
    assert by_month["columns"] == ["来信", "来访", "来电", "网上"]
    months = {r["label"]: r["total"] for r in by_month["rows"]}
    assert months["5月"] == 1 and months["6月"] == 3 and len(months) == 12
    body = response.content.decode()
    assert "2026年按承办分会和类别" in body and "2026年按月份和渠道" in body and ">合计<" in body


def test_inquiry_statistics_for_an_officer_hold_their_branch_only(client, xihu_officer, inquiries):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:wellbeing_inquiry_statistics"), {"year": 2026})
    by_branch, by_month = response.context["crosstabs"]
    assert [r["label"] for r in by_branch["rows"]] == ["西湖区"]
    assert by_branch["total"] == by_month["total"] == 2
    body = response.content.decode()
    assert "滨江区" not in body and "市协会本级" not in body


def test_care_report_has_a_total_line_in_page_and_download(client, staff_user, xihu, binjiang):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=10000)
    f.CareBudgetFactory(branch=binjiang, year=2026, amount=5000)
    f.CondolenceVisitFactory(member=f.MemberFactory(branch=xihu), cash_amount=500, goods_value=200)
    f.CondolenceVisitFactory(member=f.MemberFactory(branch=binjiang), cash_amount=300, goods_value=0)
    client.force_login(staff_user)
    url = reverse("admin:wellbeing_condolencevisit_report")
    response = client.get(url, {"year": 2026})
    rows, total = response.context["rows"], response.context["total"]
    assert total.visits == sum(r.visits for r in rows) == 2
    assert total.spent == sum(r.spent for r in rows) == 1000
    assert total.budget == 15000
    assert ">合计<" in response.content.decode()
    sheet = load_workbook(io.BytesIO(client.get(url, {"year": 2026, "format": "xlsx"}).content)).active
    last = [c.value for c in list(sheet.iter_rows())[-1]]
    assert last[0] == "合计" and last[2] == 2


def test_care_report_for_an_officer_is_their_branch_only(client, xihu_officer, xihu, binjiang):
    f.CondolenceVisitFactory(member=f.MemberFactory(branch=xihu))
    f.CondolenceVisitFactory(member=f.MemberFactory(branch=binjiang))
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:wellbeing_condolencevisit_report"), {"year": 2026})
    assert [r.payer for r in response.context["rows"]] == ["西湖区"]
    assert response.context["total"].visits == 1
    assert "滨江区" not in response.content.decode()


def test_trip_report_totals_add_up_and_officers_are_refused(client, staff_user, xihu_officer, xihu, binjiang):
    trip = f.TripFactory()
    f.TripQuotaFactory(trip=trip, branch=xihu, places=3)
    f.TripQuotaFactory(trip=trip, branch=binjiang, places=2)
    client.force_login(staff_user)
    url = reverse("admin:wellbeing_convalescencetrip_report")
    response = client.get(url, {"year": trip.year})
    report, totals = response.context["report"], response.context["branch_totals"]
    for key in ("quota", "confirmed", "departed", "never_been"):
        assert totals[key] == sum(b[key] for b in report["branches"])
    assert totals["quota"] == 5
    assert response.context["group_total"] == sum(g["count"] for g in report["groups"])
    assert ">合计<" in response.content.decode()
    client.force_login(xihu_officer)
    assert client.get(url, {"year": trip.year}).status_code == 404
