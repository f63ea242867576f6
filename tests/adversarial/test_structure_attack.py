"""Probes of the structure change (issue 17): the scoped default managers, the explicit
``scopes_disabled()`` blocks, the one write path and the token-authenticated API.

Attackers: (1) the other branch's officer (滨江区 against 西湖区, or the reverse), (2) an officer
whose profile names no branch, (3) a member, (4) an anonymous visitor, (5) a staff login
without a role. Each probe checks for cross-branch reads or writes, personal data
(身份证号, mobile, address) reaching the wrong person, 500s, and a difference between
"another branch's id" and "a missing id".
"""

import datetime

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.idcard import make_id_number
from members import services
from members.models import Certificate, Honor, Member, Transfer
from tests import factories as f

pytestmark = pytest.mark.django_db

MISSING = 987654321


# ------------------------------------------------------------------------------- fixtures


@pytest.fixture
def cast(xihu, binjiang, staff_user, xihu_officer, binjiang_officer, xihu_member, binjiang_member):
    """Both branches with a member each; 滨江乙's ID number, mobile and address are the secrets."""
    binjiang_member.address = "滨江区秘密路99号"
    binjiang_member.save(update_fields=["address"])
    nobranch = f.officer(None, username="officer_nobranch")
    norole = f.UserFactory(username="staff_norole", is_staff=True)
    member_login = f.member_user(xihu_member, username="member_xihu")
    return {
        "xihu": xihu, "binjiang": binjiang, "staff": staff_user, "xihu_officer": xihu_officer,
        "binjiang_officer": binjiang_officer, "xihu_member": xihu_member,
        "binjiang_member": binjiang_member, "nobranch": nobranch, "norole": norole,
        "member_login": member_login,
    }  # fmt: skip


def secrets_of(member):
    return [member.id_number, member.mobile, member.address, member.id_number[6:14]]


def leaks(body: str, member) -> list[str]:
    return [s for s in secrets_of(member) if s and s in body]


