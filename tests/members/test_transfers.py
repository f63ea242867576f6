"""Transfers: an officer requests, the receiving branch accepts or rejects, the history shows the move."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.errors import ConflictError, DomainError
from members import services
from members.models import Transfer
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_(xihu_officer, xihu_member, binjiang):
    return services.member_transfer_request(
        member=xihu_member, to_branch=binjiang, actor=xihu_officer, reason="工作调动到滨江"
    )


def test_request_then_accept_moves_the_member_and_history_shows_it(request_, binjiang_officer, xihu_member,
                                                                    binjiang):  # fmt: skip
    assert request_.status == Transfer.Status.PENDING
    services.transfer_accept(transfer=request_, actor=binjiang_officer, note="同意")
    xihu_member.refresh_from_db()
    assert xihu_member.branch == binjiang
    latest = xihu_member.history.first()
    assert latest.branch_id == binjiang.pk and "名单转移" in latest.history_change_reason
    assert latest.history_user == binjiang_officer
    request_.refresh_from_db()
    assert request_.status == Transfer.Status.ACCEPTED and request_.decided_by == binjiang_officer


def test_request_then_reject_keeps_the_member(request_, binjiang_officer, xihu_member, xihu):
    services.transfer_reject(transfer=request_, actor=binjiang_officer, note="人员不符")
    xihu_member.refresh_from_db()
    request_.refresh_from_db()
    assert xihu_member.branch == xihu
    assert request_.status == Transfer.Status.REJECTED and request_.decision_note == "人员不符"


def test_sending_branch_cannot_accept_its_own_request(request_, xihu_officer):
    with pytest.raises(DomainError):
        services.transfer_accept(transfer=request_, actor=xihu_officer)


def test_a_third_branch_cannot_see_or_decide_the_request(request_):
    third = f.officer(f.BranchFactory(name="萧山区", code="xiaoshan"), username="officer_xiaoshan")
    assert not Transfer.objects.visible_to(third).exists()
    with pytest.raises(DomainError):
        services.transfer_accept(transfer=request_, actor=third)


def test_decided_request_cannot_be_decided_again(request_, binjiang_officer):
    services.transfer_reject(transfer=request_, actor=binjiang_officer)
    with pytest.raises(ConflictError):
        services.transfer_accept(transfer=request_, actor=binjiang_officer)


def test_officer_cannot_request_a_member_it_cannot_see(xihu_officer, binjiang_member, xihu):
    with pytest.raises(DomainError, match="找不到"):
        services.member_transfer_request(
            member=binjiang_member, to_branch=xihu, actor=xihu_officer, reason="想要"
        )
    assert not Transfer.objects.exists()


def test_request_needs_a_reason_and_another_branch(xihu_officer, xihu_member, xihu, binjiang):
    with pytest.raises(DomainError, match="理由"):
        services.member_transfer_request(
            member=xihu_member, to_branch=binjiang, actor=xihu_officer, reason=" "
        )
    with pytest.raises(DomainError, match="相同"):
        services.member_transfer_request(member=xihu_member, to_branch=xihu, actor=xihu_officer, reason="x")


def test_only_one_pending_request_per_member(request_, xihu_officer, xihu_member, binjiang):
    with pytest.raises(ConflictError):
        services.member_transfer_request(
            member=xihu_member, to_branch=binjiang, actor=xihu_officer, reason="再次"
        )


def test_association_staff_move_directly(staff_user, xihu_member, binjiang):
    transfer = services.member_transfer(
        member=xihu_member, to_branch=binjiang, actor=staff_user, reason="协会调整"
    )
    xihu_member.refresh_from_db()
    assert xihu_member.branch == binjiang and transfer.status == Transfer.Status.DIRECT


def test_officer_cannot_move_directly(xihu_officer, xihu_member, binjiang):
    with pytest.raises(DomainError):
        services.member_transfer(member=xihu_member, to_branch=binjiang, actor=xihu_officer, reason="x")


def test_each_side_sees_its_pending_incoming_and_outgoing(client, request_, xihu_officer, binjiang_officer):
    url = reverse("admin:members_transfer_changelist")
    client.force_login(binjiang_officer)
    incoming = client.get(url, {"direction": "incoming"}).context["cl"].result_list
    assert [t.pk for t in incoming] == [request_.pk]
    assert not client.get(url, {"direction": "outgoing"}).context["cl"].result_list
    client.force_login(xihu_officer)
    assert [t.pk for t in client.get(url, {"direction": "outgoing"}).context["cl"].result_list] == [
        request_.pk
    ]
    assert not client.get(url, {"direction": "incoming"}).context["cl"].result_list


def test_admin_action_requests_a_transfer_with_a_reason(client, xihu_officer, xihu_member, binjiang):
    client.force_login(xihu_officer)
    url = reverse("admin:members_member_changelist")
    data = {"action": "transfer_request_action", ACTION_CHECKBOX_NAME: [xihu_member.pk]}
    page = client.post(url, data)
    assert "转移理由" in page.content.decode()
    client.post(url, {**data, "apply": "1", "to_branch": binjiang.pk, "reason": "工作调动"})
    transfer = Transfer.objects.get()
    assert transfer.to_branch == binjiang and transfer.reason == "工作调动"


def test_admin_action_with_another_branchs_id_touches_nothing(client, xihu_officer, binjiang_member, xihu):
    client.force_login(xihu_officer)
    client.post(reverse("admin:members_member_changelist"), {
        "action": "transfer_request_action", ACTION_CHECKBOX_NAME: [binjiang_member.pk], "apply": "1",
        "to_branch": xihu.pk, "reason": "抢人",
    })  # fmt: skip
    assert not Transfer.objects.exists()


def test_receiving_officer_accepts_in_the_admin(client, request_, binjiang_officer, xihu_member, binjiang):
    client.force_login(binjiang_officer)
    client.post(reverse("admin:members_transfer_changelist"), {
        "action": "accept_action", ACTION_CHECKBOX_NAME: [request_.pk], "apply": "1", "note": "欢迎",
    })  # fmt: skip
    xihu_member.refresh_from_db()
    assert xihu_member.branch == binjiang


def test_officer_without_branch_sees_no_transfers(client, request_):
    nobody = f.officer(None, username="officer_nobody")
    client.force_login(nobody)
    response = client.get(reverse("admin:members_transfer_changelist"))
    assert response.status_code == 403 or not response.context["cl"].result_list


def test_other_branchs_transfer_change_page_looks_missing(client, request_):
    third = f.officer(f.BranchFactory(name="萧山区", code="xiaoshan"), username="officer_xiaoshan")
    client.force_login(third)
    response = client.get(reverse("admin:members_transfer_change", args=[request_.pk]))
    missing = client.get(reverse("admin:members_transfer_change", args=[request_.pk + 999]))
    assert response.status_code == missing.status_code


def test_receiving_branch_is_notified_after_commit(xihu_officer, xihu_member, binjiang, binjiang_officer, mailoutbox,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    binjiang_officer.email = "binjiang@example.com"
    binjiang_officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_transfer_request(
            member=xihu_member, to_branch=binjiang, actor=xihu_officer, reason="调动"
        )
    assert [m.subject for m in mailoutbox] == ["名单转移申请待处理"]
    assert xihu_member.id_number not in mailoutbox[0].body


def test_member_list_shows_pending_transfer_counts_to_each_side(
    client, request_, xihu_officer, binjiang_officer
):
    client.force_login(binjiang_officer)
    assert "待接收 1 项" in client.get(reverse("admin:members_member_changelist")).content.decode()
    client.force_login(xihu_officer)
    assert "我方发出待处理 1 项" in client.get(reverse("admin:members_member_changelist")).content.decode()
