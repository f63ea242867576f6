"""Issue 16, findings 2, 5, 6 and 7, through the real admin (and API) URLs, per role.

2. History is read-only: a POST to a version page changes nothing; bad ids answer 404;
   models without history answer 404 and offer no history link.
5. No ID oracle: only declared filters in the changelist URL (same answer for a right
   and a wrong guess); history shows ID numbers, phones and addresses masked.
6. An empty scope (officer without a branch, staff login without a role) writes nothing.
7. ``/admin/r/<ct>/<pk>/`` answers 404 for another branch's draft exactly like a missing id.
"""

import datetime

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from rest_framework.test import APIClient
from simple_history.admin import SimpleHistoryAdmin

from core.admin.base import PortalModelAdmin
from core.idcard import make_id_number
from members import services
from members.models import Certificate, Member
from publications.models import NewsletterIssue
from tests import factories as f
from wellbeing.models import Inquiry

pytestmark = pytest.mark.django_db


def history_urls(obj):
    """The history list of ``obj`` and the page of its oldest version."""
    opts = obj._meta
    first = obj.history.order_by("history_id").first()
    return (
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
        reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, first.history_id]),
    )


# ---- 2. history is read-only ---------------------------------------------------------------


@pytest.fixture
def revoked_certificate(staff_user, xihu_member):
    certificate = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    services.certificate_revoke(certificate=certificate, actor=staff_user, reason="荣誉撤销")
    return certificate


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_posting_an_old_certificate_version_does_not_revert_the_revocation(
    client, staff_user, xihu_officer, revoked_certificate, role
):
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    _list, version = history_urls(revoked_certificate)
    response = client.post(version, {"_save": "恢复"})
    assert response.status_code == 405
    revoked_certificate.refresh_from_db()
    assert revoked_certificate.status == Certificate.Status.REVOKED
    assert revoked_certificate.history.count() == 2  # issued, revoked: nothing saved


def test_posting_an_old_workshop_version_does_not_unname_it(client, staff_user, xihu_officer, xihu):
    workshop = f.WorkshopFactory(branch=xihu, status="applied")  # the oldest version: 已申报
    workshop.status, workshop.naming_document_number = "named", "杭劳模协〔2021〕1号"
    workshop.named_on = datetime.date(2021, 6, 1)
    workshop.save()
    _list, version = history_urls(workshop)
    for user in (staff_user, xihu_officer):
        client.force_login(user)
        data = {"name": workshop.name, "host_unit": workshop.host_unit, "kind": "enterprise", "address": "x"}
        assert client.post(version, data).status_code == 405
    workshop.refresh_from_db()
    assert workshop.status == "named" and workshop.naming_document_number == "杭劳模协〔2021〕1号"


def test_posting_an_old_member_version_does_not_move_the_member(client, staff_user, xihu, binjiang_member):
    binjiang_member.branch = xihu
    binjiang_member.save()
    _list, version = history_urls(binjiang_member)  # the oldest version: in 滨江区
    client.force_login(staff_user)
    data = {
        "name": binjiang_member.name,
        "id_number": binjiang_member.id_number,
        "ethnicity": "汉族",
        "status": "active",
    }
    assert client.post(version, data).status_code == 405
    binjiang_member.refresh_from_db()
    assert binjiang_member.branch == xihu


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_a_version_page_shows_the_old_version_read_only(client, staff_user, xihu_officer, xihu_member, role):
    xihu_member.name = "西湖甲改"
    xihu_member.save()
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    _list, version = history_urls(xihu_member)
    response = client.get(version)
    assert response.status_code == 200
    body = response.content.decode()
    assert "西湖甲" in body and "西湖甲改" not in body.split('class="readonly"', 1)[1]
    assert 'name="_save"' not in body and 'name="_change_history"' not in body
    assert 'type="text"' not in body and "<select" not in body and "<textarea" not in body


