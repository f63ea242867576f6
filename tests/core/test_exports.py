"""导出Excel on every list (core.admin.exporting): per admin and role, the file staff get.

One parametrised test per exporting admin drives the real URL as association staff, the
xihu officer and the binjiang officer (and a member, who gets no file); it checks that the
file opens, holds exactly the rows the role may see, neutralises a formula, has a bold frozen
header, fitted widths and text-formatted number columns, and that the access log has the
export. The kernel tests after it prove the door fails closed and the masking.
"""

import datetime
import io
import itertools
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.admin.exporting import ExcelExportMixin
from core.models import AccessLog
from core.spreadsheets import display_width, text_columns_for, xlsx_bytes
from members import services as member_services
from members.models import CraftsmanCard, Transfer
from publications.models import BookDistribution
from tests import factories as f
from wellbeing.models import CampaignEntry, Greeting
from workshops.models import Assessment, Standard

pytestmark = pytest.mark.django_db

XIHU_MARK = '=HYPERLINK("http://x/xihu")'
BINJIANG_MARK = '=HYPERLINK("http://x/binjiang")'
_sequence = itertools.count(1)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def member(branch, **kwargs):
    return f.MemberFactory(branch=branch, **kwargs)


def _transfer(branch, mark):
    other = f.BranchFactory()
    return Transfer.objects.create(member=member(branch), from_branch=branch, to_branch=other, reason=mark)


def _card(branch, mark):
    m = member(branch)
    return CraftsmanCard.objects.create(
        number=f"JXK-{branch.code}", year=2026, sequence=next(_sequence), member=m, holder_name=m.name, title=mark,
        issued_on=datetime.date(2026, 1, 1), expires_on=datetime.date(2028, 12, 31),
    )  # fmt: skip


def _certificate(branch, mark):
    m = member(branch)
    f.HonorFactory(member=m)
    staff = f.association_staff()
    return member_services.certificate_issue(member=m, actor=staff, purpose=mark)


def _assessment(branch, mark):
    standard = Standard.objects.create(name="规范", version=f"v-{branch.code}", pass_mark=80)
    workshop = f.WorkshopFactory(branch=branch, status="named")
    return Assessment.objects.create(
        workshop=workshop, standard=standard, purpose="acceptance", assessed_on=datetime.date(2021, 5, 1),
        assessors=mark, total_score=90, passed=True,
    )  # fmt: skip


def _greeting(branch, mark):
    return Greeting.objects.create(
        member=member(branch), year=2026, channel="cake", calendar="solar", birthday=datetime.date(2026, 6, 1),
        delivered_by=mark,
    )  # fmt: skip


def _entry(branch, mark):
    return CampaignEntry.objects.create(campaign=f.VisitCampaignFactory(), member=member(branch), reasons="70周岁以上",
                                        note=mark)  # fmt: skip


def _distribution(branch, mark):
    return BookDistribution.objects.create(
        book=f.BookFactory(), recipient=mark, recipient_kind="school", copies=30, date=datetime.date(2021, 4, 23)
    )


@dataclass
class Case:
    model: str  # app_model, as in the admin's URL names
    make: object  # (branch, mark) -> a row of that branch holding the mark in an exported column
    scoped: bool = True


