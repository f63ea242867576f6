"""Going live: setup_association loads the real branches and creates the first administrator,
who sets their own password (and, where policy requires, enrols an authenticator) through a
one-time link. Every step through the real URLs."""

import datetime
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.roles import ASSOCIATION_GROUP
from members import demo
from members.models import Branch
from members.reference import DISTRICTS, INDUSTRIES
from members.tokens import StaffInvitationTokenGenerator

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
NEW_PASSWORD = "Qiantang-river-2026"
LINK = re.compile(r"https?://\S+(/admin/invitation/[^/\s]+/[^/\s]+/)")


def setup(*args, **kwargs):
    out = io.StringIO()
    call_command("setup_association", *args, stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def link_in(output):
    match = LINK.search(output)
    assert match, output
    return match.group(1)


def branch_table():
    return sorted(Branch.objects.values_list("pk", "code", "name", "kind", "sort_order", "active"))


def test_the_reference_list_is_13_districts_and_10_industries():
    assert len(DISTRICTS) == 13 and len(INDUSTRIES) == 10
    assert len({code for _, code, _ in DISTRICTS} | {code for _, code in INDUSTRIES}) == 23


def test_setup_twice_loads_23_branches_once_and_changes_nothing():
    first = setup()
    assert "新建 23 个" in first
    assert Branch.objects.filter(kind="district").count() == 13
    assert Branch.objects.filter(kind="industry").count() == 10
    assert list(Branch.objects.order_by("sort_order").values_list("name", flat=True)[:3]) == [
        "上城区",
        "拱墅区",
        "西湖区",
    ]
    before = branch_table()
    second = setup()
    assert "新建 0 个，更新 0 个，未变 23 个" in second
    assert branch_table() == before


def test_setup_updates_an_existing_branch_by_code_never_duplicates_it():
    Branch.objects.create(name="西湖区分会（旧名）", code="xihu", kind="industry", sort_order=99)
    output = setup()
    assert "新建 22 个，更新 1 个" in output
    xihu = Branch.objects.get(code="xihu")
    assert (xihu.name, xihu.kind, xihu.sort_order) == ("西湖区", "district", 3)
    assert Branch.objects.count() == 23


def test_demo_data_uses_the_same_list():
    """seed_demo (tests/members/test_seed_demo.py) builds its branches from members.demo."""
    assert demo.DISTRICTS is DISTRICTS and demo.INDUSTRIES is INDUSTRIES


def test_first_administrator_has_no_password_until_the_owner_sets_it(client):
    output = setup(admin_username="zhangsan", admin_name="张三")
    admin = get_user_model().objects.get(username="zhangsan")
    assert admin.is_superuser and admin.is_staff and not admin.has_usable_password()
    assert admin.groups.filter(name=ASSOCIATION_GROUP).exists()
    path = link_in(output)

    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert (
        "zhangsan" in text and "设置密码" in text and "totp-secret" not in text
    )  # no second factor required

    mismatch = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD + "x"})
    assert "两次输入的密码不一致" in mismatch.content.decode()
    weak = client.post(path, {"password1": "12345678901", "password2": "12345678901"})
    assert weak.status_code == 200 and "errorlist" in weak.content.decode()
    admin.refresh_from_db()
    assert not admin.has_usable_password()

    done = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302 and done["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)

    # The link is spent: used once, it answers like any bad link.
    client.logout()
    reused = client.get(path)
    assert reused.status_code == 404 and "无效或已过期" in reused.content.decode()
    assert (
        client.post(path, {"password1": "Another-pass-2026", "password2": "Another-pass-2026"}).status_code
        == 404
    )
    admin.refresh_from_db()
    assert admin.check_password(NEW_PASSWORD)


def test_second_run_leaves_the_administrator_alone_and_resend_kills_the_old_link(client):
    old = link_in(setup(admin_username="zhangsan"))
    again = setup(admin_username="zhangsan")
    assert "已存在" in again and not LINK.search(again)
    assert client.get(old).status_code == 200  # nothing changed: the first link still works
    new = link_in(setup(admin_username="zhangsan", resend_invitation=True))
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    assert get_user_model().objects.filter(username="zhangsan").count() == 1


def test_an_expired_link_is_refused(client, monkeypatch):
    path = link_in(setup(admin_username="zhangsan"))
    later = datetime.datetime.now() + datetime.timedelta(hours=73)
    monkeypatch.setattr(StaffInvitationTokenGenerator, "_now", lambda self: later)
    response = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 404
    assert not get_user_model().objects.get(username="zhangsan").has_usable_password()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/invitation/MQ/abc-def/",
        "/admin/invitation/!!/x/",
        "/admin/invitation/OTk5OTk5OTk5OTk5OTk5OTk5OTk5/1-1/",
    ],
)
def test_malformed_links_are_a_404_page_not_an_error(client, path):
    setup(admin_username="zhangsan")
    response = client.get(path)
    assert response.status_code == 404 and "无效或已过期" in response.content.decode()


def test_when_policy_requires_a_second_factor_the_invitation_enrols_it(client, settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    path = link_in(setup(admin_username="zhangsan"))
    admin = get_user_model().objects.get(username="zhangsan")
    page = client.get(path).content.decode()
    assert "totp-secret" in page and "<svg" in page and "绑定手机验证器" in page
    device = TOTPDevice.objects.get(user=admin, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert all(len(group) == 4 for group in secret.split()[:-1])

    no_code = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "otp_token": ""})
    assert no_code.status_code == 200 and "验证码不正确" in no_code.content.decode()
    admin.refresh_from_db()
    assert not admin.has_usable_password()

    code = f"{totp(device.bin_key):06d}"
    done = client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "otp_token": code})
    assert done.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/admin/").status_code == 200  # the session counts as verified

    # From now on the admin login asks for the code.
    client.logout()
    refused = client.post("/admin/login/", {"username": "zhangsan", "password": NEW_PASSWORD})
    assert refused.status_code == 200 and client.get("/admin/").status_code == 302


def test_reset_lets_the_owner_set_password_and_authenticator_again(client):
    path = link_in(setup(admin_username="zhangsan"))
    client.post(path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    admin = get_user_model().objects.get(username="zhangsan")
    TOTPDevice.objects.create(user=admin, name="丢失的手机", confirmed=True)
    with pytest.raises(CommandError):
        setup(admin_username="zhangsan", resend_invitation=True)  # an opened login: only --reset
    new = link_in(setup(reset="zhangsan"))
    admin.refresh_from_db()
    assert not admin.has_usable_password() and not TOTPDevice.objects.filter(user=admin).exists()
    client.logout()
    assert (
        client.post(new, {"password1": "Xixi-wetland-2026", "password2": "Xixi-wetland-2026"}).status_code
        == 302
    )
    admin.refresh_from_db()
    assert admin.check_password("Xixi-wetland-2026")
