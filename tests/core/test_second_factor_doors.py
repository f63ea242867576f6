"""One second-factor policy on every door: the admin, the API token and API sessions.

An account the policy concerns (an enrolled TOTP device, or association staff when
OTP_REQUIRED_FOR_ASSOCIATION is on) gets no token and no API session without a verified
one-time password; an account it does not concern keeps working on the password alone.
"""

import json

import pytest
from axes.models import AccessAttempt
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
PASSWORD = "pw-test-12345"
TOKEN_URL = "/api/token/"


def device_for(user):
    return TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)


def code(device):
    device.refresh_from_db()
    return f"{totp(device.bin_key):06d}"


def ask_token(body, **extra):
    return APIClient().post(TOKEN_URL, body, format="json", **extra)


def members_with_token(key):
    return APIClient().get("/api/members/", HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture(params=["enrolled officer", "enrolled association staff", "required association staff"])
def must_use_otp(request, settings, xihu):
    """(user, device) of an account the policy concerns."""
    if request.param == "enrolled officer":
        user = f.officer(xihu)
    else:
        user = f.association_staff()
    if request.param == "required association staff":
        settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    return user, device_for(user)


# --- the token door ------------------------------------------------------------------------


def test_password_alone_gets_no_token(must_use_otp):
    user, _ = must_use_otp
    response = ask_token({"username": user.username, "password": PASSWORD})
    assert response.status_code == 400
    assert response.json()["detail"] == "此账号需要两步验证：请同时提交验证器上的6位动态验证码 otp_token。"
    assert not Token.objects.filter(user=user).exists()


def test_password_and_one_time_password_get_a_working_token(must_use_otp):
    user, device = must_use_otp
    response = ask_token({"username": user.username, "password": PASSWORD, "otp_token": code(device)})
    assert response.status_code == 200
    key = response.json()["token"]
    assert Token.objects.get(user=user).key == key
    assert members_with_token(key).status_code == 200


def test_a_wrong_one_time_password_gets_no_token(must_use_otp):
    user, device = must_use_otp
    wrong = "000000" if code(device) != "000000" else "111111"
    response = ask_token({"username": user.username, "password": PASSWORD, "otp_token": wrong})
    assert response.status_code == 400
    assert "动态验证码不正确" in response.json()["detail"]
    assert not Token.objects.filter(user=user).exists()


def test_a_wrong_password_with_a_right_one_time_password_gets_no_token(must_use_otp):
    user, device = must_use_otp
    response = ask_token({"username": user.username, "password": "wrong", "otp_token": code(device)})
    assert response.status_code == 400
    assert response.json()["detail"] == "用户名或密码不正确，或账号已停用。"
    assert not Token.objects.filter(user=user).exists()
    # django-axes saw the failure (the door calls authenticate(request=...)).
    assert AccessAttempt.objects.filter(username=user.username, failures_since_start=1).exists()


def test_repeated_wrong_passwords_lock_the_token_door_for_that_pair(settings, xihu):
    settings.AXES_FAILURE_LIMIT = 3
    officer = f.officer(xihu)
    for _ in range(2):
        assert ask_token({"username": officer.username, "password": "wrong"}).status_code == 400
    assert ask_token({"username": officer.username, "password": "wrong"}).status_code == 429
    # Locked: even the right password gets no token now, from this address.
    assert ask_token({"username": officer.username, "password": PASSWORD}).status_code == 429
    assert not Token.objects.filter(user=officer).exists()
    # Another address is not locked out (the pair is locked, not the username).
    response = ask_token({"username": officer.username, "password": PASSWORD}, REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200


def test_required_association_staff_without_a_device_gets_no_token(settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    staff = f.association_staff()
    for body in (
        {"username": staff.username, "password": PASSWORD},
        {"username": staff.username, "password": PASSWORD, "otp_token": "123456"},
    ):
        response = ask_token(body)
        assert response.status_code == 400
        assert "尚未绑定验证器" in response.json()["detail"]
    assert not Token.objects.filter(user=staff).exists()


def test_officer_without_device_gets_a_token_on_the_password_alone(settings, xihu):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    from core.second_factor import second_factor_required

    officer = f.officer(xihu)
    assert not second_factor_required(officer)
    response = ask_token({"username": officer.username, "password": PASSWORD})
    assert response.status_code == 200
    key = response.json()["token"]
    assert members_with_token(key).status_code == 200
    # Asked again, the same token.
    assert ask_token({"username": officer.username, "password": PASSWORD}).json()["token"] == key


def test_form_encoded_request_still_works(xihu):
    officer = f.officer(xihu)
    response = APIClient().post(TOKEN_URL, {"username": officer.username, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]


# --- tokens issued before the requirement --------------------------------------------------


@pytest.mark.parametrize("required_by", ["enrolment", "setting"])
def test_a_token_from_before_the_requirement_is_refused(settings, required_by):
    staff = f.association_staff()
    old = Token.objects.create(user=staff)  # issued on the password alone
    assert members_with_token(old.key).status_code == 200
    if required_by == "enrolment":
        device_for(staff)
    else:
        settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    response = members_with_token(old.key)
    assert response.status_code in (401, 403)
    assert "两步验证" in response.json()["detail"]


def test_a_new_token_after_the_one_time_password_replaces_the_old_one(xihu):
    officer = f.officer(xihu)
    old = Token.objects.create(user=officer)
    device = device_for(officer)
    assert members_with_token(old.key).status_code in (401, 403)
    response = ask_token({"username": officer.username, "password": PASSWORD, "otp_token": code(device)})
    assert response.status_code == 200
    new = response.json()["token"]
    assert new != old.key and list(Token.objects.filter(user=officer).values_list("key", flat=True)) == [new]
    assert members_with_token(new).status_code == 200
    assert members_with_token(old.key).status_code == 401


def test_a_token_made_outside_the_token_door_is_refused_for_an_enrolled_user():
    staff = f.association_staff()
    device_for(staff)
    token = Token.objects.create(user=staff)  # as the admin or `drf_create_token` would
    assert members_with_token(token.key).status_code in (401, 403)


def test_a_token_dies_with_the_device_that_verified_it(settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    staff = f.association_staff()
    device = device_for(staff)
    response = ask_token({"username": staff.username, "password": PASSWORD, "otp_token": code(device)})
    key = response.json()["token"]
    assert members_with_token(key).status_code == 200
    device.delete()
    device_for(staff)  # a new phone
    assert members_with_token(key).status_code in (401, 403)


# --- the session door ----------------------------------------------------------------------


def test_an_unverified_session_is_refused_by_the_api_and_a_verified_one_is_not(client, must_use_otp):
    user, device = must_use_otp
    client.force_login(user)  # a password-only session (e.g. from before the requirement)
    response = client.get("/api/members/")
    assert response.status_code in (401, 403)
    assert "两步验证" in response.json()["detail"]
    assert client.get("/api/schema/").status_code in (401, 403)

    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id  # what django_otp.login stores
    session.save()
    assert client.get("/api/members/").status_code == 200


def test_a_session_verified_through_the_admin_login_uses_the_api(client, must_use_otp):
    user, device = must_use_otp
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": user.username, "password": PASSWORD, "otp_token": code(device), "next": "/admin/"},
    )
    assert response.status_code == 302
    assert client.get("/api/members/").status_code == 200


def test_an_officer_without_device_uses_the_api_with_a_session(client, settings, xihu):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    client.force_login(f.officer(xihu))
    assert client.get("/api/members/").status_code == 200


def test_an_unverified_staff_session_is_sent_to_the_admin_login(client, must_use_otp):
    user, _ = must_use_otp
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- malformed requests --------------------------------------------------------------------

MALFORMED_BODIES = {
    "empty body": (b"", "application/json"),
    "empty form": (b"", "application/x-www-form-urlencoded"),
    "JSON list": (b'["staff", "pw"]', "application/json"),
    "JSON string": (b'"staff"', "application/json"),
    "JSON null": (b"null", "application/json"),
    "broken JSON": (b'{"username": ', "application/json"),
    "not UTF-8": (b"\xff\xfe{", "application/json"),
    "plain text": (b"username=staff", "text/plain"),
    "missing password": (json.dumps({"username": "staff"}).encode(), "application/json"),
    "numbers": (json.dumps({"username": 1, "password": 2}).encode(), "application/json"),
    "lists": (json.dumps({"username": ["a"], "password": {"b": 1}}).encode(), "application/json"),
    "NUL in username": (json.dumps({"username": "sta\x00ff", "password": "x"}).encode(), "application/json"),
    "NUL in form": (b"username=sta%00ff&password=x", "application/x-www-form-urlencoded"),
    "lone surrogate": (b'{"username": "\\ud800", "password": "x"}', "application/json"),
    "huge username": (json.dumps({"username": "a" * 100_000, "password": "x"}).encode(), "application/json"),
    "huge password": (
        json.dumps({"username": "staff", "password": "x" * 100_000}).encode(),
        "application/json",
    ),
    "huge otp_token": (
        json.dumps({"username": "staff", "password": PASSWORD, "otp_token": "9" * 100_000}).encode(),
        "application/json",
    ),
    "NUL in otp_token": (
        json.dumps({"username": "staff", "password": PASSWORD, "otp_token": "12\x003456"}).encode(),
        "application/json",
    ),
    "otp_token as a number": (
        json.dumps({"username": "staff", "password": PASSWORD, "otp_token": 123456}).encode(),
        "application/json",
    ),
}


@pytest.mark.parametrize("case", MALFORMED_BODIES)
def test_a_malformed_token_request_is_a_chinese_400(case, staff_user):
    device_for(staff_user)
    body, content_type = MALFORMED_BODIES[case]
    response = APIClient().generic("POST", TOKEN_URL, body, content_type)
    assert response.status_code == 400, response.content
    detail = response.json()["detail"]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in detail), detail
    assert not Token.objects.exists()


def test_the_token_door_is_documented_in_the_schema(xihu):
    client = APIClient()
    client.force_authenticate(f.officer(xihu))
    schema = client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/token/"]["post"]
    assert post["summary"] == "获取接口令牌"
    assert "otp_token" in json.dumps(post, ensure_ascii=False)


# --- every scoped door, not only the admin and the API -----------------------------------
def test_unverified_session_sees_nothing_through_any_scoped_door(client, must_use_otp, xihu):
    """A session that skipped the code gets an empty scope: news previews, /files/, every list."""
    from members.models import Member

    user, device = must_use_otp
    f.MemberFactory(branch=xihu)
    draft = f.NewsletterIssueFactory(branch=xihu)
    client.force_login(user)
    request_user = client.get("/news/").wsgi_request.user
    assert Member.objects.visible_to(request_user).count() == 0
    assert client.get(f"/news/issues/{draft.number}/").status_code == 404
    # The same session, once the code is presented, sees its scope again.
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    request_user = client.get("/news/").wsgi_request.user
    assert Member.objects.visible_to(request_user).count() == 1
    assert client.get(f"/news/issues/{draft.number}/").status_code == 200