CASES = [
    Case("members_honor", lambda b, m: f.HonorFactory(member=member(b), title=m)),
    Case("members_certificate", _certificate),
    Case("members_craftsmancard", _card),
    Case("members_transfer", _transfer),
    Case("workshops_workshop", lambda b, m: f.WorkshopFactory(branch=b, name=m)),
    Case("workshops_subsidy", lambda b, m: f.SubsidyFactory(workshop__branch=b, purpose_detail=m)),
    Case("workshops_workshopactivity", lambda b, m: f.WorkshopActivityFactory(workshop__branch=b, title=m)),
    Case("workshops_assessment", _assessment),
    Case("volunteering_serviceteam", lambda b, m: f.ServiceTeamFactory(branch=b, name=m)),
    Case("volunteering_beneficiary", lambda b, m: f.BeneficiaryFactory(branch=b, name=m)),
    Case("volunteering_servicerequest", lambda b, m: f.ServiceRequestFactory(branch=b, title=m)),
    Case("volunteering_course", lambda b, m: f.CourseFactory(teacher=member(b), subject=m)),
    Case("volunteering_donation", lambda b, m: f.DonationFactory(member=member(b), cause=m)),
    Case("volunteering_serviceevent", lambda b, m: f.ServiceEventFactory(team__branch=b, title=m)),
    Case("volunteering_participation",
         lambda b, m: f.ParticipationFactory(member=member(b), event=f.ServiceEventFactory(team__branch=b, title=m))),
    Case("wellbeing_inquiry", lambda b, m: f.InquiryFactory(branch=b, subject=m)),
    Case("wellbeing_condolencevisit", lambda b, m: f.CondolenceVisitFactory(member=member(b), visitors=m)),
    Case("wellbeing_campaignentry", _entry),
    Case("wellbeing_hardshipcase", lambda b, m: f.HardshipCaseFactory(member=member(b), description=m)),
    Case("wellbeing_carebudget", lambda b, m: f.CareBudgetFactory(branch=b, notes=m)),
    Case("wellbeing_nomination", lambda b, m: f.NominationFactory(member=member(b), reason=m)),
    Case("wellbeing_greeting", _greeting),
    Case("wellbeing_convalescencetrip", lambda b, m: f.TripFactory(name=m), scoped=False),
    Case("publications_newsletterissue", lambda b, m: f.NewsletterIssueFactory(branch=b, title=m)),
    Case("publications_book", lambda b, m: f.BookFactory(title=m), scoped=False),
    Case("publications_bookdistribution", _distribution, scoped=False),
]  # fmt: skip


def model_admin(case):
    for model, ma in admin.site._registry.items():
        if f"{model._meta.app_label}_{model._meta.model_name}" == case.model:
            return ma
    raise LookupError(case.model)


def form_data(ma, **extra):
    """The export form as the page posts it: Excel, every column ticked."""
    resource = ma.resource_classes[0]
    data = {"resource": "0", "format": "0"}
    for name in resource().get_export_order():
        data[f"{resource.__name__.lower()}_{name}"] = "on"
    return {**data, **extra}


def export(client, case, params=None, **extra):
    url = reverse(f"admin:{case.model}_export") + ("?" + urlencode(params) if params else "")
    return client.post(url, form_data(model_admin(case), **extra))


def workbook(response):
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def values(sheet):
    return [[c.value for c in row] for row in sheet.iter_rows()]


