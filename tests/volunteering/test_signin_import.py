"""Service hours from a sign-in sheet, through import-export's screens at their real URLs.

Staff import into any event; an officer only into their branch's events and only their
branch's members (another branch's member is "找不到该会员"); one bad row writes nothing.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AccessLog
from tests import factories as f
from volunteering.models import Participation

pytestmark = pytest.mark.django_db

IMPORT = "admin:volunteering_participation_import"
CONFIRM = "admin:volunteering_participation_process_import"


def sheet(rows, headers=("姓名", "身份证号", "手机号", "服务时长", "角色"), name="签到表.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def preview(client, event, upload):
    return client.post(
        reverse(IMPORT), {"event": event.pk, "import_file": upload, "format": "0", "resource": "0"}
    )


def confirm(client, response):
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    return client.post(reverse(CONFIRM), data)


@pytest.fixture
def world(xihu, binjiang):
    xihu_event = f.ServiceEventFactory(
        team=f.ServiceTeamFactory(branch=xihu), duration_hours=8, status="planned"
    )
    binjiang_event = f.ServiceEventFactory(team=f.ServiceTeamFactory(branch=binjiang), status="planned")
    wang = f.MemberFactory(branch=xihu, name="王一", mobile="13811110001")
    li = f.MemberFactory(branch=xihu, name="李二", mobile="13811110002")
    zhao = f.MemberFactory(branch=binjiang, name="赵三", mobile="13811110003")
    return {"event": xihu_event, "other_event": binjiang_event, "wang": wang, "li": li, "zhao": zhao}


def test_staff_previews_then_confirms_and_hours_are_recorded_with_history(client, staff_user, world):
    client.force_login(staff_user)
    page = client.get(reverse(IMPORT)).content.decode()
    assert "导入签到表" in page and "下载签到表模板" in page and world["event"].title in page
    upload = sheet(
        [["王一", world["wang"].id_number, "", 4, "带队"], ["李二", "", "138 1111 0002", "2.5", ""]]
    )
    response = preview(client, world["event"], upload)
    text = response.content.decode()
    assert response.status_code == 200 and "确认导入" in text and "预览（共2人）" in text
    assert world["wang"].id_number not in text  # the preview masks the 身份证号
    assert not Participation.objects.exists()  # the dry run writes nothing
    done = confirm(client, response)
    assert done.status_code == 302
    wang = Participation.objects.get(member=world["wang"])
    assert (wang.hours, wang.role) == (4, "leader")
    li = Participation.objects.get(member=world["li"])
    assert (float(li.hours), li.role) == (2.5, "volunteer")
    assert wang.history.get().history_user == staff_user
    assert AccessLog.objects.filter(action=AccessLog.Action.VIEW_ID, target__contains="签到表").exists()

    # Imported again with other hours: updated, not duplicated.
    response = preview(client, world["event"], sheet([["王一", world["wang"].id_number, "", 6, "技术专家"]]))
    confirm(client, response)
    wang.refresh_from_db()
    assert (wang.hours, wang.role) == (6, "expert") and Participation.objects.count() == 2


def test_one_bad_row_writes_nothing_and_every_error_is_named_in_chinese(client, staff_user, world):
    client.force_login(staff_user)
    sun = f.MemberFactory(branch=world["event"].team.branch, name="孙四")
    upload = sheet([
        ["王一", world["wang"].id_number, "", 4, "带队"],
        ["李二", "", "13811110002", 20, ""],
        ["张无", "", "13899999999", 1, ""],
        ["李二", world["wang"].id_number, "", 1, ""],
        ["王一", world["wang"].id_number, "", 1, ""],
        ["赵三", world["zhao"].id_number, "", 1, "厨师"],
        ["孙四", sun.id_number, "", "两小时", ""],
    ])  # fmt: skip
    response = preview(client, world["event"], upload)
    text = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "签到表有错误，未导入任何数据" in text
    assert "第3行" in text and "超过活动时长（8.0小时）" in text
    assert "找不到该会员（张无）" in text
    assert "姓名“李二”与身份证号登记的会员不符" in text
    assert "角色“厨师”无效，应为：带队、技术专家、授课讲师、教练、志愿者 之一" in text
    assert "与第2行是同一人" in text
    assert "服务时长“两小时”不是数字" in text
    assert world["wang"].id_number not in text
    assert not Participation.objects.exists()


def test_officer_imports_only_their_branch_members_into_their_events(client, xihu_officer, world):
    client.force_login(xihu_officer)
    page = client.get(reverse(IMPORT)).content.decode()
    assert world["event"].title in page and world["other_event"].title not in page
    # Another branch's member is as missing as a stranger.
    response = preview(client, world["event"], sheet([["赵三", world["zhao"].id_number, "", 2, ""]]))
    assert "找不到该会员（赵三）" in response.content.decode()
    response = preview(client, world["event"], sheet([["赵三", "", "13811110003", 2, ""]]))
    assert "找不到该会员（赵三）" in response.content.decode()
    # Another branch's event is not a choice.
    response = preview(client, world["other_event"], sheet([["王一", world["wang"].id_number, "", 2, ""]]))
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert response.context["form"].errors["event"]
    # Their own member into their own event goes through.
    response = preview(client, world["event"], sheet([["王一", world["wang"].id_number, "", 2, ""]]))
    confirm(client, response)
    assert Participation.objects.get().member == world["wang"]


def test_other_branch_officer_cannot_confirm_or_reach_the_event(
    client, binjiang_officer, xihu_officer, world
):
    client.force_login(xihu_officer)
    response = preview(client, world["event"], sheet([["王一", world["wang"].id_number, "", 2, ""]]))
    form = response.context["confirm_form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    client.force_login(binjiang_officer)
    assert client.post(reverse(CONFIRM), data).status_code == 404  # not an upload of this session
    response = preview(client, world["event"], sheet([["王一", world["wang"].id_number, "", 2, ""]]))
    assert response.context["form"].errors["event"]
    assert not Participation.objects.exists()


def test_a_row_that_stops_validating_before_confirmation_rolls_everything_back(client, staff_user, world):
    client.force_login(staff_user)
    upload = sheet([["王一", world["wang"].id_number, "", 4, ""], ["李二", world["li"].id_number, "", 3, ""]])
    response = preview(client, world["event"], upload)
    world["li"].name = "李贰"  # renamed between preview and confirmation
    world["li"].save()
    done = confirm(client, response)
    assert done.status_code == 200 and "已全部撤回" in done.content.decode()
    assert not Participation.objects.exists()


def test_sign_in_template_and_unreadable_files(client, staff_user, world):
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:volunteering_participation_import_template") + f"?event={world['event'].pk}"
    )
    workbook = load_workbook(io.BytesIO(response.content))
    ws = workbook["签到表"]
    assert [c.value for c in ws[1]] == ["姓名", "身份证号", "手机号", "服务时长", "角色"]
    assert ws.column_dimensions["B"].number_format == "@" and ws.column_dimensions["C"].number_format == "@"
    assert ws.data_validations.dataValidation[0].formula1 == '"带队,技术专家,授课讲师,教练,志愿者"'
    assert world["event"].title in str([c.value for c in workbook["填写说明"]["A"]])
    bad = preview(client, world["event"], SimpleUploadedFile("签到表.xlsx", b"PK\x03\x04broken"))
    assert bad.status_code == 200 and "Excel文件已损坏" in bad.content.decode()
    headless = preview(client, world["event"], sheet([["王一", 2]], headers=("名字", "时长")))
    assert "缺少：姓名" in headless.content.decode()


def test_member_cannot_reach_the_import(client, xihu_member, world):
    client.force_login(xihu_member.user) if xihu_member.user else None
    response = client.get(reverse(IMPORT))
    assert response.status_code in (302, 403, 404)
