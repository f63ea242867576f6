"""The member's own pages: claim by SMS code, invitation, login lockout, /me/ and its requests."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.sections import _SECTIONS, register_member_section
from members import services
from members.models import Certificate
from publications.services import SYSTEM, issue_publish, issue_submit
from tests import factories as f
from wellbeing.models import Greeting, ProgrammeItem

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_outbox")]
PASSWORD = "Qiantang-river-2026"


def _claim_data(member, **overrides):
    return {"name": member.name, "id_number": member.id_number, "mobile": member.mobile, **overrides}


def test_claim_with_matching_data_sends_code_and_opens_account(client, binjiang_member, sms_outbox):
    response = client.post(reverse("members:claim"), _claim_data(binjiang_member))
    assert response.status_code == 302
    assert sms_outbox[-1]["mobile"] == binjiang_member.mobile
    code = re.search(r"\d{6}", sms_outbox[-1]["text"]).group()
    response = client.post(
        reverse("members:claim_confirm"), {"code": code, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:me")
    binjiang_member.refresh_from_db()
    assert binjiang_member.user.check_password(PASSWORD)
    assert client.get(reverse("members:me")).status_code == 200


@pytest.mark.parametrize("field", ["name", "id_number", "mobile"])
def test_claim_with_wrong_data_is_refused_without_sms(client, binjiang_member, sms_outbox, field):
    wrong = {"name": "滨江丙", "id_number": f.MemberFactory.build().id_number, "mobile": "13700000000"}[field]
    response = client.post(reverse("members:claim"), _claim_data(binjiang_member, **{field: wrong}))
    assert response.status_code == 400
    assert "不一致" in response.content.decode()
    assert sms_outbox == []
    binjiang_member.refresh_from_db()
    assert binjiang_member.user_id is None


def test_claim_wrong_code_does_not_open_account(client, binjiang_member):
    client.post(reverse("members:claim"), _claim_data(binjiang_member))
    response = client.post(
        reverse("members:claim_confirm"), {"code": "000000", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 200 and "验证码错误" in response.content.decode()
    binjiang_member.refresh_from_db()
    assert binjiang_member.user_id is None


def test_claim_is_rate_limited_per_client(client, settings, binjiang_member):
    settings.CLAIM_RATE_LIMIT = 3
    for i in range(3):
        client.post(reverse("members:claim"), _claim_data(binjiang_member, mobile=f"1370000000{i}"))
    response = client.post(reverse("members:claim"), _claim_data(binjiang_member))
    assert response.status_code == 429


def test_invitation_link_works_once(client, xihu_member, staff_user):
    path = services.member_invite(member=xihu_member, actor=staff_user)
    data = {"password1": PASSWORD, "password2": PASSWORD}
    assert client.post(path, data).status_code == 302
    client.logout()
    assert client.get(path).status_code == 404


def test_officer_cannot_invite_other_branch(binjiang_member, xihu_officer):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        services.member_invite(member=binjiang_member, actor=xihu_officer)


def test_login_by_mobile_then_lockout_on_username_and_ip(client, settings, binjiang_member):
    user = f.member_user(binjiang_member)
    user.set_password(PASSWORD)
    user.save()
    binjiang_member.recovery_mobile = binjiang_member.mobile  # login by mobile: only a confirmed one
    binjiang_member.save(update_fields=["recovery_mobile"])
    url = reverse("members:login")
    ok = {"login": binjiang_member.mobile, "password": PASSWORD}
    assert client.post(url, ok, REMOTE_ADDR="10.9.9.1").status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {**ok, "password": "wrong-password"}, REMOTE_ADDR="10.9.9.1")
    locked = client.post(url, ok, REMOTE_ADDR="10.9.9.1")
    assert locked.status_code == 429
    # The attacker's pair is locked, not the member: from another address the login works.
    assert client.post(url, ok, REMOTE_ADDR="10.9.9.2").status_code == 302


def test_password_reset_by_sms(client, binjiang_member, sms_outbox):
    f.member_user(binjiang_member)
    binjiang_member.recovery_mobile = binjiang_member.mobile  # reset goes only to a confirmed mobile
    binjiang_member.save(update_fields=["recovery_mobile"])
    client.post(reverse("members:password_reset"), {"mobile": binjiang_member.mobile})
    code = re.search(r"\d{6}", sms_outbox[-1]["text"]).group()
    response = client.post(
        reverse("members:password_reset_confirm"),
        {"code": code, "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    binjiang_member.user.refresh_from_db()
    assert binjiang_member.user.check_password(PASSWORD)


def test_password_reset_for_unknown_mobile_looks_the_same(client, sms_outbox):
    response = client.post(reverse("members:password_reset"), {"mobile": "13600000000"})
    assert response.status_code == 302 and sms_outbox == []


def test_me_page_shows_profile_honours_and_sections(client, xihu_member, settings, tmp_path):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "test_section.html").write_text("<p>{{ greeting }}，{{ member.name }}</p>")
    register_member_section(
        key="test_section", title="测试板块", template="test_section.html",
        context=lambda member: {"greeting": f"你好{member.name}"},
    )  # fmt: skip
    try:
        client.force_login(f.member_user(xihu_member))
        body = client.get(reverse("members:me")).content.decode()
    finally:
        _SECTIONS.pop("test_section")
    assert "西湖工匠" in body and "测试板块" in body and "<p>你好西湖甲，西湖甲</p>" in body
    assert xihu_member.id_number not in body and xihu_member.masked_id_number in body


def test_member_requests_certificate_without_staff_step(client, xihu_member, on_commit):
    client.force_login(f.member_user(xihu_member))
    response = on_commit(client.post, reverse("members:certificate_request"), {"purpose": "疗休养"})
    assert response.status_code == 302
    certificate = Certificate.objects.get(member=xihu_member)
    assert certificate.channel == Certificate.Channel.SELF and certificate.is_ready
    body = client.get(reverse("members:me")).content.decode()
    assert reverse("members:certificate_download", args=[certificate.pk]) in body


def test_pending_certificate_shows_generating(client, xihu_member):
    client.force_login(f.member_user(xihu_member))
    client.post(reverse("members:certificate_request"), {"purpose": "其他", "purpose_other": "银行开户"})
    body = client.get(reverse("members:me")).content.decode()
    assert "生成中" in body and 'http-equiv="refresh"' in body


def test_staff_user_without_member_gets_404_on_me(client, staff_user):
    client.force_login(staff_user)
    assert client.get(reverse("members:me")).status_code == 404


# ------------------------------------------------------------------ /me/ with a member's real record


@pytest.fixture
def busy_member(xihu, binjiang):
    """A member of two houses (one led), 22 service hours in 2025 and 2026, a trip, a greeting
    and an article: what the other apps add to the member's page, each with a row of someone else."""
    member = f.MemberFactory(branch=xihu, name="钱塘明")
    f.HonorFactory(member=member, title="杭州市劳动模范", year=2019)
    f.WorkshopFactory(branch=xihu, leader=member, status="named", name="钱塘明劳模创新工作室")
    joined = f.WorkshopFactory(branch=binjiang, status="applied", name="滨江数控工匠之家")
    joined.members.add(member)
    f.WorkshopFactory(branch=xihu, status="named", name="别人的工匠之家")
    team = f.ServiceTeamFactory(branch=xihu, name="西湖技术服务队")
    for title, day, hours in (("数控机床攻关", datetime.date(2025, 5, 10), Decimal("8")),
                              ("社区义务维修", datetime.date(2025, 11, 2), Decimal("6.5")),
                              ("送技术进企业", datetime.date(2026, 3, 15), Decimal("7.5"))):  # fmt: skip
        event = f.ServiceEventFactory(team=team, title=title, date=day, duration_hours=8)
        f.ParticipationFactory(member=member, event=event, hours=hours)
    f.ParticipationFactory(event=f.ServiceEventFactory(team=team, title="别人的活动"), hours=3)
    trip = f.TripFactory(name="千岛湖疗休养第3期", destination="千岛湖职工疗休养基地")
    ProgrammeItem.objects.create(
        trip=trip, kind="red_education", title="参观红色教育基地", location="淳安",
        starts_at=timezone.make_aware(datetime.datetime.combine(trip.start_date, datetime.time(9))),
    )  # fmt: skip
    f.NominationFactory(trip=trip, member=member, room_number="305")
    Greeting.objects.create(
        member=member, year=2026, channel="sms", calendar="solar",
        birthday=datetime.date(2026, 4, 18), status="sent",
    )  # fmt: skip
    issue = f.NewsletterIssueFactory(number=31)
    f.ArticleFactory(issue=issue, title="三十年磨一剑：钱塘明的数控人生", featured_members=[member])
    issue_submit(issue=issue, actor=SYSTEM)
    issue_publish(issue=issue, actor=SYSTEM)
    return member


