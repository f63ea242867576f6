"""Every create/change/delete of a Member or Honor is recorded with who, when and what."""

import pytest
from django.urls import reverse

from members.models import Honor, Member
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_admin_change_records_user_and_diff(client, staff_user, xihu_member):
    client.force_login(staff_user)
    data = {
        "name": "西湖甲改",
        "id_number": xihu_member.id_number,
        "ethnicity": "汉族",
        "branch": xihu_member.branch_id,
        "status": "active",
        "mobile": "13700000000",
        "honors-TOTAL_FORMS": 0,
        "honors-INITIAL_FORMS": 0,
    }
    response = client.post(reverse("admin:members_member_change", args=[xihu_member.pk]), data)
    assert response.status_code == 302
    latest, previous = xihu_member.history.all()[:2]
    assert latest.history_user == staff_user
    assert latest.history_type == "~"
    changed = {c.field: (c.old, c.new) for c in latest.diff_against(previous).changes}
    assert changed["name"] == ("西湖甲", "西湖甲改")
    assert changed["mobile"][1] == "13700000000"


def test_create_and_delete_are_recorded(xihu):
    member = f.MemberFactory(branch=xihu)
    honor = f.HonorFactory(member=member)
    pk, honor_pk = member.pk, honor.pk
    member.delete()
    assert [h.history_type for h in Member.history.filter(id=pk)] == ["-", "+"]
    assert {h.history_type for h in Honor.history.filter(id=honor_pk)} == {"+", "-"}


def test_history_page_shows_changes_to_own_officer(client, xihu_officer, xihu_member):
    xihu_member.address = "新地址"
    xihu_member.save()
    client.force_login(xihu_officer)
    body = client.get(reverse("admin:members_member_history", args=[xihu_member.pk])).content.decode()
    assert "住址" in body
