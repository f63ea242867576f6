"""A member's 登记表 as a PDF: from the member's change page and as an action for a selection.

Association staff print the full 身份证号 and birth date; the member's branch officer the
masked number and the age, as on the member form; another branch's officer, a member and a
visitor get nothing. Every download is logged with the member ids.
"""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.models import AccessLog
from members import services
from tests import factories as f
from tests.members.documents_helpers import pdf_tool
from volunteering.models import TeamMembership

pytestmark = pytest.mark.django_db

HONOURS = [
    ("model_worker", 1, "全国劳动模范", 2015, "中华全国总工会", "总工发〔2015〕12号"),
    ("advanced_worker", 2, "浙江省先进工作者", 2012, "浙江省人民政府", "浙政发〔2012〕8号"),
    ("may_day_medal", 3, "杭州市五一劳动奖章", 2010, "杭州市总工会", ""),
    ("craftsman", 3, "杭州工匠", 2021, "杭州市人民政府", "杭政〔2021〕3号"),
    ("craftsman", 4, "西湖工匠", 2019, "西湖区总工会", ""),
]


@pytest.fixture
def registered(xihu):
    member = f.MemberFactory(
        branch=xihu, name="林秀英", ethnicity="畲族", political_status="中共党员", mobile="13800001234",
        address="杭州市西湖区文三路1号", employer="杭州汽轮机股份有限公司", position="高级技师",
        industry="装备制造", notes="2023年起任劳模工匠之家负责人",
    )  # fmt: skip
    for kind, level, title, year, body, number in HONOURS:
        f.HonorFactory(
            member=member, kind=kind, level=level, title=title, year=year, awarding_body=body,
            document_number=number,
        )  # fmt: skip
    return member


def _url(member):
    return reverse("admin:members_member_registration_form", args=[member.pk])


def _logs():
    return AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, target__contains="登记表")


def _pdf(response) -> bytes:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


def test_staff_prints_the_full_form(client, staff_user, registered, tmp_path):
    client.force_login(staff_user)
    content = _pdf(client.get(_url(registered)))
    text = pdf_tool("pdftotext", content, tmp_path)
    flat = text.replace(" ", "").replace("\n", "")
    assert "杭州市劳模工匠协会" in text and "劳模工匠登记表" in flat.replace("　", "")
    for value in ["林秀英", registered.id_number, registered.birth_date.strftime("%Y年%m月%d日"), "畲族",
                  "中共党员", "13800001234", "杭州汽轮机股份有限公司", "高级技师", "装备制造", "西湖区",
                  "2023年起任劳模工匠之家负责人"]:  # fmt: skip
        assert value in flat, value
    for _kind, _level, title, year, body, number in HONOURS:
        assert title in flat and str(year) in flat and body in flat and number.replace(" ", "") in flat
    assert "共5项" in flat
    assert "照" in text and "二寸免冠" in flat and "本人签名" in flat and "（盖章）" in flat
    assert "Pages:           1" in pdf_tool("pdfinfo", content, tmp_path)
    fonts = pdf_tool("pdffonts", content, tmp_path).splitlines()[2:]
    assert fonts and all(
        "+HZLM-Serif-SC" in line and line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts
    )
    log = _logs().get()
    assert log.user == staff_user and log.row_count == 1 and log.target == "劳模工匠登记表 林秀英"
    assert log.detail["full_values"] is True and log.detail["member_ids"] == [registered.pk]
    assert registered.id_number not in str(log.detail)


def test_own_branch_officer_gets_the_masked_form(client, xihu_officer, registered, tmp_path):
    client.force_login(xihu_officer)
    text = pdf_tool("pdftotext", _pdf(client.get(_url(registered))), tmp_path).replace(" ", "")
    assert "林秀英" in text and registered.masked_id_number in text and "部分隐藏" in text
    assert registered.id_number not in text
    birth = registered.birth_date
    for shown in (
        birth.strftime("%Y年%m月%d日"),
        f"{birth.year}年{birth.month}月{birth.day}日",
        registered.id_number[6:14],
    ):
        assert shown not in text  # never the birth date beside the masked number (docs/security.md)
    assert f"{registered.age}岁" in text
    assert "全国劳动模范" in text and "西湖工匠" in text
    log = _logs().get()
    assert log.user == xihu_officer and log.detail["full_values"] is False


@pytest.mark.parametrize("who", ["binjiang_officer", "member", "visitor"])
def test_others_get_no_form(client, registered, binjiang_officer, who):
    if who == "binjiang_officer":
        client.force_login(binjiang_officer)
        assert client.get(_url(registered)).status_code == 404
    else:
        if who == "member":
            client.force_login(f.member_user(registered))
        response = client.get(_url(registered))
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert not _logs().exists()


@pytest.mark.parametrize("object_id", ["999999", "abc", "0", "9" * 40])
def test_missing_or_malformed_id_is_404(client, staff_user, object_id):
    client.force_login(staff_user)
    url = reverse("admin:members_member_change", args=[1]).replace(
        "/1/change/", f"/{object_id}/registration-form/"
    )
    assert client.get(url).status_code == 404


