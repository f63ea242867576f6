"""Condolence visits against budgets, holiday campaigns, hardship cases, the annual report, cake lists."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import DomainError
from core.models import AccessLog
from tests import factories as f
from wellbeing.models import CampaignEntry, CondolenceVisit, Greeting, HardshipCase
from wellbeing.services.care import (
    campaign_generate,
    care_budget_check,
    care_report,
    condolence_visit_save,
    hardship_case_transition,
    hardship_follow_up_add,
)
from wellbeing.services.greetings import birthday_greetings_send

pytestmark = pytest.mark.django_db
D = datetime.date


def new_visit(member, cash, goods_value=0, **kwargs):
    fields = {"visit_date": D(2026, 5, 1), "visitors": "王主席", "occasion": "illness", **kwargs}
    return CondolenceVisit(
        member=member,
        cash_amount=cash,
        goods="水果" if goods_value else "",
        goods_value=goods_value,
        **fields,
    )


# ---------------------------------------------------------------------------- budgets


def test_visit_within_budget_is_saved_and_counted(xihu, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=1000)
    check = condolence_visit_save(visit=new_visit(xihu_member, 600, 200))
    assert not check.overspends and check.remaining == Decimal("200")
    assert care_budget_check(
        member=xihu_member, paid_by_association=False, visit_date=D(2026, 8, 1), cost=0
    ).spent == Decimal("800")


def test_visit_that_would_overspend_is_refused_with_a_warning(xihu, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=1000)
    condolence_visit_save(visit=new_visit(xihu_member, 900))
    with pytest.raises(DomainError) as exc:
        condolence_visit_save(visit=new_visit(xihu_member, 200))
    assert exc.value.code == "overspend"
    assert "超支" in exc.value.message and "超出100" in exc.value.message
    assert CondolenceVisit.objects.count() == 1


def test_confirmed_overspend_is_saved(xihu, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=100)
    check = condolence_visit_save(visit=new_visit(xihu_member, 200), confirm_overspend=True)
    assert check.overspends and CondolenceVisit.objects.count() == 1


def test_visit_without_a_budget_needs_confirmation(xihu_member):
    with pytest.raises(DomainError) as exc:
        condolence_visit_save(visit=new_visit(xihu_member, 100))
    assert "尚未设置" in exc.value.message


def test_association_paid_visit_is_charged_to_the_association_budget(xihu, xihu_member):
    f.CareBudgetFactory(branch=None, year=2026, amount=5000)
    f.CareBudgetFactory(branch=xihu, year=2026, amount=10)
    check = condolence_visit_save(visit=new_visit(xihu_member, 3000, paid_by_association=True))
    assert check.payer == "市协会本级" and check.remaining == Decimal("2000")


def test_near_limit_is_flagged(xihu, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=1000, warn_ratio=90)
    assert condolence_visit_save(visit=new_visit(xihu_member, 950)).near_limit


def test_admin_warns_before_overspending_and_saves_after_confirmation(
    client, xihu_officer, xihu, xihu_member
):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=100)
    client.force_login(xihu_officer)
    data = {
        "member": xihu_member.pk, "visit_date": "2026-05-01", "occasion": "illness", "visitors": "王主席",
        "cash_amount": "300", "goods": "", "goods_value": "0", "notes": "",
        "photos-TOTAL_FORMS": 0, "photos-INITIAL_FORMS": 0,
    }  # fmt: skip
    response = client.post(reverse("admin:wellbeing_condolencevisit_add"), data)
    assert response.status_code == 200 and "超支" in response.content.decode()
    assert CondolenceVisit.objects.count() == 0
    response = client.post(
        reverse("admin:wellbeing_condolencevisit_add"), {**data, "confirm_overspend": "on"}
    )
    assert response.status_code == 302
    assert CondolenceVisit.objects.get().created_by == xihu_officer


def test_photo_upload_is_checked_by_content(client, staff_user, xihu, xihu_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    f.CareBudgetFactory(branch=xihu, year=2026, amount=1000)
    client.force_login(staff_user)
    data = {
        "member": xihu_member.pk, "visit_date": "2026-05-01", "occasion": "illness", "visitors": "王主席",
        "cash_amount": "300", "goods": "", "goods_value": "0", "notes": "",
        "photos-TOTAL_FORMS": 1, "photos-INITIAL_FORMS": 0,
        "photos-0-image": SimpleUploadedFile("p.jpg", b"MZ not an image", content_type="image/jpeg"),
    }  # fmt: skip
    response = client.post(reverse("admin:wellbeing_condolencevisit_add"), data)
    assert response.status_code == 200 and CondolenceVisit.objects.count() == 0


# ---------------------------------------------------------------------------- campaigns


def test_campaign_lists_elderly_hardship_and_ill_members_per_branch(xihu, binjiang):
    campaign = f.VisitCampaignFactory(starts_on=D(2026, 2, 1), ends_on=D(2026, 2, 15), min_age=70)
    old = f.member_born(xihu, D(1955, 1, 31), name="七十一岁")
    f.member_born(xihu, D(1956, 2, 2), name="六十九岁")
    poor = f.member_born(binjiang, D(1980, 1, 1), name="困难户")
    f.HardshipCaseFactory(member=poor, status="helping")
    ill = f.member_born(binjiang, D(1985, 1, 1), name="重病")
    f.CondolenceVisitFactory(member=ill, occasion="illness", visit_date=D(2026, 1, 10))
    closed = f.member_born(xihu, D(1985, 1, 1), name="已结案")
    f.HardshipCaseFactory(member=closed, status="closed", kind="living", opened_on=D(2024, 1, 1))
    f.member_born(xihu, D(1940, 1, 1), name="已故", status="deceased")

    added = campaign_generate(campaign=campaign)

    entries = {e.member.name: e for e in CampaignEntry.objects.filter(campaign=campaign)}
    assert added == 3 and set(entries) == {"七十一岁", "困难户", "重病"}
    assert entries["七十一岁"].reasons == "70周岁以上"
    assert entries["困难户"].reasons == "帮扶对象"
    assert entries["重病"].reasons == "本年度患重病或遭遇意外"
    assert {e.member.branch for e in entries.values()} == {xihu, binjiang}
    assert old.pk in {e.member_id for e in entries.values()}
    campaign.refresh_from_db()
    assert campaign.status == "active"


def test_generating_twice_adds_nobody_twice(xihu):
    campaign = f.VisitCampaignFactory()
    f.member_born(xihu, D(1940, 1, 1))
    assert campaign_generate(campaign=campaign) == 1
    assert campaign_generate(campaign=campaign) == 0
    assert CampaignEntry.objects.count() == 1


def test_recording_the_visit_marks_the_list_entry_done(xihu):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=10000)
    campaign = f.VisitCampaignFactory()
    member = f.member_born(xihu, D(1940, 1, 1))
    campaign_generate(campaign=campaign)
    entry = CampaignEntry.objects.get()
    condolence_visit_save(visit=new_visit(member, 500, campaign_entry=entry, occasion="holiday"))
    entry.refresh_from_db()
    assert entry.status == "done"
    progress = list(CampaignEntry.objects.filter(campaign=campaign).progress_by_branch())
    assert progress[0]["done"] == 1 and progress[0]["pending"] == 0


def test_closed_campaign_cannot_be_regenerated():
    campaign = f.VisitCampaignFactory(status="closed")
    with pytest.raises(DomainError):
        campaign_generate(campaign=campaign)


# ---------------------------------------------------------------------------- hardship


def test_hardship_case_follows_its_transition_map(xihu_member):
    case = f.HardshipCaseFactory(member=xihu_member)
    hardship_follow_up_add(case=case, date=D(2026, 3, 5), by="李干事", note="送去慰问金", amount=500)
    assert case.status == "helping"
    hardship_case_transition(case=case, to_status="resolved")
    with pytest.raises(DomainError):
        hardship_case_transition(case=case, to_status="open")
    hardship_case_transition(case=case, to_status="closed", on=D(2026, 9, 1))
    assert case.closed_on == D(2026, 9, 1)
    with pytest.raises(DomainError):
        hardship_follow_up_add(case=case, date=D(2026, 9, 2), by="李干事", note="再访")
    assert [h.status for h in HardshipCase.objects.get().history.order_by("history_id")] == [
        "open", "helping", "resolved", "closed"
    ]  # fmt: skip


# ---------------------------------------------------------------------------- report


def test_report_shows_visits_people_money_and_goods_against_budget(staff_user, xihu, binjiang, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=2000)
    f.CareBudgetFactory(branch=None, year=2026, amount=9000)
    condolence_visit_save(visit=new_visit(xihu_member, 500, 100))
    condolence_visit_save(visit=new_visit(xihu_member, 300))
    condolence_visit_save(visit=new_visit(xihu_member, 1000, paid_by_association=True))
    rows = {r.payer: r for r in care_report(year=2026, user=staff_user)}
    xihu_row = rows["西湖区"]
    assert (xihu_row.visits, xihu_row.people, xihu_row.cash, xihu_row.goods) == (2, 1, 800, 100)
    assert xihu_row.remaining == Decimal("1100") and xihu_row.usage == "45.0%"
    assert rows["市协会本级"].spent == Decimal("1000")
    assert rows["滨江区"].visits == 0 and rows["滨江区"].budget is None


def test_officer_report_shows_only_own_branch(xihu_officer, xihu, binjiang):
    assert [r.payer for r in care_report(year=2026, user=xihu_officer)] == ["西湖区"]


def test_report_exports_xlsx_and_logs_the_access(client, staff_user, xihu, xihu_member):
    f.CareBudgetFactory(branch=xihu, year=2026, amount=2000)
    condolence_visit_save(visit=new_visit(xihu_member, 500))
    client.force_login(staff_user)
    response = client.get(reverse("admin:wellbeing_condolencevisit_report"), {"year": 2026, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["西湖区"][1] == 2000 and rows["西湖区"][4] == 500
    assert AccessLog.objects.filter(action="export", target="2026年走访慰问统计").exists()


# ---------------------------------------------------------------------------- cake lists


@pytest.fixture
def cakes(sms_outbox, xihu, binjiang):
    f.member_born(xihu, D(1970, 6, 1), name="西湖寿星", mobile="13800000001", address='=HYPERLINK("x")')
    f.member_born(binjiang, D(1970, 6, 1), name="滨江寿星", mobile="13800000002")
    birthday_greetings_send(day=D(2026, 6, 1))


def test_cake_list_exports_xlsx_per_branch(client, staff_user, cakes, xihu):
    client.force_login(staff_user)
    url = reverse("admin:wellbeing_greeting_cake_list")
    response = client.get(url, {"date": "2026-06-01", "branch": xihu.pk, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[2] for r in rows] == ["西湖寿星"]
    assert rows[0][4] == "13800000001" and rows[0][5].startswith("'=")
    assert AccessLog.objects.filter(target__startswith="生日蛋糕配送名单").exists()


def test_cake_list_prints_as_pdf(client, staff_user, cakes):
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:wellbeing_greeting_cake_list"), {"date": "2026-06-01", "format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")


def test_officer_cake_list_shows_own_branch_only(client, xihu_officer, cakes, binjiang):
    client.force_login(xihu_officer)
    url = reverse("admin:wellbeing_greeting_cake_list")
    body = client.get(url, {"date": "2026-06-01"}).content.decode()
    assert "西湖寿星" in body and "滨江寿星" not in body
    body = client.get(url, {"date": "2026-06-01", "branch": binjiang.pk}).content.decode()
    assert "滨江寿星" not in body


def test_marking_cakes_delivered(client, xihu_officer, cakes):
    client.force_login(xihu_officer)
    ids = list(Greeting.objects.filter(channel="cake").values_list("pk", flat=True))
    client.post(
        reverse("admin:wellbeing_greeting_changelist"),
        {"action": "mark_cake_delivered", "_selected_action": ids},
    )
    statuses = dict(Greeting.objects.filter(channel="cake").values_list("member__name", "status"))
    assert statuses == {"西湖寿星": "delivered", "滨江寿星": "listed"}


def test_officer_waiving_a_list_entry_must_give_a_reason(client, xihu_officer, xihu):
    campaign = f.VisitCampaignFactory()
    f.member_born(xihu, D(1940, 1, 1))
    campaign_generate(campaign=campaign)
    entry = CampaignEntry.objects.get()
    client.force_login(xihu_officer)
    url = reverse("admin:wellbeing_campaignentry_change", args=[entry.pk])
    response = client.post(url, {"status": "waived", "note": ""})
    assert response.status_code == 200 and "请填写不走访的原因" in response.content.decode()
    assert client.post(url, {"status": "waived", "note": "已迁居外地"}).status_code == 302
    entry.refresh_from_db()
    assert entry.status == "waived"