def _me_body(client, member):
    client.force_login(f.member_user(member))
    response = client.get("/me/")
    assert response.status_code == 200
    return response.content.decode()


def test_me_page_shows_each_apps_figures_and_names(client, busy_member):
    body = _me_body(client, busy_member)
    text = re.sub(r"<[^>]+>", "", body)
    assert "累计参加服务活动 3 次，服务时长 22 小时" in text
    assert "数控机床攻关" in body and "6.5小时" in body and "别人的活动" not in body
    assert "钱塘明劳模创新工作室（负责人）" in body and "滨江数控工匠之家" in body
    assert "尚未加入劳模工匠之家" not in body and "别人的工匠之家" not in body
    assert "千岛湖疗休养第3期" in body and "房间 305" in body and "参观红色教育基地" in body
    assert "2026年4月18日 短信：已发送" in text
    assert "三十年磨一剑：钱塘明的数控人生" in body


def test_me_page_prints_each_section_heading_once(client, busy_member):
    body = _me_body(client, busy_member)
    for title in ("志愿服务记录", "我的劳模工匠之家", "我的疗休养", "生日祝福与诉求办理", "报道我的文章"):
        assert body.count(f"<h2>{title}</h2>") == 1, title
    assert body.count("<h2>") == body.count("<section")


def test_me_page_of_a_member_without_records_says_so(client, xihu_member):
    text = re.sub(r"<[^>]+>", "", _me_body(client, xihu_member))
    assert "累计参加服务活动 0 次，服务时长 0 小时" in text
    assert "尚未加入劳模工匠之家" in text and "暂无疗休养安排" in text and "还没有报道您的文章" in text


def test_me_page_leaves_no_template_variable_unresolved(client, busy_member, settings):
    """Every name a template of the page (and each section's) prints is given: an unresolved one
    prints the marker instead of nothing."""
    template = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {**template, "OPTIONS": {**template["OPTIONS"], "string_if_invalid": "UNRESOLVED[%s]"}}
    ]
    body = _me_body(client, busy_member)
    assert "UNRESOLVED" not in body, re.findall(r"UNRESOLVED\[[^\]]*\]", body)
    assert "钱塘明劳模创新工作室" in body
