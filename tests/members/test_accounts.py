"""Member accounts cannot be taken over (issue 16, finding 1, and the member login of finding 3).

Only the owner of a login sets its password: an invitation is for a member with no usable
login, never for a staff, grouped or deactivated login; recovery by SMS uses only the mobile
the member proved (``recovery_mobile``), never the registry mobile officers edit; /me/login/
lets in member logins only. Every test goes through the real URLs, as each role.
"""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import reverse
from rest_framework.test import APIClient

from members import services
from members.models import Member
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("sms_outbox")]
PASSWORD = "Qiantang-river-2026"
OLD_PASSWORD = "pw-test-12345"  # UserFactory's
CHANGELIST = reverse("admin:members_member_changelist")
ATTACKER_MOBILE = "13800001111"


def _code(outbox):
    return re.search(r"\d{6}", outbox[-1]["text"]).group()


def _opened(member, **user_kwargs):
    """A member who opened their account: a usable password and a mobile they proved."""
    user = f.member_user(member, **user_kwargs)
    member.recovery_mobile = member.mobile
    member.save(update_fields=["recovery_mobile"])
    return user


def _invite(client, officer, member):
    client.force_login(officer)
    response = client.post(
        CHANGELIST, {"action": "invite_members", ACTION_CHECKBOX_NAME: [member.pk]}, follow=True
    )
    assert response.status_code == 200
    return [str(m) for m in get_messages(response.wsgi_request)] or [
        str(m) for m in response.context["messages"]
    ]


def _logged_in(client):
    return "_auth_user_id" in client.session


# --- invitations -------------------------------------------------------------------------


def test_invitation_of_a_member_without_login_gives_a_link(client, xihu_officer, xihu_member):
    messages = _invite(client, xihu_officer, xihu_member)
    assert any("/me/activate/" in m for m in messages)


def test_officer_inviting_a_member_who_has_a_login_gets_no_link(
    client, xihu_officer, xihu_member, sms_outbox
):
    user = _opened(xihu_member)
    messages = _invite(client, xihu_officer, xihu_member)
    assert not any("/me/activate/" in m for m in messages)
    assert any("西湖甲" in m and "已开通" in m for m in messages)
    assert any("跳过 1 名" in m for m in messages)
    assert sms_outbox == []
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


def _staff_login():
    return f.association_staff(username="boss")


def _staff_login_without_password():
    user = f.association_staff(username="boss-unusable")
    user.set_unusable_password()
    user.save()
    return user


def _grouped_login_without_password():
    user = f.UserFactory(username="grouped")
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name="某小组")[0])
    return user


def _superuser_without_password():
    user = f.UserFactory(username="root", is_superuser=True)
    user.set_unusable_password()
    user.save()
    return user


def _deactivated_unopened_login():
    user = f.UserFactory(username="m-deactivated", is_active=False)
    user.set_unusable_password()
    user.save()
    return user


def _deactivated_opened_login():
    return f.UserFactory(username="m-deactivated-opened", is_active=False)


UNREACHABLE = [
    _staff_login,
    _staff_login_without_password,
    _grouped_login_without_password,
    _superuser_without_password,
    _deactivated_unopened_login,
    _deactivated_opened_login,
]


@pytest.mark.parametrize("make_login", UNREACHABLE)
def test_member_linked_to_a_staff_grouped_or_deactivated_login_gets_no_link(
    client, xihu_officer, xihu_member, sms_outbox, make_login
):
    login = make_login()
    xihu_member.user = login
    xihu_member.save(update_fields=["user"])
    password_before, active_before = login.password, login.is_active
    messages = _invite(client, xihu_officer, xihu_member)
    assert not any("/me/activate/" in m for m in messages)
    assert any("西湖甲" in m and "不能" in m for m in messages)
    assert sms_outbox == []
    login.refresh_from_db()
    assert (login.password, login.is_active) == (password_before, active_before)


def test_old_link_of_a_login_deactivated_afterwards_is_invalid(client, staff_user, xihu_member):
    path = services.member_invite(member=xihu_member, actor=staff_user)
    xihu_member.refresh_from_db()
    user = xihu_member.user
    user.is_active = False  # staff deactivate the login before the member used the link
    user.save(update_fields=["is_active"])
    assert client.get(path).status_code == 404
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    user.refresh_from_db()
    assert not user.is_active and not user.has_usable_password()
    assert not _logged_in(client)


