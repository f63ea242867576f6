"""The 两步验证 page: each staff member enrols and removes their own authenticators; the login
page and the admin index speak Chinese. Through the real URLs."""

import re

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.authenticators import LAST_DEVICE_KEPT
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
PAGE = "/admin/two-factor/"
PASSWORD = "pw-test-12345"


def pending(user):
    return TOTPDevice.objects.get(user=user, confirmed=False)


def code_of(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key):06d}"


def enrol(client, user, name="我的手机"):
    client.post(PAGE, {"action": "start"})
    device = pending(user)
    response = client.post(PAGE, {"action": "confirm", "otp_token": code_of(device), "name": name})
    device.refresh_from_db()
    return response, device


def test_page_shows_a_qr_code_and_the_secret_in_groups_of_four(client, staff_user):
    client.force_login(staff_user)
    before = client.get(PAGE)
    assert 'class="authenticator-qr"' not in before.content.decode() and not TOTPDevice.objects.exists()
    client.post(PAGE, {"action": "start"})
    response = client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "两步验证" in text and 'class="authenticator-qr"' in text and "<path" in text
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', text).group(1)
    groups = secret.split()
    assert len(groups) == 8 and all(len(g) == 4 for g in groups)  # 160-bit key, base32
    device = pending(staff_user)
    assert secret.replace(" ", "") in device.config_url
    assert "杭州市劳模工匠协会" in device.config_url or "%E6%9D%AD" in device.config_url


def test_confirming_with_the_current_code_enrols_and_keeps_the_session(client, staff_user):
    client.force_login(staff_user)
    response, device = enrol(client, staff_user)
    assert response.status_code == 302 and device.confirmed and device.name == "我的手机"
    # Enrolling made the policy ask for a code: this session proved it, so it stays in.
    assert client.get("/admin/").status_code == 200
    page = client.get(PAGE).content.decode()
    assert "我的手机" in page
    # And the next login asks for the code.
    client.logout()
    client.post("/admin/login/", {"username": staff_user.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_enrols_nothing(client, staff_user):
    client.force_login(staff_user)
    client.post(PAGE, {"action": "start"})
    device = pending(staff_user)
    wrong = "000000" if code_of(device) != "000000" else "111111"
    response = client.post(PAGE, {"action": "confirm", "otp_token": wrong, "name": "x"})
    assert response.status_code == 200 and "验证码不正确" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_removing_needs_the_password(client, xihu_officer):
    client.force_login(xihu_officer)
    _, device = enrol(client, xihu_officer)
    refused = client.post(PAGE, {"action": "remove", "device": device.pk, "password": "wrong-password"})
    assert "密码不正确" in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=device.pk).exists()
    done = client.post(PAGE, {"action": "remove", "device": device.pk, "password": PASSWORD})
    assert done.status_code == 302 and not TOTPDevice.objects.filter(pk=device.pk).exists()
    assert client.get("/admin/").status_code == 200  # an officer may go without one


def test_the_last_device_stays_where_policy_requires_one(client, staff_user, settings):
    client.force_login(staff_user)
    _, first = enrol(client, staff_user, "旧手机")
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    refused = client.post(PAGE, {"action": "remove", "device": first.pk, "password": PASSWORD})
    assert LAST_DEVICE_KEPT in refused.content.decode()
    assert TOTPDevice.objects.filter(pk=first.pk).exists()
    # Re-enrol first (a new phone), then the old one may go.
    first.throttle_reset()
    _, second = enrol(client, staff_user, "新手机")
    assert second.confirmed
    done = client.post(PAGE, {"action": "remove", "device": first.pk, "password": PASSWORD})
    assert done.status_code == 302 and list(TOTPDevice.objects.filter(user=staff_user)) == [second]


def test_nobody_touches_another_persons_device(client, staff_user, xihu_officer):
    theirs = TOTPDevice.objects.create(user=xihu_officer, name="别人的手机", confirmed=True)
    client.force_login(staff_user)
    page = client.get(PAGE).content.decode()
    assert "别人的手机" not in page
    response = client.post(PAGE, {"action": "remove", "device": theirs.pk, "password": PASSWORD})
    assert "没有找到" in response.content.decode()
    assert TOTPDevice.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", ["visitor", "member"])
def test_page_is_for_staff_only(client, role, xihu_member):
    if role == "member":
        client.force_login(f.member_user(xihu_member))
    response = client.get(PAGE)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert not TOTPDevice.objects.exists()


def test_the_user_tools_link_to_the_page(client, xihu_officer):
    client.force_login(xihu_officer)
    assert f'href="{PAGE}"' in client.get("/admin/").content.decode()


def test_the_login_page_is_chinese(client):
    text = client.get("/admin/login/").content.decode()
    assert "动态验证码" in text and "未开启两步验证可留空" in text
    assert "OTP Token" not in text and "OTP Device" not in text and "Log in" not in text


def test_every_app_on_the_superusers_index_has_a_chinese_name(client):
    client.force_login(f.UserFactory(username="root", is_staff=True, is_superuser=True))
    text = client.get("/admin/").content.decode()
    for english in ("Otp_Totp", "Axes", "TOTP device", "access attempts", "access logs"):
        assert english not in text
    for chinese in ("两步验证", "登录安全", "登录失败锁定", "账号与权限", "接口令牌"):
        assert chinese in text
