"""The import template as office staff use it, refused values named, the error list as .xlsx.

Everything goes through the real admin URLs: the template is downloaded, opened with
openpyxl, filled in as a person would and uploaded back.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from core.idcard import mask_id_number
from core.models import AccessLog
from core.validators import validate_mobile
from members.models import ETHNICITIES, POLITICAL_STATUSES, Honor, Member, MemberImport
from tests import factories as f

from .io_helpers import new_id, private_media, row, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db


def template(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:members_member_import_template"))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def headers(sheet) -> list:
    return [c.value for c in sheet[1]]


def validations_by_column(sheet) -> dict:
    """Header of the first column each list validation covers -> its formula."""
    found = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list"
        for cell_range in validation.sqref.ranges:
            header = sheet.cell(1, cell_range.min_col).value
            assert cell_range.min_row == 2 and cell_range.max_row >= 1000
            found[header] = validation.formula1
    return found


def option_values(workbook, formula: str) -> list:
    """The values a validation formula like ='选项'!$B$2:$B$57 lists."""
    sheet_part, cells = formula.lstrip("=").split("!")
    assert sheet_part.strip("'") == "选项"
    first, last = cells.replace("$", "").split(":")
    sheet = workbook["选项"]
    return [c.value for row in sheet[first:last] for c in row]


def upload(client, workbook, name="名册.xlsx"):
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = name
    response = client.post(reverse("admin:members_member_import"), {"file": buffer})
    assert response.status_code == 302, response.content.decode()[:500]
    return MemberImport.objects.order_by("-pk").first()


def fill(sheet, values: dict, at_row=2):
    columns = {h.rstrip("*"): i for i, h in enumerate(headers(sheet), start=1)}
    for header, value in values.items():
        sheet.cell(at_row, columns[header], value)


def test_template_has_dropdowns_on_a_hidden_options_sheet_text_columns_and_instructions(client, xihu, binjiang,
                                                                                       staff_user):  # fmt: skip
    workbook = template(client, staff_user)
    assert workbook.sheetnames == ["劳模工匠名册", "填写说明", "选项"]
    assert workbook["选项"].sheet_state == "hidden"
    sheet = workbook["劳模工匠名册"]
    names = headers(sheet)
    assert names[:2] == ["姓名*", "身份证号*"]
    assert [h for h in names if h.startswith("荣誉类别")] == ["荣誉类别1", "荣誉类别2", "荣誉类别3"]
    rules = validations_by_column(sheet)
    assert set(rules) >= {"性别", "民族", "政治面貌", "所属分会", "荣誉类别1", "荣誉级别1", "荣誉类别3",
                          "荣誉级别3"}  # fmt: skip
    assert option_values(workbook, rules["性别"]) == ["男", "女"]
    assert option_values(workbook, rules["民族"]) == ETHNICITIES and len(ETHNICITIES) == 56
    assert option_values(workbook, rules["政治面貌"]) == POLITICAL_STATUSES
    assert "无党派人士" in POLITICAL_STATUSES and POLITICAL_STATUSES[-1] == "群众"
    assert option_values(workbook, rules["所属分会"]) == ["西湖区", "滨江区"]
    assert option_values(workbook, rules["荣誉类别2"]) == list(Honor.Kind.labels)
    assert option_values(workbook, rules["荣誉级别1"]) == ["全国", "省级", "市级", "区县级"]
    for header in ("身份证号*", "手机号码"):
        letter = sheet.cell(1, names.index(header) + 1).column_letter
        assert sheet.column_dimensions[letter].number_format == "@"
    assert sheet.freeze_panes == "C2"
    assert all(sheet.column_dimensions[c.column_letter].width >= 6 for c in sheet[1])
    assert sheet.max_row == 1  # no example person to import by mistake: the example is in 填写说明
    help_rows = [[c.value for c in r] for r in workbook["填写说明"].iter_rows()]
    table = {r[0]: r for r in help_rows if r[0] and r[1] in ("必填", "选填", "填写荣誉时必填")}
    assert table["姓名"][1] == "必填" and table["身份证号"][4]  # required, with an example
    assert "中共党员" in table["政治面貌"][3] and "从下拉列表中选择" in table["政治面貌"][2]
    assert "0571-87654321" in table["手机号码"][5]


def test_officer_template_lists_only_their_branch(client, xihu, binjiang, xihu_officer):
    workbook = template(client, xihu_officer)
    rules = validations_by_column(workbook["劳模工匠名册"])
    assert option_values(workbook, rules["所属分会"]) == ["西湖区"]


def test_filled_template_imports_several_honours_per_person(client, xihu, staff_user):
    workbook = template(client, staff_user)
    sheet = workbook["劳模工匠名册"]
    fill(sheet, {"姓名": "王建国", "身份证号": new_id(31), "民族": "汉族", "政治面貌": "无党派人士",
                 "手机号码": "0571-87654321", "所属分会": "西湖区",
                 "荣誉类别1": "劳动模范", "荣誉级别1": "市级", "荣誉称号1": "杭州市劳动模范", "授予年份1": 2015,
                 "荣誉类别2": "工匠", "荣誉级别2": "省级", "荣誉称号2": "浙江工匠", "授予年份2": "2020",
                 "授予机关2": "浙江省总工会", "文件号2": "浙工〔2020〕8号"})  # fmt: skip
    fill(sheet, {"姓名": "李秀英", "身份证号": new_id(32), "所属分会": "西湖区", "荣誉类别3": "五一劳动奖章",
                 "荣誉级别3": "全国", "荣誉称号3": "全国五一劳动奖章", "授予年份3": 2019}, at_row=3)  # fmt: skip
    job = upload(client, workbook)
    assert job.status == MemberImport.Status.READY, job.report
    client.post(reverse("admin:members_member_import_detail", args=[job.pk]))
    wang = Member.objects.get(id_number=new_id(31))
    assert sorted(wang.honors.values_list("title", flat=True)) == ["杭州市劳动模范", "浙江工匠"]
    assert wang.category == Member.Category.BOTH and wang.top_honor_level == 2
    assert wang.political_status == "无党派人士" and wang.mobile == "0571-87654321"
    assert Honor.objects.get(title="浙江工匠").document_number == "浙工〔2020〕8号"
    assert Member.objects.get(id_number=new_id(32)).honors.get().level == Honor.Level.NATIONAL

    # The same file again with a fourth group added by hand: only the new honour is added.
    workbook = template(client, staff_user)
    sheet = workbook["劳模工匠名册"]
    width = sheet.max_column
    for offset, header in enumerate(["荣誉类别4", "荣誉级别4", "荣誉称号4", "授予年份4"], start=1):
        sheet.cell(1, width + offset, header)
    fill(sheet, {"姓名": "王建国", "身份证号": new_id(31), "荣誉类别1": "劳动模范", "荣誉级别1": "市级",
                 "荣誉称号1": "杭州市劳动模范", "授予年份1": 2015, "荣誉类别4": "先进工作者", "荣誉级别4": "区县级",
                 "荣誉称号4": "西湖区先进工作者", "授予年份4": 2012})  # fmt: skip
    job = upload(client, workbook)
    assert job.report["counts"]["updated"] == 1, job.report
    client.post(reverse("admin:members_member_import_detail", args=[job.pk]))
    assert wang.honors.count() == 3 and wang.honors.filter(title="杭州市劳动模范").count() == 1


def test_old_single_honour_layout_still_imports(client, xihu, staff_user):
    client.force_login(staff_user)
    file = xlsx_file([row(name="赵一", id_number=new_id(33), branch="西湖区", honor_kind="工匠", honor_level="市级",
                          honor_title="杭州工匠", honor_year="2021")])  # fmt: skip
    client.post(reverse("admin:members_member_import"), {"file": file})
    job = MemberImport.objects.get()
    client.post(reverse("admin:members_member_import_detail", args=[job.pk]))
    assert Member.objects.get(id_number=new_id(33)).honors.get().title == "杭州工匠"


def test_refused_values_name_the_allowed_ones_and_the_errors_download_as_xlsx(client, xihu, staff_user):
    workbook = template(client, staff_user)
    sheet = workbook["劳模工匠名册"]
    fill(sheet, {"姓名": "钱一", "身份证号": new_id(34), "政治面貌": "无党派", "所属分会": "西湖区"})
    fill(sheet, {"姓名": "孙二", "身份证号": new_id(35), "手机号码": "1381234", "所属分会": "西湖区",
                 "荣誉类别2": "劳动模范", "荣誉级别2": "县级", "荣誉称号2": "某称号", "授予年份2": 2015}, at_row=3)  # fmt: skip
    fill(
        sheet,
        {"姓名": "周三", "身份证号": new_id(36)[:-1] + "0", "所属分会": "西湖区", "民族": "汉人"},
        at_row=4,
    )
    fill(sheet, {"姓名": "吴四", "身份证号": new_id(37), "所属分会": "西湖区"}, at_row=5)
    job = upload(client, workbook)
    assert job.status == MemberImport.Status.INVALID
    errors = {(e["row"], e["column"]): e for e in job.report["errors"]}
    political = errors[(2, "政治面貌")]
    assert political["message"].startswith(
        "政治面貌“无党派”无效，应为：中共党员、中共预备党员、共青团员、民革党员、"
    )
    assert "无党派人士、群众 之一" in political["message"] and political["value"] == "无党派"
    mobile = errors[(3, "手机号码")]
    assert "11位手机号码" in mobile["message"] and "0571-87654321" in mobile["message"]
    assert "应为：全国、省级、市级、区县级 之一" in errors[(3, "荣誉级别2")]["message"]
    assert "汉族、蒙古族、回族" in errors[(4, "民族")]["message"]
    id_error = errors[(4, "身份证号")]
    assert id_error["value"] == mask_id_number(new_id(36)[:-1] + "0") and id_error["name"] == "周三"
    assert not Member.objects.exists()  # all or nothing: 吴四's good row is not written either

    page = client.get(reverse("admin:members_member_import_detail", args=[job.pk])).content.decode()
    url = reverse("admin:members_member_import_errors", args=[job.pk])
    assert url in page and "下载错误清单" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    assert rows[0] == ["行号", "姓名", "列", "填写的值", "错误原因"]
    assert [2, "钱一", "政治面貌", "无党派", political["message"]] in rows
    assert new_id(36)[:-1] + "0" not in str(rows)  # the 身份证号 stays masked in the download
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert log.user == staff_user and log.row_count == len(job.report["errors"])


def test_error_list_of_another_users_import_is_not_found(client, xihu, staff_user, xihu_officer):
    client.force_login(xihu_officer)
    client.post(reverse("admin:members_member_import"),
                {"file": xlsx_file([row(name="甲", id_number="123", branch="西湖区")])})  # fmt: skip
    job = MemberImport.objects.get()
    assert job.report["errors"]
    assert client.get(reverse("admin:members_member_import_errors", args=[job.pk])).status_code == 200
    client.force_login(staff_user)
    assert client.get(reverse("admin:members_member_import_errors", args=[job.pk])).status_code == 404


@pytest.mark.parametrize("value", ["13812345678", "138 1234 5678", "+86 13812345678", "0571-87654321",
                                   "057187654321", "(0571)87654321", "010-62345678"])  # fmt: skip
def test_mobiles_and_landlines_with_area_code_are_phones(value):
    validate_mobile(value)


@pytest.mark.parametrize("value", ["1381234", "12812345678", "138123456789", "87654321", "phone"])
def test_short_or_foreign_numbers_are_refused(value):
    with pytest.raises(ValidationError):
        validate_mobile(value)


def test_one_phone_rule_in_model_admin_and_api(client, xihu, staff_user, api_as):
    member = f.MemberFactory(branch=xihu)
    member.full_clean()  # the factories' numbers are valid mobiles
    member.mobile = "1381234"
    with pytest.raises(ValidationError) as raised:
        member.full_clean()
    assert "手机号码" in str(raised.value)
    response = api_as(staff_user).patch(f"/api/members/{member.pk}/", {"mobile": "1381234"}, format="json")
    assert response.status_code == 400 and "0571-87654321" in str(response.json())
    ok = api_as(staff_user).patch(f"/api/members/{member.pk}/", {"mobile": "0571-87654321"}, format="json")
    assert ok.status_code == 200
    member.refresh_from_db()
    assert member.mobile == "0571-87654321"