@pytest.mark.parametrize("role", ["staff", "officer"])
@pytest.mark.parametrize(
    "suffix",
    ["history/abc/", "history/999999999/", "history/99999999999999999999999/", "history/1%00/"],
)
def test_bad_version_ids_are_404(client, staff_user, xihu_officer, xihu_member, role, suffix):
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    base = reverse("admin:members_member_change", args=[xihu_member.pk]).removesuffix("change/")
    # A NUL never reaches the view: the input middleware answers 400 for every door.
    assert client.get(base + suffix).status_code == (400 if "%00" in suffix else 404)


@pytest.mark.parametrize("role", ["staff", "officer"])
@pytest.mark.parametrize("object_id", ["abc", "99999999999999999999999"])
def test_bad_object_ids_on_history_are_404(client, staff_user, xihu_officer, xihu_member, role, object_id):
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    record = xihu_member.history.first()
    assert client.get(f"/admin/members/member/{object_id}/history/").status_code == 404
    assert client.get(f"/admin/members/member/{object_id}/history/{record.history_id}/").status_code == 404


@pytest.mark.parametrize("model", ["branch", "officerprofile", "transfer", "memberimport"])
def test_history_of_models_without_history_is_404_not_500(client, staff_user, xihu, xihu_officer, model):
    client.force_login(staff_user)
    pk = {"branch": xihu.pk, "officerprofile": xihu_officer.officer_profile.pk}.get(model, 1)
    assert client.get(f"/admin/members/{model}/{pk}/history/").status_code == 404
    assert client.get(f"/admin/members/{model}/{pk}/history/1/").status_code == 404


def test_change_form_offers_history_link_only_where_history_is_kept(client, staff_user, xihu, xihu_member):
    client.force_login(staff_user)
    branch_page = client.get(reverse("admin:members_branch_change", args=[xihu.pk])).content.decode()
    member_page = client.get(reverse("admin:members_member_change", args=[xihu_member.pk])).content.decode()
    assert "historylink" not in branch_page
    assert "historylink" in member_page


