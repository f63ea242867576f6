"""Certificates in the admin: issue one, bulk-issue a selection, revoke; all scoped."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Certificate
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_staff_issues_one_certificate_from_admin(client, staff_user, xihu_member):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_certificate_add"), {"member": xihu_member.pk, "purpose": "办理公园年卡"}
    )
    certificate = Certificate.objects.get()
    assert response.status_code == 302 and certificate.member == xihu_member
    assert certificate.issued_by == staff_user and certificate.channel == "admin"


def test_officer_cannot_issue_for_other_branch_member_in_admin(client, xihu_officer, binjiang_member):
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:members_certificate_add"), {"member": binjiang_member.pk, "purpose": "疗休养"}
    )
    assert response.status_code == 200 and not Certificate.objects.exists()


def _bulk(client, ids, **extra):
    return client.post(
        reverse("admin:members_member_changelist"),
        {
            "action": "issue_certificates",
            ACTION_CHECKBOX_NAME: ids,
            "apply": "1",
            "purpose": "疗休养",
            **extra,
        },
    )


def test_bulk_action_issues_for_selection(client, staff_user, xihu_member, binjiang_member):
    client.force_login(staff_user)
    _bulk(client, [xihu_member.pk, binjiang_member.pk])
    assert Certificate.objects.filter(channel="bulk").count() == 2


def test_officer_bulk_action_with_other_branch_ids_touches_none(
    client, xihu_officer, xihu_member, binjiang_member
):
    client.force_login(xihu_officer)
    _bulk(client, [binjiang_member.pk], select_across="0")
    assert not Certificate.objects.filter(member=binjiang_member).exists()
    _bulk(client, [xihu_member.pk, binjiang_member.pk])
    assert list(Certificate.objects.values_list("member_id", flat=True)) == [xihu_member.pk]


def test_bulk_action_without_purpose_asks_for_it(client, staff_user, xihu_member):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "issue_certificates", ACTION_CHECKBOX_NAME: [xihu_member.pk]},
    )
    assert response.status_code == 200 and "开具劳模证明" in response.content.decode()
    assert not Certificate.objects.exists()


def _issue(member, actor):
    from members import services

    return services.certificate_issue(member=member, actor=actor, purpose="疗休养")


def test_staff_revokes_with_reason(client, staff_user, xihu_member):
    certificate = _issue(xihu_member, staff_user)
    client.force_login(staff_user)
    client.post(
        reverse("admin:members_certificate_changelist"),
        {"action": "revoke", ACTION_CHECKBOX_NAME: [certificate.pk], "apply": "1", "reason": "荣誉被撤销"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "荣誉被撤销"


def test_officer_cannot_revoke(client, staff_user, xihu_officer, xihu_member):
    certificate = _issue(xihu_member, staff_user)
    client.force_login(xihu_officer)
    client.post(
        reverse("admin:members_certificate_changelist"),
        {"action": "revoke", ACTION_CHECKBOX_NAME: [certificate.pk], "apply": "1", "reason": "x"},
    )
    certificate.refresh_from_db()
    assert certificate.status == "valid"


@pytest.mark.parametrize("model", ["certificate", "craftsmancard"])
def test_officer_changelist_shows_only_own_branch(client, staff_user, xihu_officer, xihu, binjiang, model):
    from members import services

    mine, theirs = f.craftsman(xihu, name="本区工匠"), f.craftsman(binjiang, name="外区工匠")
    for member in (mine, theirs):
        _issue(member, staff_user)
        services.card_issue(member=member, actor=staff_user)
    client.force_login(xihu_officer)
    body = client.get(reverse(f"admin:members_{model}_changelist")).content.decode()
    assert "本区工匠" in body and "外区工匠" not in body


def test_officer_with_no_branch_sees_no_certificates(client, staff_user, xihu_member):
    _issue(xihu_member, staff_user)
    nobody = f.officer(None, username="officer_nobranch")
    client.force_login(nobody)
    body = client.get(reverse("admin:members_certificate_changelist")).content.decode()
    assert xihu_member.name not in body
    assert Certificate.objects.visible_to(nobody).count() == 0
