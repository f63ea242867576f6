"""The member's own pages: claim by SMS code, invitation, login lockout, /me/ and its requests."""

import re

import pytest
from django.urls import reverse

from core.sections import _SECTIONS, register_member_section
from members import services
from members.models import Certificate
from tests import factories as f

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
    (tmp_path / "test_section.html").write_text("<p>{{ section.greeting }}</p>")
    register_member_section(
        key="test_section", title="测试板块", template="test_section.html",
        context=lambda member: {"greeting": f"你好{member.name}"},
    )  # fmt: skip
    try:
        client.force_login(f.member_user(xihu_member))
        body = client.get(reverse("members:me")).content.decode()
    finally:
        _SECTIONS.pop("test_section")
    assert "西湖工匠" in body and "测试板块" in body and "你好西湖甲" in body
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
