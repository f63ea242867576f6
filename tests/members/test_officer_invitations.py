"""Association staff create officer logins from 分会工作人员 with an invitation; the officer sets
their own password. Through the real admin URLs, as every role."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from core.roles import OFFICER_GROUP
from core.scoping import user_scope
from members.models import OfficerProfile
from tests import factories as f

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
PASSWORD = "West-lake-officer-2026"
LINK = re.compile(r"(/admin/invitation/[^/\s\"<]+/[^/\s\"<]+/)")


def invite_url(profile):
    return reverse("admin:members_officerprofile_invite", args=[profile.pk])


@pytest.fixture
def person(xihu):
    return OfficerProfile.objects.create(name="王晓燕", mobile="13800001111", branch=xihu)


def invite(client, profile, **data):
    return client.post(invite_url(profile), {"username": "", "send_sms": "1", **data})


def link_from(response):
    return LINK.search(response.content.decode()).group(1)


def test_staff_add_a_person_and_invite_them_officer_sets_own_password(client, staff_user, xihu, sms_outbox):
    client.force_login(staff_user)
    add = client.get(reverse("admin:members_officerprofile_add"))
    page = add.content.decode()
    assert "保存并创建登录账号、发送邀请" in page
    assert 'name="user"' not in page and "/admin/auth/user/" not in page  # no id field, no user-admin lookup

    saved = client.post(
        reverse("admin:members_officerprofile_add"),
        {"name": "王晓燕", "branch": xihu.pk, "mobile": "13800001111", "_invite": "1"},
    )
    profile = OfficerProfile.objects.get(name="王晓燕")
    assert saved.status_code == 302 and saved["Location"] == invite_url(profile)
    confirm = client.get(invite_url(profile)).content.decode()
    assert "创建登录账号并发送邀请" in confirm and 'value="xihu01"' in confirm

    result = invite(client, profile, username="wangxy")
    assert result.status_code == 200 and "no-store" in result["Cache-Control"]
    profile.refresh_from_db()
    officer = profile.user
    assert officer.username == "wangxy" and officer.first_name == "王晓燕"
    assert officer.is_staff and not officer.is_superuser and not officer.has_usable_password()
    assert list(officer.groups.values_list("name", flat=True)) == [OFFICER_GROUP]
    assert profile.invited_at is not None
    path = link_from(result)
    assert len(sms_outbox) == 1 and sms_outbox[0]["mobile"] == "13800001111"
    assert path in sms_outbox[0]["text"] and "wangxy" in sms_outbox[0]["text"]

    client.logout()
    done = client.post(path, {"password1": PASSWORD, "password2": PASSWORD})
    assert done.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(PASSWORD)
    assert client.get("/admin/").status_code == 200
    scope = user_scope(officer)
    assert scope.branch_id == xihu.pk and not scope.all_branches
    # The officer cannot open 分会工作人员, let alone invite anyone.
    assert client.get(reverse("admin:members_officerprofile_changelist")).status_code == 403
    assert client.get(path).status_code == 404  # the link is spent


def test_resending_kills_the_old_link(client, staff_user, person, sms_outbox):
    client.force_login(staff_user)
    first = link_from(invite(client, person))
    second_page = client.get(invite_url(person)).content.decode()
    assert "重新发送邀请" in second_page
    second = link_from(invite(client, person))
    assert first != second
    client.logout()
    assert client.get(first).status_code == 404
    assert client.get(second).status_code == 200
    assert get_user_model().objects.filter(officer_profile=person).count() == 1


def test_link_without_sms_is_shown_once_to_staff(client, staff_user, person, sms_outbox):
    client.force_login(staff_user)
    response = client.post(invite_url(person), {"username": "wang2"})
    assert "未发送短信" in response.content.decode() and link_from(response)
    assert sms_outbox == []
    # Reloading the confirmation page shows no link: it is not stored anywhere to show again.
    assert not LINK.search(client.get(invite_url(person)).content.decode())


def test_a_failing_gateway_still_gives_staff_the_link(client, staff_user, person, settings):
    settings.SMS_BACKEND = "core.notifications.HttpGatewaySmsBackend"
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/"  # nothing listens there
    client.force_login(staff_user)
    response = invite(client, person)
    assert "短信发送失败" in response.content.decode() and link_from(response)


@pytest.mark.parametrize(
    "role", ["officer", "officer_without_branch", "member", "visitor", "staff_without_role"]
)
def test_nobody_but_association_staff_creates_an_officer_login(client, role, person, xihu, xihu_member):
    users = {
        "officer": lambda: f.officer(xihu, username="o1"),
        "officer_without_branch": lambda: f.officer(None, username="o2"),
        "member": lambda: f.member_user(xihu_member, username="m1"),
        "staff_without_role": lambda: f.UserFactory(username="s1", is_staff=True),
        "visitor": lambda: None,
    }
    user = users[role]()
    if user:
        client.force_login(user)
    before = get_user_model().objects.count()
    response = invite(client, person, username="intruder")
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/admin/login/" in response["Location"]
    assert client.get(invite_url(person)).status_code in (302, 403)
    person.refresh_from_db()
    assert person.user_id is None and get_user_model().objects.count() == before


def test_an_opened_login_gets_no_new_invitation(client, staff_user, xihu):
    officer = f.officer(xihu, username="already")
    profile = officer.officer_profile
    client.force_login(staff_user)
    page = client.get(invite_url(profile)).content.decode()
    assert "已由本人设置密码" in page
    response = invite(client, profile)
    assert not LINK.search(response.content.decode())
    officer.refresh_from_db()
    assert officer.check_password("pw-test-12345")


@pytest.mark.parametrize("kind", ["association", "superuser"])
def test_staff_cannot_invite_into_an_association_or_superuser_login(client, staff_user, xihu, kind):
    target = (
        f.association_staff(username="boss")
        if kind == "association"
        else f.UserFactory(username="root", is_staff=True, is_superuser=True)
    )
    target.set_unusable_password()
    target.save()
    profile = OfficerProfile.objects.create(user=target, branch=xihu, name="误关联")
    client.force_login(staff_user)
    response = invite(client, profile)
    assert "不是分会工作人员账号" in response.content.decode() and not LINK.search(response.content.decode())
    target.refresh_from_db()
    assert not target.has_usable_password() and target.is_superuser == (kind == "superuser")


def test_a_taken_login_name_is_a_clear_error(client, staff_user, person):
    f.UserFactory(username="taken")
    client.force_login(staff_user)
    response = invite(client, person, username="taken")
    assert "已被使用" in response.content.decode()
    person.refresh_from_db()
    assert person.user_id is None


def test_a_person_without_branch_cannot_be_invited(client, staff_user):
    profile = OfficerProfile.objects.create(name="无分会")
    client.force_login(staff_user)
    assert "请先为该工作人员选择所属分会" in invite(client, profile).content.decode()
    profile.refresh_from_db()
    assert profile.user_id is None


@pytest.mark.parametrize("pk", ["987654321", "abc", "9" * 30])
def test_missing_or_malformed_ids_answer_404(client, staff_user, pk):
    client.force_login(staff_user)
    assert client.get(f"/admin/members/officerprofile/{pk}/invite/").status_code == 404


def test_the_user_admin_is_for_superusers_only(client, staff_user):
    client.force_login(staff_user)
    assert client.get("/admin/auth/user/").status_code == 403
    superuser = f.UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    assert client.get("/admin/auth/user/").status_code == 200


def test_the_change_form_shows_the_login_as_text_and_the_state(client, staff_user, xihu):
    officer = f.officer(xihu, username="officer_xihu")
    client.force_login(staff_user)
    page = client.get(reverse("admin:members_officerprofile_change", args=[officer.officer_profile.pk]))
    text = page.content.decode()
    assert "officer_xihu" in text and "已开通" in text
    assert 'name="user"' not in text and "vForeignKeyRawIdAdminField" not in text


def autocomplete(client, term):
    return client.get(
        "/admin/autocomplete/",
        {"app_label": "members", "model_name": "member", "field_name": "user", "term": term},
    )


def test_staff_pick_a_members_login_by_autocomplete_offering_member_logins_only(client, staff_user, xihu):
    free = f.UserFactory(username="lin13900001111", first_name="林小红")
    f.association_staff(username="lin_staff")  # a staff login: never offered
    f.officer(xihu, username="lin_officer")
    client.force_login(staff_user)
    member = f.MemberFactory(branch=xihu)
    form = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert "admin-autocomplete" in form and "vForeignKeyRawIdAdminField" not in form
    found = autocomplete(client, "lin").json()["results"]
    assert [r["id"] for r in found] == [str(free.pk)]
    assert [r["id"] for r in autocomplete(client, "林小红").json()["results"]] == [str(free.pk)]
    assert client.get("/admin/auth/user/").status_code == 403
    assert client.get(f"/admin/auth/user/{free.pk}/change/").status_code == 403


def test_officers_cannot_use_the_login_autocomplete(client, xihu_officer):
    f.UserFactory(username="lin13900001111")
    client.force_login(xihu_officer)
    assert autocomplete(client, "lin").status_code == 403