def token_client(user) -> APIClient:
    """A real token request (not force_authenticate): DRF reads the token inside the view."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def session_api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def new_id(seq: int) -> str:
    return make_id_number("330106", datetime.date(1970, 5, 6), seq)


def member_add_form(**values) -> dict:
    data = {
        "name": "新登记", "id_number": new_id(301), "ethnicity": "汉族", "political_status": "",
        "mobile": "13700001111", "address": "", "employer": "", "position": "", "industry": "",
        "status": "active", "notes": "",
        "honors-TOTAL_FORMS": "0", "honors-INITIAL_FORMS": "0",
        "scans-TOTAL_FORMS": "0", "scans-INITIAL_FORMS": "0",
    }  # fmt: skip
    data.update(values)
    return data


def inline_prefixes(client, url) -> dict:
    """The management-form fields of every inline on an admin page (their prefixes vary)."""
    import re

    body = client.get(url).content.decode()
    fields = {}
    for prefix in re.findall(r'name="([\w-]+)-TOTAL_FORMS"', body):
        fields[f"{prefix}-TOTAL_FORMS"] = "0"
        fields[f"{prefix}-INITIAL_FORMS"] = "0"
    return fields


# ------------------------------------------------------- (1) another branch's officer


def test_token_officer_sees_only_own_branch_and_other_id_answers_like_missing(cast):
    client = token_client(cast["xihu_officer"])
    listing = client.get("/api/members/")
    assert listing.status_code == 200
    names = {row["name"] for row in listing.json()["results"]}
    assert names == {"西湖甲"}
    other = client.get(f"/api/members/{cast['binjiang_member'].pk}/")
    missing = client.get(f"/api/members/{MISSING}/")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert not leaks(listing.content.decode() + other.content.decode(), cast["binjiang_member"])


def test_token_officer_writes_are_scoped(cast):
    client = token_client(cast["xihu_officer"])
    target = cast["binjiang_member"]
    assert client.patch(f"/api/members/{target.pk}/", {"name": "改"}, format="json").status_code == 404
    response = client.post(
        "/api/members/", {"name": "新人", "id_number": new_id(302), "branch": cast["binjiang"].pk},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    response = client.post("/api/members/", {"name": "新人", "id_number": new_id(302)}, format="json")
    assert response.status_code == 201
    assert Member.objects.get(id_number=new_id(302)).branch == cast["xihu"]
    target.refresh_from_db()
    assert target.name == "滨江乙"


def test_token_officer_honour_for_other_member_answers_like_missing(cast):
    client = token_client(cast["xihu_officer"])
    body = {"kind": "model_worker", "level": 3, "title": "伪造", "year": 2020}
    other = client.post("/api/honors/", {**body, "member": cast["binjiang_member"].pk}, format="json")
    missing = client.post("/api/honors/", {**body, "member": MISSING}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json()["member"] == [m.replace(str(MISSING), str(cast["binjiang_member"].pk))
                                      for m in missing.json()["member"]]  # fmt: skip
    assert not Honor.objects.filter(title="伪造").exists()


def test_officer_moves_own_honour_to_other_branch_member_is_refused(cast):
    client = session_api(cast["xihu_officer"])
    honor = cast["xihu_member"].honors.get()
    response = client.patch(f"/api/honors/{honor.pk}/", {"member": cast["binjiang_member"].pk}, format="json")
    assert response.status_code == 400
    honor.refresh_from_db()
    assert honor.member == cast["xihu_member"]


def test_officer_patch_cannot_set_recovery_mobile_user_or_branch(cast):
    client = session_api(cast["xihu_officer"])
    member = cast["xihu_member"]
    response = client.patch(
        f"/api/members/{member.pk}/",
        {"recovery_mobile": "13800000000", "user": cast["xihu_officer"].pk, "branch": cast["binjiang"].pk},
        format="json",
    )
    assert response.status_code < 500
    member.refresh_from_db()
    assert member.recovery_mobile != "13800000000"
    assert member.user == cast["member_login"]
    assert member.branch == cast["xihu"]


def test_duplicate_id_number_of_other_branch_gets_the_neutral_message(cast):
    client = session_api(cast["xihu_officer"])
    other = client.post(
        "/api/members/", {"name": "重号", "id_number": cast["binjiang_member"].id_number}, format="json"
    )
    own = client.post(
        "/api/members/", {"name": "重号", "id_number": cast["xihu_member"].id_number}, format="json"
    )
    assert other.status_code == own.status_code == 400
    assert other.json() == own.json()
    assert "滨江" not in other.content.decode()


def test_admin_add_member_with_other_branch_is_not_honoured(client, cast):
    client.force_login(cast["xihu_officer"])
    url = reverse("admin:members_member_add")
    data = {**member_add_form(branch=cast["binjiang"].pk), **inline_prefixes(client, url)}
    response = client.post(url, data)
    assert response.status_code < 500
    created = Member.objects.filter(id_number=new_id(301)).first()
    assert created is None or created.branch == cast["xihu"]


def test_admin_add_member_with_other_branch_id_number_is_neutral(client, cast):
    client.force_login(cast["xihu_officer"])
    url = reverse("admin:members_member_add")
    data = {**member_add_form(id_number=cast["binjiang_member"].id_number), **inline_prefixes(client, url)}
    response = client.post(url, data)
    assert response.status_code == 200  # the form again, with one error
    body = response.content.decode()
    assert "滨江乙" not in body and "滨江区秘密路" not in body
    assert Member.objects.filter(id_number=cast["binjiang_member"].id_number).count() == 1


def test_admin_change_other_branch_member_is_404_like_missing(client, cast):
    client.force_login(cast["xihu_officer"])
    other = client.get(reverse("admin:members_member_change", args=[cast["binjiang_member"].pk]))
    missing = client.get(reverse("admin:members_member_change", args=[MISSING]))
    assert other.status_code == missing.status_code == 404
    posted = client.post(
        reverse("admin:members_member_change", args=[cast["binjiang_member"].pk]), member_add_form()
    )
    assert posted.status_code == 404
    cast["binjiang_member"].refresh_from_db()
    assert cast["binjiang_member"].name == "滨江乙"


def test_admin_change_own_member_cannot_move_branch_or_take_other_honour(client, cast):
    client.force_login(cast["xihu_officer"])
    member = cast["xihu_member"]
    own_honor = member.honors.get()
    other_honor = cast["binjiang_member"].honors.get()
    url = reverse("admin:members_member_change", args=[member.pk])
    prefixes = inline_prefixes(client, url)
    honor_prefix = next(k for k in prefixes if k.startswith("honor")).rsplit("-", 1)[0]
    data = {
        **member_add_form(name="西湖甲", id_number=member.id_number, branch=cast["binjiang"].pk),
        **prefixes,
        f"{honor_prefix}-TOTAL_FORMS": "1", f"{honor_prefix}-INITIAL_FORMS": "1",
        f"{honor_prefix}-0-id": other_honor.pk, f"{honor_prefix}-0-member": member.pk,
        f"{honor_prefix}-0-kind": "model_worker", f"{honor_prefix}-0-level": "3",
        f"{honor_prefix}-0-title": "改掉", f"{honor_prefix}-0-year": "2020",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code < 500
    member.refresh_from_db()
    other_honor.refresh_from_db()
    own_honor.refresh_from_db()
    assert member.branch == cast["xihu"]
    assert other_honor.title == "杭州市劳动模范" and other_honor.member == cast["binjiang_member"]


def test_admin_workshop_add_with_other_branch_lands_in_own(client, cast):
    from workshops.models import Workshop

    client.force_login(cast["xihu_officer"])
    url = reverse("admin:workshops_workshop_add")
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": "越权之家", "host_unit": "某单位", "kind": "enterprise", "branch": cast["binjiang"].pk,
        "address": "x", "leader": cast["binjiang_member"].pk, **inline_prefixes(client, url),
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code < 500
    created = Workshop.objects.filter(name="越权之家").first()
    assert created is None or (created.branch == cast["xihu"] and created.leader != cast["binjiang_member"])


def test_api_inquiry_create_cannot_name_other_branch_or_member(cast):
    from wellbeing.models import Inquiry

    client = session_api(cast["xihu_officer"])
    body = {
        "channel": "call", "received_at": "2026-09-28T09:00:00+08:00", "person_name": "甲",
        "contact": "13900002222", "subject": "越权", "category": "treatment", "content": "x",
    }  # fmt: skip
    other = client.post("/api/inquiries/", {**body, "member": cast["binjiang_member"].pk}, format="json")
    missing = client.post("/api/inquiries/", {**body, "member": MISSING}, format="json")
    assert other.status_code == missing.status_code == 400
    forced = client.post("/api/inquiries/", {**body, "branch": cast["binjiang"].pk}, format="json")
    assert forced.status_code in (201, 400)
    for inquiry in Inquiry.objects.filter(subject="越权"):
        assert inquiry.branch == cast["xihu"]


def test_api_nomination_of_other_branch_member_answers_like_missing(cast):
    trip = f.TripFactory()
    f.TripQuotaFactory(trip=trip, branch=cast["xihu"])
    f.TripQuotaFactory(trip=trip, branch=cast["binjiang"])
    client = session_api(cast["xihu_officer"])
    other = client.post("/api/nominations/", {"trip": trip.pk, "member": cast["binjiang_member"].pk},
                        format="json")  # fmt: skip
    missing = client.post("/api/nominations/", {"trip": trip.pk, "member": MISSING}, format="json")
    assert other.status_code == missing.status_code == 400
    assert "滨江" not in other.content.decode()


def test_trip_eligibility_of_transferred_member_names_no_other_member(cast):
    """The unscoped trip history of a member names trips, never other people."""
    from wellbeing.services.trip_rules import eligibility_reasons

    past = f.TripFactory(start_date=datetime.date.today() - datetime.timedelta(days=200),
                         end_date=datetime.date.today() - datetime.timedelta(days=196), status="completed")  # fmt: skip
    f.NominationFactory(trip=past, member=cast["binjiang_member"], branch=cast["binjiang"])
    trip = f.TripFactory()
    reasons = " ".join(eligibility_reasons(member=cast["binjiang_member"], trip=trip))
    assert "滨江乙" not in reasons and cast["binjiang_member"].id_number not in reasons


def test_certificate_for_other_branch_member_answers_like_missing(cast):
    client = session_api(cast["xihu_officer"])
    other = client.post("/api/certificates/", {"member": cast["binjiang_member"].pk, "purpose": "x"},
                        format="json")  # fmt: skip
    missing = client.post("/api/certificates/", {"member": MISSING, "purpose": "x"}, format="json")
    assert other.status_code == missing.status_code == 400
    # The package's shared world (tests/adversarial/world.py) has certificates of its own.
    assert not Certificate.objects.filter(member=cast["binjiang_member"]).exists()


# ------------------------------------------------------------------- transfers


@pytest.fixture
def pending_transfer(cast):
    return services.member_transfer_request(
        member=cast["xihu_member"], to_branch=cast["binjiang"], actor=cast["xihu_officer"], reason="工作调动"
    )


def test_receiving_officer_sees_the_request_but_not_the_members_personal_data(client, cast, pending_transfer):
    client.force_login(cast["binjiang_officer"])
    member = cast["xihu_member"]
    listing = client.get(reverse("admin:members_transfer_changelist"))
    assert listing.status_code == 200 and "西湖甲" in listing.content.decode()
    detail = client.get(reverse("admin:members_transfer_change", args=[pending_transfer.pk]))
    assert detail.status_code == 200
    body = listing.content.decode() + detail.content.decode()
    assert not leaks(body, member)
    # The member is not theirs until accepted: the member doors answer like a missing one.
    assert client.get(reverse("admin:members_member_change", args=[member.pk])).status_code == 404
    api = session_api(cast["binjiang_officer"])
    assert api.get(f"/api/members/{member.pk}/").status_code == 404


def test_only_the_receiver_accepts_and_only_the_sender_cancels(cast, pending_transfer):
    from core.errors import DomainError

    with pytest.raises(DomainError):
        services.transfer_accept(transfer=pending_transfer, actor=cast["xihu_officer"])
    with pytest.raises(DomainError):
        services.transfer_cancel(transfer=pending_transfer, actor=cast["binjiang_officer"])
    third = f.officer(f.BranchFactory(name="上城区", code="shangcheng"), username="officer_third")
    with pytest.raises(DomainError) as refused:
        services.transfer_accept(transfer=pending_transfer, actor=third)
    assert refused.value.code == "not_found"
    cast["xihu_member"].refresh_from_db()
    assert cast["xihu_member"].branch == cast["xihu"]


def test_third_branch_transfer_id_answers_like_missing_in_admin(client, cast, pending_transfer):
    third = f.officer(f.BranchFactory(name="上城区", code="shangcheng"), username="officer_third")
    client.force_login(third)
    other = client.get(reverse("admin:members_transfer_change", args=[pending_transfer.pk]))
    missing = client.get(reverse("admin:members_transfer_change", args=[MISSING]))
    assert other.status_code == missing.status_code == 404


def test_transfer_request_to_inactive_or_missing_branch_answers_alike(client, cast):
    from members.models import Branch

    closed = f.BranchFactory(name="已撤销", code="closed", active=False)
    client.force_login(cast["xihu_officer"])
    url = reverse("admin:members_member_changelist")
    for to_branch in (closed.pk, MISSING):
        response = client.post(url, {
            "action": "transfer_request_action", "_selected_action": [cast["xihu_member"].pk],
            "apply": "1", "to_branch": to_branch, "reason": "x",
        })  # fmt: skip
        assert response.status_code == 200
    assert not Transfer.objects.filter(member=cast["xihu_member"]).exists()
    assert Branch.objects.filter(pk=closed.pk).exists()


def test_officer_cannot_request_transfer_of_other_branch_member(cast):
    from core.errors import DomainError

    with pytest.raises(DomainError) as refused:
        services.member_transfer_request(
            member=cast["binjiang_member"], to_branch=cast["xihu"], actor=cast["xihu_officer"], reason="抢人"
        )
    assert refused.value.code == "not_found"
    assert not Transfer.objects.filter(member=cast["binjiang_member"]).exists()


# --------------------------------------------------------------- care budgets


def test_officer_visit_cannot_charge_the_association_line(cast):
    from wellbeing.models import CondolenceVisit

    f.CareBudgetFactory(branch=None, year=2026, amount=100)
    client = session_api(cast["xihu_officer"])
    response = client.post("/api/condolence-visits/", {
        "member": cast["xihu_member"].pk, "visit_date": "2026-02-01", "visitors": "甲", "occasion": "holiday",
        "paid_by_association": True, "cash_amount": "10", "goods": "", "goods_value": "0",
    }, format="json")  # fmt: skip
    assert response.status_code < 500
    for visit in CondolenceVisit.objects.all():
        assert not visit.paid_by_association


def test_visit_of_other_branch_member_answers_like_missing(cast):
    client = session_api(cast["xihu_officer"])
    body = {"visit_date": "2026-02-01", "visitors": "甲", "occasion": "holiday", "cash_amount": "10",
            "goods": "", "goods_value": "0"}  # fmt: skip
    other = client.post("/api/condolence-visits/", {**body, "member": cast["binjiang_member"].pk},
                        format="json")  # fmt: skip
    missing = client.post("/api/condolence-visits/", {**body, "member": MISSING}, format="json")
    assert other.status_code == missing.status_code == 400


# --------------------------------------------------------------------- /files/


def test_files_other_branch_name_answers_like_missing(client, cast):
    from wellbeing.models import CondolenceVisitPhoto

    visit = f.CondolenceVisitFactory(member=cast["binjiang_member"], occasion="illness")
    photo = CondolenceVisitPhoto.objects.create(visit=visit, image=f.png_file("binjiang-secret.png"))
    for user in (cast["xihu_officer"], cast["nobranch"], cast["norole"], cast["member_login"]):
        client.force_login(user)
        other = client.get(photo.image.url)
        missing = client.get(photo.image.url.replace("binjiang-secret", "nope"))
        assert other.status_code == missing.status_code == 404, user.username


# ------------------------------------------------------------ (2) officer without a branch


@pytest.mark.parametrize("authenticate", [session_api, token_client])
def test_officer_without_branch_reads_and_writes_nothing(cast, authenticate):
    client = authenticate(cast["nobranch"])
    assert client.get("/api/members/").json()["results"] == []
    assert client.get(f"/api/members/{cast['xihu_member'].pk}/").status_code == 404
    response = client.post("/api/members/", {"name": "x", "id_number": new_id(303),
                                             "branch": cast["xihu"].pk}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert not Member.objects.filter(id_number=new_id(303)).exists()


def test_officer_without_branch_admin_add_writes_nothing(client, cast):
    client.force_login(cast["nobranch"])
    url = reverse("admin:members_member_add")
    response = client.post(url, {**member_add_form(branch=cast["xihu"].pk, id_number=new_id(304))})
    assert response.status_code in (403, 404, 200)
    assert not Member.objects.filter(id_number=new_id(304)).exists()


# ---------------------------------------------------------------------- (3) member


@pytest.fixture
def certificates(cast, django_capture_on_commit_callbacks):
    own = services.certificate_issue(member=cast["xihu_member"], actor=cast["staff"], purpose="本人")
    other = services.certificate_issue(member=cast["binjiang_member"], actor=cast["staff"], purpose="他人")
    return own, other


@pytest.mark.parametrize("authenticate", [session_api, token_client])
def test_member_api_reads_only_own_rows(cast, certificates, authenticate):
    own, other = certificates
    client = authenticate(cast["member_login"])
    listing = client.get("/api/me/certificates/")
    assert listing.status_code == 200
    assert [row["id"] for row in listing.json()["results"]] == [own.pk]
    other_detail = client.get(f"/api/me/certificates/{other.pk}/")
    missing = client.get(f"/api/me/certificates/{MISSING}/")
    assert other_detail.status_code == missing.status_code == 404
    assert other_detail.json() == missing.json()
    assert client.get(f"/api/me/certificates/{other.pk}/download/").status_code == 404
    assert client.get("/api/members/").status_code == 403
    assert client.get("/api/certificates/").status_code == 403
    assert not leaks(listing.content.decode(), cast["binjiang_member"])


def test_member_page_and_downloads_are_own_only(client, cast, certificates):
    own, other = certificates
    client.force_login(cast["member_login"])
    page = client.get(reverse("members:me"))
    assert page.status_code == 200
    assert not leaks(page.content.decode(), cast["binjiang_member"])
    other_dl = client.get(reverse("members:certificate_download", args=[other.pk]))
    missing_dl = client.get(reverse("members:certificate_download", args=[MISSING]))
    assert other_dl.status_code == missing_dl.status_code == 404


def test_member_certificate_request_is_for_own_member_only(client, cast):
    client.force_login(cast["member_login"])
    response = client.post(reverse("members:certificate_request"),
                           {"purpose": "other", "purpose_text": "x", "member": cast["binjiang_member"].pk})  # fmt: skip
    assert response.status_code == 302
    assert not Certificate.objects.filter(member=cast["binjiang_member"]).exists()
    api = token_client(cast["member_login"])
    response = api.post("/api/me/certificates/", {"purpose": "x", "member": cast["binjiang_member"].pk},
                        format="json")  # fmt: skip
    assert response.status_code < 500
    assert not Certificate.objects.filter(member=cast["binjiang_member"]).exists()


def test_member_sections_show_nothing_of_other_members(client, cast):
    f.InquiryFactory(branch=cast["binjiang"], member=cast["binjiang_member"], subject="他人的诉求")
    trip = f.TripFactory()
    f.NominationFactory(trip=trip, member=cast["binjiang_member"], room_number="808")
    client.force_login(cast["member_login"])
    body = client.get(reverse("members:me")).content.decode()
    assert "他人的诉求" not in body and "808" not in body


# ------------------------------------------------------------------ (4) anonymous


def test_anonymous_gets_nothing_from_the_api(cast, certificates):
    client = APIClient()
    for url in ("/api/members/", "/api/me/certificates/", f"/api/me/certificates/{certificates[0].pk}/",
                "/api/nominations/", "/api/condolence-visits/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (401, 403), url
    bad = APIClient()
    bad.credentials(HTTP_AUTHORIZATION="Token " + "x" * 40)
    assert bad.get("/api/members/").status_code == 401


def test_password_reset_by_registry_mobile_sends_nothing(client, cast, sms_outbox, fresh_cache):
    """An officer edits Member.mobile: it must never open the login (only recovery_mobile does)."""
    member = cast["xihu_member"]
    member.mobile = "13611112222"
    member.recovery_mobile = ""
    member.save(update_fields=["mobile", "recovery_mobile"])
    response = client.post(reverse("members:password_reset"), {"mobile": "13611112222"})
    assert response.status_code == 302
    assert sms_outbox == []


def test_claim_never_matches_a_staff_login(client, cast, sms_outbox, fresh_cache):
    member = cast["binjiang_member"]
    member.user = cast["binjiang_officer"]
    member.save(update_fields=["user"])
    response = client.post(reverse("members:claim"), {
        "name": member.name, "id_number": member.id_number, "mobile": member.mobile,
    })  # fmt: skip
    assert response.status_code == 400
    assert sms_outbox == []
    assert "claim_member_id" not in client.session


def test_claim_confirm_ignores_posted_member_id(client, cast, sms_outbox, fresh_cache):
    response = client.post(reverse("members:claim_confirm"), {
        "claim_member_id": cast["binjiang_member"].pk, "code": "000000",
        "password1": "a-long-password-1", "password2": "a-long-password-1",
    })  # fmt: skip
    assert response.status_code == 302 and response["Location"].endswith(reverse("members:claim"))
    cast["binjiang_member"].refresh_from_db()
    assert cast["binjiang_member"].user_id is None


def test_verify_wrong_code_says_nothing(client, cast, certificates, fresh_cache):
    _, other = certificates
    response = client.get(reverse("members:verify", args=[other.serial]), {"code": "wrong"})
    missing = client.get(reverse("members:verify", args=["HZLM-2099-99999"]), {"code": "wrong"})
    assert response.status_code == missing.status_code == 200
    assert "滨江" not in response.content.decode()
    assert not leaks(response.content.decode(), cast["binjiang_member"])


def test_unpublished_issue_of_other_branch_answers_like_missing(client, cast):
    issue = f.NewsletterIssueFactory(branch=cast["binjiang"], status="draft")
    urls = [reverse("publications:issue", args=[issue.number])] if _has("publications:issue") else []
    for user in (None, cast["xihu_officer"], cast["member_login"], cast["norole"]):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in urls:
            other = client.get(url)
            missing = client.get(url.replace(str(issue.number), str(MISSING)))
            assert other.status_code == missing.status_code == 404


def _has(name):
    from django.urls import NoReverseMatch

    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


# ---------------------------------------------------------- (5) staff login, no role


@pytest.mark.parametrize("authenticate", [session_api, token_client])
def test_staff_without_role_reads_and_writes_nothing(cast, authenticate):
    client = authenticate(cast["norole"])
    for url in ("/api/members/", "/api/honors/", "/api/nominations/", "/api/inquiries/"):
        response = client.get(url)
        assert response.status_code in (200, 403), url
        if response.status_code == 200:
            assert response.json()["results"] == [], url
    assert client.get(f"/api/members/{cast['xihu_member'].pk}/").status_code in (403, 404)
    response = client.post("/api/members/", {"name": "x", "id_number": new_id(305),
                                             "branch": cast["xihu"].pk}, format="json")  # fmt: skip
    assert response.status_code == 403
    assert not Member.objects.filter(id_number=new_id(305)).exists()


def test_staff_without_role_admin_sees_no_member(client, cast):
    client.force_login(cast["norole"])
    for url in (reverse("admin:members_member_changelist"),
                reverse("admin:members_member_change", args=[cast["xihu_member"].pk]),
                reverse("members:me")):  # fmt: skip
        response = client.get(url)
        assert response.status_code in (302, 403, 404), url
        assert not leaks(response.content.decode(), cast["xihu_member"])


def test_staff_without_role_who_is_also_a_member_reads_only_own_rows(cast, certificates):
    """A member's login that was later made staff (no role): /api/me/ stays its own rows only."""
    own, other = certificates
    login = cast["member_login"]
    login.is_staff = True
    login.save(update_fields=["is_staff"])
    client = session_api(login)
    listing = client.get("/api/me/certificates/")
    assert [row["id"] for row in listing.json()["results"]] == [own.pk]
    assert client.get(f"/api/me/certificates/{other.pk}/").status_code == 404


