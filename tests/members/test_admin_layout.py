"""The admin as an office uses it: navigation order, person pickers, lists at 1366 px.

Through the real URLs as association staff, the 西湖区 officer and the 滨江区 officer.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from members.models import Member
from tests import factories as f

pytestmark = pytest.mark.django_db

AUTOCOMPLETE = "/admin/autocomplete/"
# A member picked on another model's form (service-hour participation): Member's admin searches.
PARTICIPATION_MEMBER = {"app_label": "volunteering", "model_name": "participation", "field_name": "member"}
WORK_ORDER = ["名册与证明", "劳模工匠之家", "志愿服务", "关心关爱", "宣传出版"]


def nav_names(client):
    response = client.get(reverse("admin:members_member_changelist"))
    assert response.status_code == 200
    return response.context["available_apps"]


@pytest.fixture
def twins(xihu, binjiang):
    """Two members of the same name in two branches, with known numbers and phones."""
    return {
        "xihu": f.MemberFactory(branch=xihu, name="王建国", mobile="13700001111"),
        "binjiang": f.MemberFactory(branch=binjiang, name="王建国", mobile="13700002222"),
    }


def search(client, term, params=PARTICIPATION_MEMBER):
    response = client.get(AUTOCOMPLETE, {**params, "term": term})
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


# ---- navigation ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_navigation_follows_the_associations_work(client, staff_user, xihu_officer, role):
    client.force_login(staff_user if role == "staff" else xihu_officer)
    apps = nav_names(client)
    names = [app["name"] for app in apps]
    assert names[: len(WORK_ORDER)] == WORK_ORDER
    registry = [m["object_name"] for m in apps[0]["models"]]
    assert registry[:5] == ["Member", "Honor", "Certificate", "CraftsmanCard", "Transfer"]
    wellbeing = [m["object_name"] for m in apps[names.index("关心关爱")]["models"]]
    # Trips, then care visits, then greetings, then letters and calls.
    assert wellbeing.index("Nomination") < wellbeing.index("CondolenceVisit") < wellbeing.index("Greeting")
    assert wellbeing.index("Greeting") < wellbeing.index("Inquiry")


def test_system_apps_come_last_in_plain_words(client, db):
    client.force_login(f.UserFactory(is_staff=True, is_superuser=True))
    apps = nav_names(client)
    names = [app["name"] for app in apps]
    assert names[: len(WORK_ORDER)] == WORK_ORDER
    assert {"账号与权限", "两步验证", "登录安全", "系统"} <= set(names[len(WORK_ORDER) :])
    shown = [m["name"] for app in apps for m in app["models"]] + names
    assert not [name for name in shown if name.isascii()], shown  # no "Axes", "TOTP devices"


# ---- person pickers ----------------------------------------------------------------------


def test_officer_finds_own_member_by_name_id_and_phone_with_masked_label(client, xihu_officer, twins):
    client.force_login(xihu_officer)
    mine = twins["xihu"]
    label = f"王建国（{mine.masked_id_number}，西湖区）"
    assert search(client, "王建国") == [label]
    assert search(client, "建国") == [label]
    assert search(client, mine.id_number) == [label]
    assert search(client, "13700001111") == [label]
    assert mine.id_number not in label


def test_other_branch_officer_never_sees_them(client, binjiang_officer, twins):
    client.force_login(binjiang_officer)
    theirs = twins["xihu"]
    assert search(client, theirs.id_number) == []
    assert search(client, "13700001111") == []
    assert search(client, "王建国") == [f"王建国（{twins['binjiang'].masked_id_number}，滨江区）"]


def test_staff_tell_same_names_apart_by_branch(client, staff_user, twins):
    client.force_login(staff_user)
    labels = search(client, "王建国")
    assert sorted(labels) == sorted(
        f"王建国（{m.masked_id_number}，{m.branch.name}）" for m in twins.values()
    )


def test_every_member_field_of_every_admin_is_an_autocomplete():
    """No admin, inline included, picks a member from a plain list or a typed id."""
    request = RequestFactory().get("/admin/")
    missing = []
    for model_admin in admin.site._registry.values():
        admins = [model_admin, *(inline(model_admin.model, admin.site) for inline in model_admin.inlines)]
        for each in admins:
            for field in each.model._meta.get_fields():
                if not (field.concrete and (field.many_to_one or field.many_to_many)):
                    continue
                if field.related_model is not Member or field.auto_created:
                    continue
                if field.name not in each.get_autocomplete_fields(request):
                    missing.append(f"{type(each).__name__}.{field.name}")
                assert field.name not in each.raw_id_fields
    assert missing == []


@pytest.mark.parametrize(
    ("url", "field"),
    [("admin:wellbeing_condolencevisit_add", "campaign_entry"), ("admin:wellbeing_nomination_add", "member")],
)
def test_forms_pick_people_by_search(client, staff_user, url, field):
    client.force_login(staff_user)
    response = client.get(reverse(url))
    assert response.status_code == 200
    widget = response.context["adminform"].form.fields[field].widget
    inner = getattr(widget, "widget", widget)
    assert "admin-autocomplete" in inner.build_attrs({})["class"]
    assert "admin-autocomplete" in response.content.decode()


def test_certificate_form_picks_member_by_search_not_a_typed_id(client, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    url = reverse("admin:members_certificate_add")
    body = client.get(url).content.decode()
    assert "admin-autocomplete" in body and 'type="number"' not in body
    assert "会员编号" not in body
    # The member chosen before (a link from the member's page) is drawn with the picker's label.
    body = client.get(url, {"member": xihu_member.pk}).content.decode()
    assert f"西湖甲（{xihu_member.masked_id_number}，西湖区）" in body
    # Malformed and other-branch values redraw nothing, and the page still answers.
    assert client.get(url, {"member": "1e99"}).status_code == 200
    response = client.post(url, {"member": xihu_member.pk, "purpose": "疗休养"})
    assert response.status_code == 302


def test_certificate_picker_search_is_the_scoped_registry_search(
    client, xihu_officer, xihu_member, binjiang_member
):
    client.force_login(xihu_officer)
    params = {"app_label": "members", "model_name": "certificate", "field_name": "member"}
    assert search(client, "西湖甲", params) == [f"西湖甲（{xihu_member.masked_id_number}，西湖区）"]
    assert search(client, binjiang_member.id_number, params) == []


# ---- lists at 1366 px ----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "xihu", "binjiang"])
def test_every_changelist_renders_with_the_portal_stylesheet(
    client, staff_user, xihu_officer, binjiang_officer, xihu_member, binjiang_member, role
):
    client.force_login({"staff": staff_user, "xihu": xihu_officer, "binjiang": binjiang_officer}[role])
    apps = nav_names(client)
    urls = [m["admin_url"] for app in apps for m in app["models"] if m.get("admin_url")]
    assert len(urls) > 20
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "admin/portal.css" in body and "admin/portal.js" in body, url


def test_member_list_keeps_its_short_columns(client, xihu_officer, xihu_member, binjiang_member):
    client.force_login(xihu_officer)
    response = client.get(reverse("admin:members_member_changelist"))
    headers = [h["text"] for h in response.context["result_headers"]]
    assert headers[1:] == ["姓名", "类别", "所属分会", "最高荣誉", "年龄", "手机号码", "状态"]
    body = response.content.decode()
    assert "西湖甲" in body and "滨江乙" not in body


def test_officer_lists_leave_out_their_own_branch_column(client, staff_user, xihu_officer, xihu, binjiang):
    url = reverse("admin:volunteering_servicerequest_changelist")
    client.force_login(staff_user)
    assert "受理分会" in [h["text"] for h in client.get(url).context["result_headers"]]
    client.force_login(xihu_officer)
    headers = [h["text"] for h in client.get(url).context["result_headers"]]
    assert "受理分会" not in headers and "需求标题" in headers


def test_member_picker_offers_no_add_edit_or_delete_beside_it(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:wellbeing_condolencevisit_add"))
    widget = response.context["adminform"].form.fields["member"].widget
    assert not (widget.can_add_related or widget.can_change_related or widget.can_delete_related)
    body = response.content.decode()
    assert 'id="delete_id_member"' not in body and 'id="add_id_member"' not in body
    # Nor a visit-list entry from the visit form.
    assert 'id="delete_id_campaign_entry"' not in body and 'id="change_id_campaign_entry"' not in body