def assert_office_format(sheet):
    """Bold frozen header, every column width fitted, number-like columns as text."""
    rows = values(sheet)
    headers = rows[0]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    for index, header in enumerate(headers, start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        assert sheet.column_dimensions[letter].width >= display_width(header)
    for index in text_columns_for(headers):
        for row in sheet.iter_rows(min_row=2):
            assert row[index].number_format == "@"


def test_every_list_with_an_export_is_in_the_cases():
    exporting = {
        f"{model._meta.app_label}_{model._meta.model_name}"
        for model, ma in admin.site._registry.items()
        if isinstance(ma, ExcelExportMixin)
    }
    assert exporting == {case.model for case in CASES}
    # The workshop and service-event lists, which had no export before.
    assert {"workshops_workshop", "volunteering_serviceevent"} <= exporting


@pytest.mark.parametrize("case", CASES, ids=[c.model for c in CASES])
def test_export_per_role(case, client, xihu, binjiang, staff_user, xihu_officer, binjiang_officer, xihu_member):
    case.make(xihu, XIHU_MARK)
    case.make(binjiang, BINJIANG_MARK)
    xihu_cell, binjiang_cell = "'" + XIHU_MARK, "'" + BINJIANG_MARK
    expected = {staff_user: {xihu_cell, binjiang_cell}, xihu_officer: {xihu_cell},
                binjiang_officer: {binjiang_cell}}  # fmt: skip
    for user, marks in expected.items():
        client.force_login(user)
        listed = client.get(reverse(f"admin:{case.model}_changelist"))
        response = export(client, case)
        if not case.scoped:
            if listed.status_code == 403:  # a list only association staff work from
                assert response.status_code == 403
                continue
            marks = {xihu_cell, binjiang_cell}  # a catalogue without branches
        assert "导出Excel" in listed.content.decode()
        sheet = workbook(response)
        rows = values(sheet)
        cells = {value for row in rows[1:] for value in row}
        assert {xihu_cell, binjiang_cell} & cells == marks, user.username
        assert XIHU_MARK not in cells and BINJIANG_MARK not in cells  # never a live formula
        assert_office_format(sheet)
        log = AccessLog.objects.filter(user=user, action=AccessLog.Action.EXPORT).latest("pk")
        assert log.row_count == len(rows) - 1 and log.detail["format"] == "xlsx"
    # A member (not staff) is sent to the staff login: no file.
    client.force_login(f.member_user(xihu_member))
    response = export(client, case)
    assert response.status_code == 302 and "login" in response["Location"]
    client.logout()
    assert export(client, case).status_code == 302


# ---- the door -------------------------------------------------------------------------------

HONOR = CASES[0]


def test_export_holds_the_changelist_search_and_filters(client, staff_user, xihu, binjiang):
    f.HonorFactory(member=member(xihu), title="甲荣誉", year=2019)
    f.HonorFactory(member=member(binjiang), title="乙荣誉", year=2020)
    client.force_login(staff_user)
    titles = lambda response: {row[4] for row in values(workbook(response))[1:]}  # noqa: E731
    assert titles(export(client, HONOR, {"year": "2020"})) == {"乙荣誉"}
    assert titles(export(client, HONOR, {"q": "甲荣"})) == {"甲荣誉"}
    log = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).latest("pk")
    assert log.detail["filter"] == "q=%E7%94%B2%E8%8D%A3" and log.target == "荣誉"


def test_undeclared_or_malformed_filter_exports_nothing(client, staff_user, xihu):
    f.HonorFactory(member=member(xihu))
    client.force_login(staff_user)
    for params in ({"member__id_number__startswith": "33"}, {"year": "x" * 50}, {"level__exact": "abc"}):
        response = export(client, HONOR, params)
        assert response.status_code == 302 and "e=1" in response["Location"], params
    assert export(client, HONOR, {"kind__exact": "\x00"}).status_code == 400  # the bad-input middleware
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_selected_rows_action_exports_only_visible_selected_rows(client, xihu, binjiang, xihu_officer):
    mine = f.HonorFactory(member=member(xihu), title="西湖荣誉")
    theirs = f.HonorFactory(member=member(binjiang), title="滨江荣誉")
    client.force_login(xihu_officer)
    page = client.post(reverse("admin:members_honor_changelist"),
                       {"action": "export_admin_action", "_selected_action": [mine.pk]})  # fmt: skip
    assert page.status_code == 200 and "将导出所选的 1 条记录" in page.content.decode()
    sheet = workbook(export(client, HONOR, export_items=[mine.pk, theirs.pk]))
    assert [row[4] for row in values(sheet)[1:]] == ["西湖荣誉"]
    sheet = workbook(export(client, HONOR, export_items=[theirs.pk]))
    assert values(sheet)[1:] == []
    bad = export(client, HONOR, export_items=["abc", "99999999999999999999"])
    assert bad.status_code == 200 and "所选记录无效" in bad.content.decode()


def test_export_page_and_list_are_in_chinese(client, xihu_officer, xihu):
    f.HonorFactory(member=member(xihu))
    client.force_login(xihu_officer)
    page = client.get(reverse("admin:members_honor_export") + "?year=2020").content.decode()
    for text in ("导出Excel", "文件格式", "Excel（.xlsx）", "导出的列", "全选", "荣誉称号", "劳模工匠", "所属分会"):
        assert text in page, text
    for english in ("Resource", "Select all", "Submit", "This exporter", "Format"):
        assert english not in page, english
    assert "包含完整" not in page  # officers are never offered full numbers
    blank = client.post(reverse("admin:members_honor_export"), {"resource": "0", "format": "0"})
    assert blank.status_code == 200 and "请至少勾选一列" in blank.content.decode()