# ------------------------------------------------------- more doors: extra actions, joins


def test_token_officer_extra_action_on_other_branch_answers_like_missing(cast):
    trip = f.TripFactory()
    nomination = f.NominationFactory(trip=trip, member=cast["binjiang_member"], status="pending")
    client = token_client(cast["xihu_officer"])
    other = client.post(f"/api/nominations/{nomination.pk}/withdraw/", {"note": "x"}, format="json")
    missing = client.post(f"/api/nominations/{MISSING}/withdraw/", {"note": "x"}, format="json")
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    nomination.refresh_from_db()
    assert nomination.status == "pending"


def test_api_workshop_leader_of_other_branch_answers_like_missing(cast):
    client = token_client(cast["xihu_officer"])
    body = {"name": "越权之家", "host_unit": "某单位", "kind": "enterprise", "address": "x"}
    other = client.post("/api/workshops/", {**body, "leader": cast["binjiang_member"].pk}, format="json")
    missing = client.post("/api/workshops/", {**body, "leader": MISSING}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json()["leader"] == [m.replace(str(MISSING), str(cast["binjiang_member"].pk))
                                      for m in missing.json()["leader"]]  # fmt: skip


def test_sending_branch_keeps_its_nomination_but_never_the_full_number(cast):
    """A nomination stays with the branch that made it (branch_path "branch"); after the member
    moves, that branch still reads the nomination, with the ID number masked and no mobile."""
    trip = f.TripFactory()
    nomination = f.NominationFactory(trip=trip, member=cast["xihu_member"], status="pending")
    services.member_transfer(member=cast["xihu_member"], to_branch=cast["binjiang"], actor=cast["staff"],
                             reason="调动")  # fmt: skip
    client = token_client(cast["xihu_officer"])
    row = client.get(f"/api/nominations/{nomination.pk}/").json()
    member = Member.objects.get(pk=cast["xihu_member"].pk)
    assert member.id_number not in str(row) and member.mobile not in str(row)
    assert client.get(f"/api/members/{member.pk}/").status_code == 404
