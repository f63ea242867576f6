"""Two-factor login for staff (django-otp TOTP)."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories as f

pytestmark = pytest.mark.django_db
PASSWORD = "pw-test-12345"


def login(client, user, token=""):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD, "otp_token": token, "next": "/admin/"},
    )


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def test_association_staff_without_device_is_refused_when_required(client, settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    staff = f.association_staff()
    response = login(client, staff)
    assert response.status_code == 200
    assert "尚未绑定验证器" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_association_staff_with_device_needs_the_token(client, settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    staff = f.association_staff()
    device = device_for(staff)
    assert "动态验证码" in login(client, staff).content.decode()
    wrong = login(client, staff, "000000" if totp(device.bin_key) != 0 else "111111")
    assert "动态验证码不正确" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # a failure throttles the device for a second; a person would wait
    response = login(client, staff, f"{totp(device.bin_key):06d}")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_officer_without_device_logs_in_when_otp_is_optional(client, settings, xihu):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    officer = f.officer(xihu)
    assert login(client, officer).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_officer_who_enrolled_a_device_is_always_asked(client, xihu):
    officer = f.officer(xihu)
    device = device_for(officer)
    assert login(client, officer).status_code == 200
    assert login(client, officer, f"{totp(device.bin_key):06d}").status_code == 302


def test_session_without_second_factor_is_sent_back_to_login(client, settings):
    staff = f.association_staff()
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