def test_list_keeps_its_own_tools_beside_the_export_button(client, xihu_officer):
    client.force_login(xihu_officer)
    body = client.get(reverse("admin:wellbeing_greeting_changelist")).content.decode()
    assert "今日生日蛋糕配送名单" in body and "导出Excel" in body


# ---- masking --------------------------------------------------------------------------------

NOMINATION = next(c for c in CASES if c.model == "wellbeing_nomination")
INQUIRY = next(c for c in CASES if c.model == "wellbeing_inquiry")


def _column(sheet, header):
    rows = values(sheet)
    index = rows[0].index(header)
    return [row[index] for row in rows[1:]], [row[index] for row in sheet.iter_rows(min_row=2)]


def test_phones_masked_unless_association_staff_ask_for_full_values(client, xihu, staff_user, xihu_officer):
    f.NominationFactory(member=member(xihu, mobile="13912345678"))
    client.force_login(xihu_officer)
    assert _column(workbook(export(client, NOMINATION, full_values="on")), "手机号码")[0] == ["139****5678"]
    client.force_login(staff_user)
    assert _column(workbook(export(client, NOMINATION)), "手机号码")[0] == ["139****5678"]
    page = client.get(reverse("admin:wellbeing_nomination_export")).content.decode()
    assert "包含完整的身份证号、手机号码" in page
    phones, cells = _column(workbook(export(client, NOMINATION, full_values="on")), "手机号码")
    assert phones == ["13912345678"] and cells[0].number_format == "@" and cells[0].data_type == "s"
    logs = AccessLog.objects.filter(action=AccessLog.Action.EXPORT).order_by("pk")
    assert [log.detail["full_values"] for log in logs] == [False, False, True]


def test_phone_in_free_text_contact_is_masked(client, xihu, xihu_officer):
    f.InquiryFactory(branch=xihu, contact="手机13900001111，白天")
    client.force_login(xihu_officer)
    assert _column(workbook(export(client, INQUIRY)), "联系方式")[0] == ["手机139****1111，白天"]


# ---- the file format (core.spreadsheets) ----------------------------------------------------


def test_spreadsheet_format_ids_widths_dates():
    id_number = "330106198001011234"
    content = xlsx_bytes(["姓名", "身份证号", "出生日期", "登记时间"],
                         [["张三丰丰丰丰丰丰", id_number, datetime.date(1980, 1, 1),
                           datetime.datetime(2026, 5, 1, 1, 30, tzinfo=datetime.UTC)]])  # fmt: skip
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["B2"].value == id_number and sheet["B2"].number_format == "@"
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].value == datetime.datetime(2026, 5, 1, 9, 30)  # Asia/Shanghai, as staff read it
    assert sheet.column_dimensions["A"].width == 2 * 8 + 2  # eight CJK characters count double
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.b


def test_member_registry_export_has_the_same_format(client, staff_user, xihu):
    f.MemberFactory(branch=xihu, name="格式测试")
    client.force_login(staff_user)
    response = client.get(reverse("admin:members_member_export"), {"_format": "xlsx", "_full": "1"})
    sheet = workbook(response)
    assert_office_format(sheet)
    ids, cells = _column(sheet, "身份证号")
    assert len(ids[0]) == 18 and cells[0].number_format == "@"
    assert _column(sheet, "出生日期")[1][0].is_date


def test_export_queries_do_not_grow_with_rows(client, staff_user, xihu):
    """Relations are joined and many-to-many columns prefetched: no query per row."""
    case = next(c for c in CASES if c.model == "volunteering_serviceevent")
    team = f.ServiceTeamFactory(branch=xihu)
    client.force_login(staff_user)

    def queries(rows):
        for _ in range(rows):
            event = f.ServiceEventFactory(team=team)
            event.beneficiaries.add(f.BeneficiaryFactory(branch=xihu))
        with CaptureQueriesContext(connection) as captured:
            workbook(export(client, case))
        return len(captured)

    assert queries(2) == queries(20)
