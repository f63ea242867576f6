"""One write path per state change: the admin, the API and the importer apply the same rules.

A member's branch (an officer's own, whatever is posted), the category after an honour
changes, and the one answer for another branch's row and a missing one (``access_*``).
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from core.access import NOT_FOUND, NotFoundError, access_object, branch_for_new_row
from core.errors import DomainError
from core.idcard import make_id_number
from members import services
from members.models import Honor, Member, MemberImport, Transfer
from tests import factories as f

from .io_helpers import private_media, row, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db


def new_id(seq: int) -> str:
    return make_id_number("330106", datetime.date(1980, 5, 5), seq)


def missing_pk(model) -> int:
    return (model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def admin_url(name, *args):
    return reverse(f"admin:members_{name}", args=args)


@pytest.fixture
def api():
    return APIClient()


def member_form(**values) -> dict:
    return {"ethnicity": "汉族", "status": "active", "honors-TOTAL_FORMS": 0, "honors-INITIAL_FORMS": 0,
            "scans-TOTAL_FORMS": 0, "scans-INITIAL_FORMS": 0, **values}  # fmt: skip


def honour_inline(member=None, **values) -> dict:
    """The member form with one new honour row in the inline."""
    data = member_form(**({"name": member.name} if member else {}))
    data.update({"honors-TOTAL_FORMS": 1, "honors-0-kind": "craftsman", "honors-0-level": 3,
                 "honors-0-title": "杭州工匠", "honors-0-year": 2021, **values})  # fmt: skip
    return data


def admin_import(client, rows) -> MemberImport:
    """Upload a file through the admin and confirm its preview, as a person does."""
    response = client.post(admin_url("member_import"), {"file": xlsx_file(rows)})
    assert response.status_code == 302, response.content.decode()[:2000]
    job = MemberImport.objects.order_by("-pk").first()
    if job.status == MemberImport.Status.READY:
        client.post(admin_url("member_import_detail", job.pk))
        job.refresh_from_db()
    return job


# ---- the branch of a new member -----------------------------------------------------------


def test_admin_add_as_officer_forces_own_branch_even_if_another_is_posted(
    client, xihu_officer, xihu, binjiang
):
    client.force_login(xihu_officer)
    response = client.post(
        admin_url("member_add"), member_form(name="新人", id_number=new_id(1), branch=binjiang.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(id_number=new_id(1)).branch == xihu


def test_admin_change_as_officer_keeps_the_branch_even_if_another_is_posted(
    client, xihu_officer, xihu_member, xihu, binjiang
):
    client.force_login(xihu_officer)
    data = member_form(name="改名", branch=binjiang.pk, mobile=xihu_member.mobile)
    response = client.post(admin_url("member_change", xihu_member.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    xihu_member.refresh_from_db()
    assert (xihu_member.name, xihu_member.branch) == ("改名", xihu)


def test_admin_add_as_staff_uses_the_chosen_branch(client, staff_user, xihu, binjiang):
    client.force_login(staff_user)
    response = client.post(
        admin_url("member_add"), member_form(name="新人", id_number=new_id(2), branch=binjiang.pk)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(id_number=new_id(2)).branch == binjiang


def test_api_create_as_officer_never_lands_in_another_branch(api, xihu_officer, xihu, binjiang):
    api.force_authenticate(xihu_officer)
    refused = api.post(
        "/api/members/", {"name": "新人", "id_number": new_id(3), "branch": binjiang.pk}, format="json"
    )
    assert refused.status_code == 400 and "branch" in refused.json()
    assert not Member.objects.filter(id_number=new_id(3)).exists()
    created = api.post("/api/members/", {"name": "新人", "id_number": new_id(3)}, format="json")
    assert created.status_code == 201, created.json()
    assert Member.objects.get(id_number=new_id(3)).branch == xihu


def test_api_update_as_officer_keeps_the_branch(api, xihu_officer, xihu_member, xihu, binjiang):
    api.force_authenticate(xihu_officer)
    response = api.patch(
        f"/api/members/{xihu_member.pk}/", {"name": "改名", "branch": binjiang.pk}, format="json"
    )
    assert response.status_code == 200, response.json()
    xihu_member.refresh_from_db()
    assert (xihu_member.name, xihu_member.branch) == ("改名", xihu)


def test_api_create_as_staff_uses_the_chosen_branch_and_needs_one(api, staff_user, binjiang):
    api.force_authenticate(staff_user)
    missing = api.post("/api/members/", {"name": "新人", "id_number": new_id(4)}, format="json")
    assert missing.status_code == 400 and missing.json()["branch"] == ["请选择所属分会。"]
    created = api.post(
        "/api/members/", {"name": "新人", "id_number": new_id(4), "branch": binjiang.pk}, format="json"
    )
    assert created.status_code == 201, created.json()
    assert Member.objects.get(id_number=new_id(4)).branch == binjiang


def test_import_as_officer_lands_in_own_branch_and_refuses_another(client, xihu_officer, xihu, binjiang):
    client.force_login(xihu_officer)
    refused = admin_import(client, [row(name="甲", id_number=new_id(5), branch="滨江区")])
    assert refused.status == MemberImport.Status.INVALID
    assert "其他分会" in refused.report["errors"][0]["message"]
    assert not Member.objects.filter(id_number=new_id(5)).exists()
    done = admin_import(
        client, [row(name="甲", id_number=new_id(5)), row(name="乙", id_number=new_id(6), branch="西湖区")]
    )
    assert done.status == MemberImport.Status.DONE, done.report
    assert set(
        Member.objects.filter(id_number__in=[new_id(5), new_id(6)]).values_list("branch", flat=True)
    ) == {xihu.pk}


def test_import_as_staff_uses_the_branch_of_each_row(client, staff_user, xihu, binjiang):
    client.force_login(staff_user)
    job = admin_import(client, [row(name="甲", id_number=new_id(7), branch="滨江区"),
                                row(name="乙", id_number=new_id(8), branch="西湖区")])  # fmt: skip
    assert job.status == MemberImport.Status.DONE, job.report
    assert Member.objects.get(id_number=new_id(7)).branch == binjiang
    assert Member.objects.get(id_number=new_id(8)).branch == xihu


def test_branch_for_new_row_is_the_one_rule(staff_user, xihu_officer, xihu, binjiang):
    assert branch_for_new_row(xihu_officer, None) == xihu.pk
    assert branch_for_new_row(xihu_officer, xihu) == xihu.pk
    with pytest.raises(ValidationError) as exc:
        branch_for_new_row(xihu_officer, binjiang)
    assert "branch" in exc.value.message_dict
    assert branch_for_new_row(staff_user, binjiang.pk) == binjiang.pk
    assert branch_for_new_row(staff_user, None) is None
    with pytest.raises(ValidationError):
        branch_for_new_row(staff_user, None, required=True)
    with pytest.raises(NotFoundError):
        branch_for_new_row(f.officer(None, username="nobody"), xihu)


# ---- what each role may write -----------------------------------------------------------


def test_member_create_normalises_the_id_number_and_derives_birth_and_gender(staff_user, xihu):
    number = make_id_number("330106", datetime.date(1975, 3, 9), 7)
    typed = " " + number[:-1] + number[-1].lower().translate({ord("x"): "ｘ"}) + " "
    member = services.member_create(actor=staff_user, name="甲", id_number=typed, branch=xihu)
    member.refresh_from_db()
    assert (member.id_number, member.birth_date) == (number, datetime.date(1975, 3, 9))
    assert member.gender in ("M", "F") and member.category == ""


def test_recovery_mobile_is_written_by_no_door(staff_user, xihu_officer, xihu_member):
    for actor in (staff_user, xihu_officer):
        with pytest.raises(DomainError) as exc:
            services.member_update(xihu_member, actor=actor, recovery_mobile="13900000000")
        assert exc.value.code == "recovery_mobile"
    with pytest.raises(DomainError):
        services.member_create(
            actor=staff_user, name="甲", id_number=new_id(9), recovery_mobile="13900000000"
        )
    xihu_member.refresh_from_db()
    assert xihu_member.recovery_mobile == ""


def test_officer_cannot_change_id_number_login_or_branch(xihu_officer, xihu_member, binjiang):
    user = f.UserFactory()
    for fields, code in [({"id_number": new_id(10)}, "id_number_fixed"), ({"user": user}, "staff_only"),
                         ({"branch": binjiang}, "transfer_required")]:  # fmt: skip
        with pytest.raises(DomainError) as exc:
            services.member_update(xihu_member, actor=xihu_officer, **fields)
        assert exc.value.code == code
    stored = Member.objects.get(pk=xihu_member.pk)
    assert (stored.branch.name, stored.user_id) == ("西湖区", None)


def test_member_update_refuses_what_full_clean_refuses(staff_user, xihu_member):
    with pytest.raises(ValidationError) as exc:
        services.member_update(xihu_member, actor=staff_user, mobile="电话")
    assert "mobile" in exc.value.message_dict
    assert Member.objects.get(pk=xihu_member.pk).mobile != "电话"


# ---- the category follows the honours, through every door ---------------------------------


def category(member) -> str:
    return Member.objects.values_list("category", flat=True).get(pk=member.pk)


def plain_member(branch) -> Member:
    return f.MemberFactory(branch=branch, name="无荣誉")


def test_category_after_honour_add_and_delete_in_the_member_form(client, xihu_officer, xihu):
    member = plain_member(xihu)
    client.force_login(xihu_officer)
    response = client.post(admin_url("member_change", member.pk), honour_inline(member, mobile=member.mobile))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert category(member) == Member.Category.CRAFTSMAN
    honor = member.honors.get()
    data = member_form(name=member.name, mobile=member.mobile)
    data.update({"honors-TOTAL_FORMS": 1, "honors-INITIAL_FORMS": 1, "honors-0-id": honor.pk,
                 "honors-0-member": member.pk, "honors-0-kind": "craftsman", "honors-0-level": 3,
                 "honors-0-title": "杭州工匠", "honors-0-year": 2021, "honors-0-DELETE": "on"})  # fmt: skip
    response = client.post(admin_url("member_change", member.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not member.honors.exists() and category(member) == ""


def test_category_after_honour_add_in_the_admin_add_form(client, xihu_officer, xihu):
    client.force_login(xihu_officer)
    response = client.post(admin_url("member_add"), honour_inline(name="新人", id_number=new_id(11)))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Member.objects.get(id_number=new_id(11)).category == Member.Category.CRAFTSMAN


def test_category_after_honour_add_and_delete_in_the_honour_admin(client, xihu_officer, xihu):
    member = plain_member(xihu)
    client.force_login(xihu_officer)
    data = {"member": member.pk, "kind": "model_worker", "level": 3, "title": "杭州市劳动模范", "year": 2015}
    response = client.post(admin_url("honor_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert category(member) == Member.Category.MODEL_WORKER
    honor = member.honors.get()
    client.post(admin_url("honor_delete", honor.pk), {"post": "yes"})
    assert category(member) == ""
    f.HonorFactory(member=member, kind="craftsman")
    client.post(admin_url("honor_changelist"), {"action": "delete_selected", "_selected_action": [
        member.honors.get().pk], "post": "yes"})  # fmt: skip
    assert not member.honors.exists() and category(member) == ""


def test_category_after_honour_add_change_and_delete_through_the_api(api, xihu_officer, xihu):
    member = plain_member(xihu)
    api.force_authenticate(xihu_officer)
    data = {"member": member.pk, "kind": "craftsman", "level": 3, "title": "杭州工匠", "year": 2021}
    created = api.post("/api/honors/", data, format="json")
    assert created.status_code == 201, created.json()
    assert category(member) == Member.Category.CRAFTSMAN
    changed = api.patch(f"/api/honors/{created.json()['id']}/", {"kind": "model_worker"}, format="json")
    assert changed.status_code == 200, changed.json()
    assert category(member) == Member.Category.MODEL_WORKER
    assert api.delete(f"/api/honors/{created.json()['id']}/").status_code == 204
    assert category(member) == ""


def test_category_after_honour_row_in_an_import(client, xihu_officer, xihu):
    member = plain_member(xihu)
    client.force_login(xihu_officer)
    job = admin_import(client, [row(name=member.name, id_number=member.id_number, honor_kind="工匠",
                                    honor_level="市级", honor_title="杭州工匠", honor_year="2021")])  # fmt: skip
    assert job.status == MemberImport.Status.DONE, job.report
    assert category(member) == Member.Category.CRAFTSMAN


def test_api_honour_for_a_member_outside_scope_is_refused(api, xihu_officer, binjiang_member):
    api.force_authenticate(xihu_officer)
    data = {"member": binjiang_member.pk, "kind": "craftsman", "level": 3, "title": "杭州工匠", "year": 2021}
    assert api.post("/api/honors/", data, format="json").status_code == 400
    assert binjiang_member.honors.count() == 1


# ---- access_*: another branch's row answers like a missing one ------------------------------


@pytest.mark.parametrize("path", ["members", "honors"])
def test_api_detail_and_write_answer_alike_for_other_branch_and_missing(
    api, xihu_officer, binjiang_member, path
):
    other = binjiang_member.pk if path == "members" else binjiang_member.honors.get().pk
    missing = missing_pk(Member if path == "members" else Honor)
    api.force_authenticate(xihu_officer)
    for method, body in (("get", None), ("patch", {"name": "x"}), ("delete", None)):
        answers = [getattr(api, method)(f"/api/{path}/{pk}/", body, format="json") for pk in (other, missing)]
        assert [a.status_code for a in answers] == [404, 404]
        assert answers[0].json() == answers[1].json() == {"detail": NOT_FOUND, "code": "not_found"}


def test_admin_import_page_answers_alike_for_another_users_job_and_missing(
    client, xihu_officer, binjiang_officer
):
    job = MemberImport.objects.create(created_by=binjiang_officer, branch=binjiang_officer.officer_profile.branch,
                                      filename="名册.xlsx")  # fmt: skip
    client.force_login(xihu_officer)
    for view in ("member_import_detail", "member_import_progress"):
        answers = [client.get(admin_url(view, pk)) for pk in (job.pk, missing_pk(MemberImport))]
        assert [a.status_code for a in answers] == [404, 404]
        assert answers[0].content == answers[1].content


def test_services_answer_alike_for_other_branch_and_missing(xihu_officer, binjiang_member, binjiang):
    missing = Member(pk=missing_pk(Member), branch=binjiang)
    calls = [
        lambda m: services.member_update(m, actor=xihu_officer, name="x"),
        lambda m: services.honor_create(
            actor=xihu_officer, member=m, kind="craftsman", level=3, title="t", year=2021
        ),
        lambda m: services.member_invite(member=m, actor=xihu_officer),
        lambda m: services.certificate_issue(member=m, actor=xihu_officer, purpose="证明"),
        lambda m: services.member_transfer_request(
            member=m, to_branch=binjiang, actor=xihu_officer, reason="调动"
        ),
        lambda m: services.registration_scan_add(member=m, upload=None, actor=xihu_officer),
    ]
    for call in calls:
        answers = []
        for member in (binjiang_member, missing):
            with pytest.raises(NotFoundError) as exc:
                call(member)
            answers.append((exc.value.status, exc.value.code, exc.value.message))
        assert answers[0] == answers[1] == (404, "not_found", NOT_FOUND)
    assert Member.objects.get(pk=binjiang_member.pk).name == "滨江乙"
    assert not Transfer.objects.exists()


def test_transfer_decision_answers_alike_for_other_branch_and_missing(
    xihu_officer, binjiang_member, binjiang
):
    third = f.BranchFactory(name="上城区", code="shangcheng")
    transfer = Transfer.objects.create(member=binjiang_member, from_branch=binjiang, to_branch=third,
                                       reason="调动", requested_by=f.association_staff())  # fmt: skip
    for pk in (transfer.pk, missing_pk(Transfer)):
        with pytest.raises(NotFoundError):
            services.transfer_accept(transfer=Transfer(pk=pk), actor=xihu_officer)
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.PENDING


def test_access_object_refuses_models_without_scope(staff_user):
    from django.contrib.auth import get_user_model

    with pytest.raises(TypeError):
        access_object(get_user_model(), staff_user, staff_user.pk)
    with pytest.raises(NotFoundError):
        access_object(Member, staff_user, "not-an-id")