def test_every_admin_with_history_is_read_only():
    with_history = [a for a in admin.site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert with_history
    assert [type(a).__name__ for a in with_history if not isinstance(a, PortalModelAdmin)] == []


# ---- 5. no ID oracle -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "officer"])
@pytest.mark.parametrize(
    "param", ["id_number__startswith", "id_number", "mobile__startswith", "notes__contains", "branch__name"]
)
def test_undeclared_lookups_answer_the_same_for_right_and_wrong_guesses(
    client, staff_user, xihu_officer, xihu_member, role, param
):
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    value = {
        "mobile__startswith": xihu_member.mobile[:5],
        "notes__contains": "",
        "branch__name": "西湖区",
    }.get(param, xihu_member.id_number[:6] if param.endswith("startswith") else xihu_member.id_number)
    wrong = "9" * len(value) if value else "不存在"
    answers = []
    for guess in (value, wrong):
        for name in ("member_changelist", "member_export"):
            response = client.get(reverse(f"admin:members_{name}"), {param: guess})
            answers.append((name, response.status_code, response.get("Location")))
    assert answers[:2] == answers[2:]
    assert {status for _name, status, _location in answers} == {302}
    assert all(location.endswith("?e=1") for name, _s, location in answers if name == "member_changelist")


def test_declared_filters_still_work(client, xihu_officer, staff_user, xihu, xihu_member):
    client.force_login(xihu_officer)
    for params in (
        {"status__exact": "active"},
        {"branch__id__exact": xihu.pk},
        {"honor_kind": "craftsman"},
        {"gender__exact": xihu_member.gender},
        {"age_band": "60-69"},
    ):
        response = client.get(reverse("admin:members_member_changelist"), params)
        assert response.status_code == 200, params
    client.force_login(staff_user)
    inquiry_list = reverse("admin:wellbeing_inquiry_changelist")
    assert (
        client.get(inquiry_list, {"received_at__year": 2026, "status__exact": "registered"}).status_code
        == 200
    )
    assert client.get(inquiry_list, {"deadline_state": "overdue"}).status_code == 200
    assert client.get(inquiry_list, {"person_name__startswith": "王"}).status_code == 302


@pytest.fixture
def renumbered_member(staff_user, xihu_member):
    """A member whose ID number, mobile and address were corrected: history holds old and new values."""
    old = {"id_number": xihu_member.id_number, "mobile": xihu_member.mobile}
    xihu_member.id_number = make_id_number("330106", xihu_member.birth_date, 998)
    xihu_member.mobile = "13612345678"
    xihu_member.address = "杭州市西湖区某路1号"
    xihu_member.save()
    return xihu_member, old


@pytest.mark.parametrize("role", ["staff", "officer"])
def test_history_shows_id_numbers_phones_and_addresses_masked(
    client, staff_user, xihu_officer, renumbered_member, role
):
    member, old = renumbered_member
    client.force_login({"staff": staff_user, "officer": xihu_officer}[role])
    history, version = history_urls(member)
    latest = reverse(
        "admin:members_member_simple_history", args=[member.pk, member.history.first().history_id]
    )
    for url in (history, version, latest):
        response = client.get(url)
        assert response.status_code == 200
        body = response.content.decode()
        for secret in (old["id_number"], member.id_number, old["mobile"], member.mobile, "某路1号"):
            assert secret not in body, (url, secret)
    body = client.get(history).content.decode()
    assert member.id_number[:2] + "*" * 15 + member.id_number[-1] in body
    assert "136****5678" in body


# ---- 6. an empty scope writes nothing ------------------------------------------------------


INQUIRY_FORM = {
    "channel": "call", "received_at_0": "2026-09-28", "received_at_1": "09:00:00", "person_name": "王大爷",
    "contact": "13900001111", "subject": "咨询疗休养", "category": "convalescence", "content": "何时报名",
    "deadline": "", "policy_explanation": "", "logs-TOTAL_FORMS": 0, "logs-INITIAL_FORMS": 0,
}  # fmt: skip
INQUIRY_API = {
    "channel": "call", "received_at": "2026-09-28T09:00:00+08:00", "person_name": "来电人", "subject": "咨询",
    "category": "treatment", "content": "内容",
}  # fmt: skip


def staff_without_role():
    """A staff login holding the inquiry permissions directly, in no group: its scope is empty."""
    user = f.UserFactory(is_staff=True, username="norole")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="wellbeing", content_type__model="inquiry")
    )
    return user


@pytest.mark.parametrize("who", ["officer_without_branch", "staff_without_role"])
def test_empty_scope_cannot_register_inquiries_in_the_admin(client, who):
    user = f.officer(None, username="nobranch") if who == "officer_without_branch" else staff_without_role()
    client.force_login(user)
    url = reverse("admin:wellbeing_inquiry_add")
    assert client.get(url).status_code == 403
    assert client.post(url, INQUIRY_FORM).status_code == 403
    assert not Inquiry.objects.exists()


@pytest.mark.parametrize("who", ["officer_without_branch", "staff_without_role"])
def test_empty_scope_cannot_register_inquiries_through_the_api(who):
    user = f.officer(None, username="nobranch") if who == "officer_without_branch" else staff_without_role()
    api = APIClient()
    api.force_authenticate(user)
    response = api.post("/api/inquiries/", INQUIRY_API, format="json")
    assert response.status_code == 403
    assert not Inquiry.objects.exists()


def test_empty_scope_cannot_change_or_delete_through_the_api(xihu):
    inquiry = f.InquiryFactory(branch=None)  # an association-level case
    api = APIClient()
    api.force_authenticate(f.officer(None, username="nobranch"))
    assert api.patch(f"/api/inquiries/{inquiry.pk}/", {"subject": "改"}, format="json").status_code == 403
    assert api.delete(f"/api/inquiries/{inquiry.pk}/").status_code == 403
    assert Inquiry.objects.get(pk=inquiry.pk).subject == "咨询劳模津贴发放时间"


