"""Every admin door for Member and Honor: a 西湖区 officer never reaches 滨江区 data."""

import datetime

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from core.idcard import make_id_number
from members.admin.registry import HonorAdmin
from members.models import Honor, Member
from tests import factories as f

pytestmark = pytest.mark.django_db

OTHER = "滨江乙"


@pytest.fixture
def officer_client(client, xihu_officer, xihu_member, binjiang_member):
    client.force_login(xihu_officer)
    return client


def url(name, *args):
    return reverse(f"admin:members_{name}", args=args)


def missing_member_pk():
    return (Member.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_changelist_lists_only_own_branch(officer_client):
    body = officer_client.get(url("member_changelist")).content.decode()
    assert "西湖甲" in body and OTHER not in body
    body = officer_client.get(url("honor_changelist")).content.decode()
    assert "西湖工匠" in body and "杭州市劳动模范" not in body


@pytest.mark.parametrize("term_attr", ["name", "id_number", "mobile"])
def test_search_finds_nothing_of_other_branch(officer_client, binjiang_member, term_attr):
    term = getattr(binjiang_member, term_attr)
    response = officer_client.get(url("member_changelist"), {"q": term})
    assert list(response.context["cl"].result_list) == []


def test_association_staff_search_finds_by_name_id_and_phone(client, staff_user, binjiang_member):
    client.force_login(staff_user)
    for term in (binjiang_member.name[:2], binjiang_member.id_number.lower(), binjiang_member.mobile[:7]):
        found = client.get(url("member_changelist"), {"q": term}).context["cl"].result_list
        assert [m.name for m in found] == [OTHER]


def test_list_filters_offer_no_other_branch(officer_client):
    for name in ("member_changelist", "honor_changelist"):
        body = officer_client.get(url(name)).content.decode()
        assert "滨江区" not in body


def test_filtering_on_other_branch_id_gives_nothing(officer_client, binjiang):
    response = officer_client.get(url("member_changelist"), {"branch__id__exact": binjiang.pk})
    assert OTHER not in [m.name for m in response.context["cl"].result_list]


@pytest.mark.parametrize("view", ["change", "delete"])
def test_other_branch_object_answers_like_a_missing_one(officer_client, binjiang_member, view):
    other = officer_client.get(url(f"member_{view}", binjiang_member.pk))
    missing = officer_client.get(url(f"member_{view}", missing_member_pk()))
    assert other.status_code == missing.status_code == 404
    assert OTHER not in other.content.decode()
    honor = binjiang_member.honors.get()
    assert officer_client.get(url(f"honor_{view}", honor.pk)).status_code == 404


def test_post_to_other_branch_change_and_delete_changes_nothing(officer_client, binjiang_member):
    officer_client.post(url("member_change", binjiang_member.pk), {"name": "篡改", "status": "active"})
    officer_client.post(url("member_delete", binjiang_member.pk), {"post": "yes"})
    honor = binjiang_member.honors.get()
    officer_client.post(url("honor_delete", honor.pk), {"post": "yes"})
    binjiang_member.refresh_from_db()
    assert binjiang_member.name == OTHER
    assert Honor.objects.filter(pk=honor.pk).exists()


def test_history_of_other_branch_object_is_404(officer_client, binjiang_member):
    assert officer_client.get(url("member_history", binjiang_member.pk)).status_code == 404
    assert officer_client.get(url("member_history", missing_member_pk())).status_code == 404
    record = binjiang_member.history.latest()
    response = officer_client.get(url("member_simple_history", binjiang_member.pk, record.history_id))
    assert response.status_code == 404
    honor = binjiang_member.honors.get()
    assert officer_client.get(url("honor_history", honor.pk)).status_code == 404


def test_history_of_deleted_other_branch_object_is_404(officer_client, binjiang_member):
    pk = binjiang_member.pk
    binjiang_member.delete()
    assert officer_client.get(url("member_history", pk)).status_code == 404


def test_own_history_is_visible(officer_client, xihu_member):
    response = officer_client.get(url("member_history", xihu_member.pk))
    assert response.status_code == 200


def test_autocomplete_returns_nothing_of_other_branch(officer_client):
    params = {"app_label": "members", "model_name": "honor", "field_name": "member"}
    names = [
        r["text"]
        for r in officer_client.get("/admin/autocomplete/", {**params, "term": "乙"}).json()["results"]
    ]
    assert names == []
    names = [
        r["text"]
        for r in officer_client.get("/admin/autocomplete/", {**params, "term": "西湖"}).json()["results"]
    ]
    # Labelled with the masked ID number and branch (people of one name told apart).
    assert len(names) == 1 and names[0].startswith("西湖甲（33") and names[0].endswith("，西湖区）")


def test_add_form_with_other_branch_member_preselected_shows_no_label(officer_client, binjiang_member):
    body = officer_client.get(url("honor_add"), {"member": binjiang_member.pk}).content.decode()
    assert OTHER not in body


def test_raw_id_label_of_other_branch_is_empty(xihu_officer, binjiang_member, xihu_member):
    raw_admin = type(
        "RawHonorAdmin", (HonorAdmin,), {"raw_id_fields": ["member"], "autocomplete_fields": []}
    )(Honor, admin.site)
    request = RequestFactory().get("/")
    request.user = xihu_officer
    form_class = raw_admin.get_form(request)
    assert OTHER not in str(form_class(initial={"member": binjiang_member.pk})["member"])
    assert "西湖甲" in str(form_class(initial={"member": xihu_member.pk})["member"])


def test_honor_for_other_branch_member_is_refused(officer_client, binjiang_member):
    before = Honor.objects.count()
    response = officer_client.post(
        url("honor_add"),
        {"member": binjiang_member.pk, "kind": "model_worker", "level": 3, "title": "伪造", "year": 2020},
    )
    assert response.status_code == 200  # the form comes back with an error
    assert Honor.objects.count() == before


def test_member_fk_choices_are_own_branch_only(xihu_officer, xihu_member, binjiang_member):
    request = RequestFactory().get("/")
    request.user = xihu_officer
    field = admin.site._registry[Honor].get_form(request).base_fields["member"]
    assert set(field.queryset) == {xihu_member}


def test_add_form_forces_officers_branch(officer_client, xihu, binjiang):
    id_number = make_id_number("330106", datetime.date(1980, 5, 5), 11)
    response = officer_client.post(
        url("member_add"),
        {
            "name": "新成员",
            "id_number": id_number,
            "ethnicity": "汉族",
            "branch": binjiang.pk,
            "status": "active",
            "honors-TOTAL_FORMS": 0,
            "honors-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(id_number=id_number).branch == xihu


def test_bulk_action_with_other_branch_ids_touches_none(officer_client, xihu_member, binjiang_member):
    officer_client.post(
        url("member_changelist"),
        {"action": "delete_selected", "_selected_action": [binjiang_member.pk], "post": "yes"},
    )
    assert Member.objects.filter(pk=binjiang_member.pk).exists()


def test_select_across_touches_only_own_branch(officer_client, xihu_member, binjiang_member):
    officer_client.post(
        url("honor_changelist"),
        {
            "action": "delete_selected",
            "select_across": "1",
            "index": 0,
            "_selected_action": [0],
            "post": "yes",
        },
    )
    assert not Honor.objects.filter(member=xihu_member).exists()
    assert Honor.objects.filter(member=binjiang_member).exists()


def test_officer_without_branch_sees_zero_rows(client, xihu_member, binjiang_member):
    client.force_login(f.officer(None))
    body = client.get(url("member_changelist")).content.decode()
    assert "西湖甲" not in body and OTHER not in body
    assert client.get(url("member_change", xihu_member.pk)).status_code == 404


def test_officer_cannot_change_branch_of_own_member(officer_client, xihu_member, binjiang):
    data = {
        "name": xihu_member.name,
        "ethnicity": "汉族",
        "branch": binjiang.pk,
        "status": "active",
        "honors-TOTAL_FORMS": 0,
        "honors-INITIAL_FORMS": 0,
    }
    officer_client.post(url("member_change", xihu_member.pk), data)
    xihu_member.refresh_from_db()
    assert xihu_member.branch.name == "西湖区"


def test_officer_sees_masked_phone_and_id(officer_client, xihu_member):
    body = officer_client.get(url("member_changelist")).content.decode()
    assert xihu_member.mobile not in body
    assert xihu_member.mobile[:3] + "****" + xihu_member.mobile[-4:] in body
    body = officer_client.get(url("member_change", xihu_member.pk)).content.decode()
    assert xihu_member.id_number not in body
    assert xihu_member.masked_id_number in body


def test_association_staff_sees_every_branch_and_full_values(
    client, staff_user, xihu_member, binjiang_member
):
    client.force_login(staff_user)
    body = client.get(url("member_changelist")).content.decode()
    assert "西湖甲" in body and OTHER in body and binjiang_member.mobile in body
    assert binjiang_member.id_number in client.get(url("member_change", binjiang_member.pk)).content.decode()


def test_officer_cannot_manage_officer_profiles_or_change_branches(officer_client, xihu):
    assert officer_client.get(reverse("admin:members_officerprofile_changelist")).status_code == 403
    assert officer_client.get(reverse("admin:members_branch_change", args=[xihu.pk])).status_code == 200
    officer_client.post(reverse("admin:members_branch_change", args=[xihu.pk]), {"name": "改名", "code": "x"})
    xihu.refresh_from_db()
    assert xihu.name == "西湖区"