def test_old_link_of_a_login_put_in_a_group_afterwards_is_invalid(client, staff_user, xihu_member):
    """The view checks the login itself, not only the action that made the link."""
    path = services.member_invite(member=xihu_member, actor=staff_user)
    xihu_member.refresh_from_db()
    user = xihu_member.user
    user.groups.add(Group.objects.get_or_create(name="某小组")[0])
    response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    user.refresh_from_db()
    assert not user.has_usable_password() and not _logged_in(client)


def test_setting_a_password_never_reactivates_a_login(xihu_member):
    from core.errors import DomainError

    user = _opened(xihu_member, is_active=False)
    with pytest.raises(DomainError):
        services.member_account_set_password(user=user, password=PASSWORD)
    user.refresh_from_db()
    assert not user.is_active and user.check_password(OLD_PASSWORD)


# --- recovery by SMS trusts only the mobile the member proved -----------------------------


def _reset(client, mobile, code="000000"):
    client.post(reverse("members:password_reset"), {"mobile": mobile})
    return client.post(
        reverse("members:password_reset_confirm"),
        {"code": code, "password1": PASSWORD, "password2": PASSWORD},
    )


def _change_form_data(response):
    """The admin change form as the browser would post it back, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        forms.extend(formset.forms)
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = "on" if value is True else value
    return data


def _officer_changes_mobile_in_admin(client, officer, member, mobile):
    client.force_login(officer)
    url = reverse("admin:members_member_change", args=[member.pk])
    data = {**_change_form_data(client.get(url)), "mobile": mobile, "_save": "保存"}
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    client.logout()


def _officer_changes_mobile_in_api(officer, member, mobile):
    api = APIClient()
    api.force_authenticate(officer)
    response = api.patch(f"/api/members/{member.pk}/", {"mobile": mobile}, format="json")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("door", ["admin", "api"])
def test_mobile_changed_by_an_officer_does_not_open_password_reset(
    client, xihu_officer, xihu_member, sms_outbox, door
):
    xihu_member.mobile = "13911112222"
    xihu_member.save(update_fields=["mobile"])
    user = _opened(xihu_member)
    if door == "admin":
        _officer_changes_mobile_in_admin(client, xihu_officer, xihu_member, ATTACKER_MOBILE)
    else:
        _officer_changes_mobile_in_api(xihu_officer, xihu_member, ATTACKER_MOBILE)
    xihu_member.refresh_from_db()
    assert (xihu_member.mobile, xihu_member.recovery_mobile) == (ATTACKER_MOBILE, "13911112222")

    client.post(reverse("members:password_reset"), {"mobile": ATTACKER_MOBILE})
    assert sms_outbox == []
    response = client.post(
        reverse("members:password_reset_confirm"),
        {"code": "123456", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)
    # Nor does the new number log in.
    login = client.post(reverse("members:login"), {"login": ATTACKER_MOBILE, "password": OLD_PASSWORD})
    assert login.status_code == 200 and not _logged_in(client)


def test_password_reset_by_the_confirmed_mobile_works(client, xihu_officer, xihu_member, sms_outbox):
    xihu_member.mobile = "13911112222"
    xihu_member.save(update_fields=["mobile"])
    user = _opened(xihu_member)
    _officer_changes_mobile_in_api(xihu_officer, xihu_member, ATTACKER_MOBILE)
    client.post(reverse("members:password_reset"), {"mobile": "13911112222"})
    assert [m["mobile"] for m in sms_outbox] == ["13911112222"]
    response = client.post(
        reverse("members:password_reset_confirm"),
        {"code": _code(sms_outbox), "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("members:login")
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and user.is_active
    login = client.post(reverse("members:login"), {"login": "13911112222", "password": PASSWORD})
    assert login.status_code == 302 and _logged_in(client)


@pytest.mark.parametrize("make_login", [_staff_login, _deactivated_opened_login])
def test_password_reset_never_reaches_a_staff_or_deactivated_login(
    client, xihu_member, sms_outbox, make_login
):
    login = make_login()
    xihu_member.user = login
    xihu_member.save(update_fields=["user"])
    # A number confirmed afterwards: the refusal must come from the kind of login alone.
    Member.objects.filter(pk=xihu_member.pk).update(mobile="13911112222", recovery_mobile="13911112222")
    _reset(client, "13911112222")
    assert sms_outbox == []
    login.refresh_from_db()
    assert login.check_password(OLD_PASSWORD)


def test_member_whose_login_is_in_a_group_cannot_reset(client, xihu_member, sms_outbox):
    xihu_member.mobile = "13911112222"
    xihu_member.save(update_fields=["mobile"])
    user = _opened(xihu_member)
    user.groups.add(Group.objects.get_or_create(name="某小组")[0])
    _reset(client, "13911112222")
    assert sms_outbox == []
    user.refresh_from_db()
    assert user.check_password(OLD_PASSWORD)


# --- claim --------------------------------------------------------------------------------


def _claim(client, member, sms_outbox):
    data = {"name": member.name, "id_number": member.id_number, "mobile": member.mobile}
    return client.post(reverse("members:claim"), data)


def test_claim_sets_the_recovery_mobile(client, binjiang_member, sms_outbox):
    assert binjiang_member.recovery_mobile == ""
    assert _claim(client, binjiang_member, sms_outbox).status_code == 302
    response = client.post(
        reverse("members:claim_confirm"),
        {"code": _code(sms_outbox), "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    binjiang_member.refresh_from_db()
    assert binjiang_member.recovery_mobile == "13912345678"
    assert binjiang_member.user.check_password(PASSWORD)


def test_claim_code_is_bound_to_the_mobile_it_went_to(client, binjiang_officer, binjiang_member, sms_outbox):
    """An officer changing the mobile between the two steps does not make the new number confirmed."""
    assert _claim(client, binjiang_member, sms_outbox).status_code == 302
    code = _code(sms_outbox)
    other = APIClient()
    other.force_authenticate(binjiang_officer)
    other.patch(f"/api/members/{binjiang_member.pk}/", {"mobile": ATTACKER_MOBILE}, format="json")
    response = client.post(
        reverse("members:claim_confirm"), {"code": code, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert "手机号已变更" in response.content.decode()
    binjiang_member.refresh_from_db()
    assert binjiang_member.recovery_mobile == ""
    assert binjiang_member.user is None or not binjiang_member.user.has_usable_password()


@pytest.mark.parametrize("make_login", [_grouped_login_without_password, _staff_login_without_password,
                                        _deactivated_unopened_login])  # fmt: skip
def test_member_linked_to_a_grouped_staff_or_deactivated_login_cannot_claim(
    client, binjiang_member, sms_outbox, make_login
):
    login = make_login()
    binjiang_member.user = login
    binjiang_member.save(update_fields=["user"])
    response = _claim(client, binjiang_member, sms_outbox)
    assert response.status_code == 400
    assert sms_outbox == []
    login.refresh_from_db()
    assert not login.has_usable_password()


# --- the member confirms their registry mobile on /me/ ------------------------------------


CONFIRM = "/me/mobile/confirm/"


def test_confirming_the_mobile_requires_login(client, xihu_member, sms_outbox):
    response = client.post(CONFIRM, {"send": "1"})
    assert response.status_code == 302 and reverse("members:login") in response["Location"]
    assert sms_outbox == []


def test_member_confirms_the_registry_mobile_by_sms(client, xihu_member, sms_outbox):
    xihu_member.mobile = "13911112222"
    xihu_member.save(update_fields=["mobile"])
    user = _opened(xihu_member)
    xihu_member.mobile = "13933334444"  # an officer typed a new number
    xihu_member.save(update_fields=["mobile"])
    client.force_login(user)
    body = client.get(reverse("members:me")).content.decode()
    assert "尚未经本人确认" in body and CONFIRM in body

    client.post(CONFIRM, {"send": "1"})
    assert [m["mobile"] for m in sms_outbox] == ["13933334444"]
    client.post(CONFIRM, {"code": "000000" if _code(sms_outbox) != "000000" else "111111"})
    xihu_member.refresh_from_db()
    assert xihu_member.recovery_mobile == "13911112222"

    client.post(CONFIRM, {"send": "1"})
    response = client.post(CONFIRM, {"code": _code(sms_outbox)})
    assert response.status_code == 302
    xihu_member.refresh_from_db()
    assert xihu_member.recovery_mobile == "13933334444"
    assert "尚未经本人确认" not in client.get(reverse("members:me")).content.decode()


def test_confirmation_code_dies_when_the_mobile_changes(client, xihu_officer, xihu_member, sms_outbox):
    xihu_member.mobile = "13911112222"
    xihu_member.save(update_fields=["mobile"])
    user = _opened(xihu_member)
    xihu_member.mobile = "13933334444"
    xihu_member.save(update_fields=["mobile"])
    client.force_login(user)
    client.post(CONFIRM, {"send": "1"})
    code = _code(sms_outbox)
    _officer_changes_mobile_in_api(xihu_officer, xihu_member, ATTACKER_MOBILE)
    client.post(CONFIRM, {"code": code})
    xihu_member.refresh_from_db()
    assert xihu_member.recovery_mobile == "13911112222"


# --- /me/login/ is for members --------------------------------------------------------------


def test_staff_login_is_refused_at_the_member_login_after_the_right_password(client, staff_user):
    url = reverse("members:login")
    wrong = client.post(url, {"login": "staff", "password": "wrong-password"})
    assert "管理后台" not in wrong.content.decode() and not _logged_in(client)
    response = client.post(url, {"login": "staff", "password": OLD_PASSWORD})
    assert response.status_code == 200
    assert "工作人员请从管理后台登录。" in response.content.decode()
    assert not _logged_in(client)


@pytest.mark.parametrize("make_login", [_staff_login, lambda: f.officer(None, username="officer-x")])
def test_member_record_linked_to_staff_does_not_log_staff_in_by_mobile(client, xihu_member, make_login):
    login = make_login()
    xihu_member.user = login
    xihu_member.save(update_fields=["user"])
    Member.objects.filter(pk=xihu_member.pk).update(mobile="13911112222", recovery_mobile="13911112222")
    response = client.post(reverse("members:login"), {"login": "13911112222", "password": OLD_PASSWORD})
    assert response.status_code == 200 and not _logged_in(client)


def test_grouped_login_is_refused_at_the_member_login(client, xihu_member):
    user = _opened(xihu_member)
    user.groups.add(Group.objects.get_or_create(name="某小组")[0])
    response = client.post(reverse("members:login"), {"login": user.username, "password": OLD_PASSWORD})
    assert "工作人员请从管理后台登录。" in response.content.decode() and not _logged_in(client)


def test_login_by_mobile_needs_exactly_one_member_login(client, xihu, xihu_member):
    _opened(xihu_member)
    xihu_member.refresh_from_db()
    twin = f.MemberFactory(branch=xihu, mobile=xihu_member.mobile)
    _opened(twin)
    response = client.post(reverse("members:login"), {"login": xihu_member.mobile, "password": OLD_PASSWORD})
    assert response.status_code == 200 and not _logged_in(client)


def test_relinking_a_record_to_another_login_drops_the_confirmed_mobile(client, staff_user, xihu_member):
    """Staff may link a record to a login; the number confirmed with the old login does not follow."""
    old = f.member_user(xihu_member)
    Member.objects.filter(pk=xihu_member.pk).update(mobile="13911112222", recovery_mobile="13911112222")
    other = f.UserFactory(username="someone-else")
    member = Member.objects.get(pk=xihu_member.pk)
    member.user = other
    member.save()
    member.refresh_from_db()
    assert (member.user_id, member.recovery_mobile) == (other.pk, "")
    assert old.pk != other.pk
    # Saving without touching the link keeps the confirmation.
    Member.objects.filter(pk=member.pk).update(recovery_mobile="13911112222")
    member = Member.objects.get(pk=member.pk)
    member.notes = "改备注"
    member.save()
    member.refresh_from_db()
    assert member.recovery_mobile == "13911112222"


def test_member_login_with_an_enrolled_second_factor_is_sent_to_the_admin_door(client, xihu_member):
    """The one second-factor policy: a login that must present a code gets no session here."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = f.member_user(xihu_member, username="member-with-totp")
    TOTPDevice.objects.create(user=user, name="手机验证器", confirmed=True)
    response = client.post(reverse("members:login"), {"login": "member-with-totp", "password": OLD_PASSWORD})
    assert response.status_code == 200 and not _logged_in(client)