def test_change_page_has_the_print_button(client, staff_user, xihu_officer, registered):
    for user in (staff_user, xihu_officer):
        client.force_login(user)
        page = client.get(reverse("admin:members_member_change", args=[registered.pk])).content.decode()
        assert f'href="{_url(registered)}"' in page and "打印登记表" in page
    add_page = client.get(reverse("admin:members_member_add")).content.decode()
    assert "打印登记表" not in add_page


def _action(client, ids):
    return client.post(
        reverse("admin:members_member_changelist"),
        {"action": "print_registration_forms", ACTION_CHECKBOX_NAME: ids, "select_across": "0"},
    )


def test_action_prints_the_selection_in_one_pdf(
    client, staff_user, registered, xihu_member, binjiang_member, tmp_path
):
    client.force_login(staff_user)
    content = _pdf(_action(client, [registered.pk, xihu_member.pk, binjiang_member.pk]))
    assert "Pages:           3" in pdf_tool("pdfinfo", content, tmp_path)
    pages = pdf_tool("pdftotext", content, tmp_path).split("\f")
    assert sum("林秀英" in p for p in pages) == 1 and sum("滨江乙" in p for p in pages) == 1
    # Each form counts its own pages and names its holder in the footer.
    assert sum("第 1 页，共 1 页" in p.replace("　", " ") for p in pages) == 3
    assert any("林秀英 登记表" in p for p in pages)
    assert all("劳模工匠登记表" in p.replace(" ", "").replace("　", "") for p in pages if p.strip())
    log = _logs().get()
    assert log.row_count == 3 and sorted(log.detail["member_ids"]) == sorted(
        [registered.pk, xihu_member.pk, binjiang_member.pk]
    )


def test_officer_action_prints_only_own_branch(client, xihu_officer, registered, binjiang_member, tmp_path):
    client.force_login(xihu_officer)
    content = _pdf(_action(client, [registered.pk, binjiang_member.pk]))
    text = pdf_tool("pdftotext", content, tmp_path)
    assert "林秀英" in text and "滨江乙" not in text
    assert "Pages:           1" in pdf_tool("pdfinfo", content, tmp_path)
    assert _logs().get().detail["member_ids"] == [registered.pk]
    only_other = _action(client, [binjiang_member.pk])
    assert only_other.status_code == 302 and _logs().count() == 1


def test_action_past_the_limit_is_refused(client, staff_user, registered, xihu_member, monkeypatch):
    monkeypatch.setattr(services, "REGISTRATION_FORM_BATCH_LIMIT", 1)
    client.force_login(staff_user)
    response = _action(client, [registered.pk, xihu_member.pk])
    assert response.status_code == 302
    assert "一次最多打印1人的登记表" in client.get(response["Location"]).content.decode()
    assert not _logs().exists()


def test_many_honours_all_printed(client, staff_user, xihu, tmp_path):
    member = f.MemberFactory(branch=xihu, name="多荣誉")
    titles = [f"第{n}届岗位能手" for n in range(1, 31)]
    for n, title in enumerate(titles):
        f.HonorFactory(member=member, title=title, kind="advanced_worker", level=4, year=1990 + n)
    client.force_login(staff_user)
    content = _pdf(client.get(_url(member)))
    text = pdf_tool("pdftotext", content, tmp_path).replace(" ", "")
    assert all(title in text for title in titles) and "共30项" in text


def test_houses_and_teams_come_from_the_apps_own_sections_in_the_users_scope(
    client, staff_user, xihu_officer, registered, binjiang, tmp_path
):
    f.WorkshopFactory(name="林秀英劳模工匠之家", branch=registered.branch, leader=registered, status="named")
    elsewhere = f.WorkshopFactory(name="滨江数控之家", branch=binjiang, status="applied")
    elsewhere.members.add(registered)
    team = f.ServiceTeamFactory(name="西湖技术服务队", branch=registered.branch)
    TeamMembership.objects.create(team=team, member=registered)
    f.ParticipationFactory(member=registered, event__team=team, hours=6)
    f.ParticipationFactory(member=registered, event__team=team, hours=4)

    client.force_login(staff_user)
    text = pdf_tool("pdftotext", _pdf(client.get(_url(registered))), tmp_path).replace(" ", "")
    assert "参加活动情况" in text and "林秀英劳模工匠之家（负责人，已命名" in text
    assert "滨江数控之家（成员" in text
    assert "西湖技术服务队" in text and "累计参加服务活动2次，服务时长10小时" in text
    # The officer's form is read in the officer's scope: another branch's house is not on it.
    client.force_login(xihu_officer)
    text = pdf_tool("pdftotext", _pdf(client.get(_url(registered))), tmp_path).replace(" ", "")
    assert "林秀英劳模工匠之家" in text and "滨江数控之家" not in text