def test_officer_with_branch_still_registers_into_own_branch(client, xihu_officer, xihu):
    client.force_login(xihu_officer)
    assert client.post(reverse("admin:wellbeing_inquiry_add"), INQUIRY_FORM).status_code == 302
    assert Inquiry.objects.get().branch == xihu


# ---- 7. the view-on-site shortcut ----------------------------------------------------------


@pytest.fixture
def issues(xihu, binjiang):
    return {
        "xihu_draft": f.NewsletterIssueFactory(branch=xihu, title="西湖草稿"),
        "binjiang_draft": f.NewsletterIssueFactory(branch=binjiang, title="滨江草稿"),
        "assoc_draft": f.NewsletterIssueFactory(branch=None, title="协会草稿"),
    }


def shortcut(model, pk):
    return f"/admin/r/{ContentType.objects.get_for_model(model).pk}/{pk}/"


def missing_issue_pk():
    return (NewsletterIssue.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def test_shortcut_to_another_branchs_draft_answers_like_a_missing_id(client, xihu_officer, issues):
    client.force_login(xihu_officer)
    other = client.get(shortcut(NewsletterIssue, issues["binjiang_draft"].pk))
    association = client.get(shortcut(NewsletterIssue, issues["assoc_draft"].pk))
    missing = client.get(shortcut(NewsletterIssue, missing_issue_pk()))
    assert other.status_code == association.status_code == missing.status_code == 404
    article = f.ArticleFactory(issue=issues["binjiang_draft"])
    assert client.get(shortcut(article, article.pk)).status_code == 404
    own = client.get(shortcut(NewsletterIssue, issues["xihu_draft"].pk))
    assert own.status_code == 302


def test_shortcut_for_officer_without_branch_and_staff(client, staff_user, issues):
    client.force_login(f.officer(None, username="nobranch"))
    assert client.get(shortcut(NewsletterIssue, issues["xihu_draft"].pk)).status_code == 404
    client.force_login(staff_user)
    assert client.get(shortcut(NewsletterIssue, issues["binjiang_draft"].pk)).status_code == 302


@pytest.mark.parametrize(
    "path", ["/admin/r/abc/1/", "/admin/r/1%00/1/", "/admin/r/99999999999999999999/1/", "/admin/r/{ct}/abc/",
             "/admin/r/{ct}/1%00/", "/admin/r/{ct}/99999999999999999999999/", "/admin/r/{user_ct}/1/"],
)  # fmt: skip
def test_shortcut_with_malformed_or_unregistered_ids_is_404(client, staff_user, issues, path):
    client.force_login(staff_user)
    ct = ContentType.objects.get_for_model(NewsletterIssue).pk
    user_ct = ContentType.objects.get_for_model(Member.history.model).pk
    path = path.format(ct=ct, user_ct=user_ct)
    assert client.get(path).status_code == (400 if "%00" in path else 404)


def test_officer_change_page_shows_age_not_birth_date_beside_the_masked_number(
    client, xihu_officer, xihu_member
):
    """A masked number beside the full birth date gives most of it back (docs/security.md)."""
    client.force_login(xihu_officer)
    page = client.get(reverse("admin:members_member_change", args=[xihu_member.pk])).content.decode()
    birth = xihu_member.birth_date
    assert xihu_member.masked_id_number in page
    for shown in (
        birth.isoformat(),
        f"{birth.year}年{birth.month}月{birth.day}日",
        xihu_member.id_number[6:14],
    ):
        assert shown not in page
    assert "年龄" in page


def test_history_pages_speak_chinese(client, staff_user, xihu_member):
    """The library's list and version page: no 'Changes', 'None' or 'Historical' left in English."""
    client.force_login(staff_user)
    xihu_member.notes = "改备注"
    xihu_member.save()
    base = reverse("admin:members_member_change", args=[xihu_member.pk]).removesuffix("change/")
    listing = client.get(base + "history/").content.decode()
    assert "变更内容" in listing and ">Changes<" not in listing and "None" not in listing
    record = xihu_member.history.first()
    version = client.get(base + f"history/{record.history_id}/").content.decode()
    assert "查看历史版本" in version and "Historical" not in version
