"""Certificates and craftsman cards over the API, per role: staff, officer A/B, member, anonymous."""

import datetime

import pytest
from django.core.files.base import ContentFile

from core.models import AccessLog
from members import services
from members.models import Certificate, CraftsmanCard
from tests import factories as f
from tests.api_helpers import assert_like_missing, assert_list, assert_statuses, scoped_detail, scoped_list

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 test certificate"


def ready(certificate):
    certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(PDF), save=False)
    certificate.render_state = "ready"
    certificate.save(update_fields=["pdf", "render_state"])
    return certificate


@pytest.fixture
def xihu_cert(xihu_member, staff_user):
    f.HonorFactory(member=xihu_member)
    return ready(services.certificate_issue(member=xihu_member, actor=staff_user, purpose="办理公园年卡"))


@pytest.fixture
def binjiang_cert(binjiang_member, staff_user):
    f.HonorFactory(member=binjiang_member)
    return ready(services.certificate_issue(member=binjiang_member, actor=staff_user, purpose="疗休养"))


@scoped_list({"xihu", "binjiang"}, {"xihu"}, {"binjiang"})
def test_certificate_list_per_role(api_as, xihu_cert, binjiang_cert, role, status, expected):
    serials = {"xihu": xihu_cert.serial, "binjiang": binjiang_cert.serial}
    expected = None if expected is None else {serials[s] for s in expected}
    assert_list(api_as(role), "/api/certificates/", status, "serial", expected)


@scoped_detail
def test_certificate_detail_per_role(api_as, xihu_cert, binjiang_cert, role, xihu_status, binjiang_status):
    assert_statuses(
        api_as(role), "/api/certificates/{}/", {xihu_cert.pk: xihu_status, binjiang_cert.pk: binjiang_status}
    )


def test_other_branch_certificate_answers_like_missing(api_as, binjiang_cert):
    assert_like_missing(api_as("officer_a"), "/api/certificates/{}/download/", binjiang_cert.pk)


def test_representation_carries_render_state(api_as, xihu_member, staff_user):
    f.HonorFactory(member=xihu_member)
    pending = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="其他")
    data = api_as("officer_a").get(f"/api/certificates/{pending.pk}/").json()
    assert (data["render_state"], data["render_state_label"], data["is_ready"]) == (
        "pending",
        "生成中",
        False,
    )


def test_officer_requests_certificate_for_own_branch_member(api_as, users, xihu_member):
    f.HonorFactory(member=xihu_member)
    response = api_as("officer_a").post(
        "/api/certificates/", {"member": xihu_member.pk, "purpose": "子女入学"}, format="json"
    )
    assert response.status_code == 201
    certificate = Certificate.objects.get(pk=response.json()["id"])
    assert certificate.member == xihu_member and certificate.issued_by == users["officer_a"]


def test_officer_cannot_request_for_other_branch_member(api_as, binjiang_member):
    f.HonorFactory(member=binjiang_member)
    response = api_as("officer_a").post(
        "/api/certificates/", {"member": binjiang_member.pk, "purpose": "子女入学"}, format="json"
    )
    assert response.status_code == 400 and "member" in response.json()
    assert not Certificate.objects.exists()


def test_request_without_honours_answers_domain_error(api_as, xihu):
    bare = f.MemberFactory(branch=xihu)
    bare.honors.all().delete()
    response = api_as("staff").post(
        "/api/certificates/", {"member": bare.pk, "purpose": "其他"}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "no_honors"


def test_mass_assignment_of_serial_status_and_render_state_ignored(api_as, xihu_member):
    f.HonorFactory(member=xihu_member)
    response = api_as("staff").post(
        "/api/certificates/",
        {"member": xihu_member.pk, "purpose": "其他", "serial": "FAKE-1", "status": "revoked",
         "render_state": "ready", "issued_by": 1, "branch": 999},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    certificate = Certificate.objects.get(pk=response.json()["id"])
    assert (
        certificate.serial != "FAKE-1"
        and certificate.status == "valid"
        and certificate.render_state == "pending"
    )


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_certificate_cannot_be_edited_or_deleted(api_as, xihu_cert, method):
    response = getattr(api_as("staff"), method)(
        f"/api/certificates/{xihu_cert.pk}/", {"status": "revoked"}, format="json"
    )
    assert response.status_code == 405
    xihu_cert.refresh_from_db()
    assert xihu_cert.status == "valid"


@pytest.mark.parametrize(("role", "status"), [("staff", 200), ("officer_a", 403), ("member", 403)])
def test_revoke_is_association_staff_only(api_as, xihu_cert, role, status):
    response = api_as(role).post(
        f"/api/certificates/{xihu_cert.pk}/revoke/", {"reason": "荣誉已撤销"}, format="json"
    )
    assert response.status_code == status
    xihu_cert.refresh_from_db()
    assert (xihu_cert.status == "revoked") == (status == 200)


def test_revoking_twice_answers_409(api_as, xihu_cert):
    client = api_as("staff")
    client.post(f"/api/certificates/{xihu_cert.pk}/revoke/", {"reason": "错误开具"}, format="json")
    response = client.post(f"/api/certificates/{xihu_cert.pk}/revoke/", {"reason": "错误开具"}, format="json")
    assert response.status_code == 409 and response.json()["code"] == "already_revoked"


def test_officer_download_is_logged(api_as, users, xihu_cert):
    response = api_as("officer_a").get(f"/api/certificates/{xihu_cert.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    log = AccessLog.objects.get()
    assert log.user == users["officer_a"] and log.action == "download" and xihu_cert.serial in log.target


def test_pending_certificate_download_answers_404(api_as, xihu_member, staff_user):
    f.HonorFactory(member=xihu_member)
    pending = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="其他")
    assert api_as("staff").get(f"/api/certificates/{pending.pk}/download/").status_code == 404
    assert not AccessLog.objects.exists()


# --- the member's own endpoints (/api/me/...) ---


def test_member_lists_only_own_certificates(api_as, xihu_cert, binjiang_cert):
    response = api_as("member").get("/api/me/certificates/")
    assert response.status_code == 200
    assert [c["serial"] for c in response.json()["results"]] == [xihu_cert.serial]


def test_member_downloads_own_certificate_and_it_is_logged(api_as, users, xihu_cert):
    response = api_as("member").get(f"/api/me/certificates/{xihu_cert.pk}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    log = AccessLog.objects.get()
    assert log.user == users["member"] and xihu_cert.serial in log.target


def test_member_gets_404_for_another_members_certificate(api_as, binjiang_cert):
    client = api_as("member")
    assert client.get(f"/api/me/certificates/{binjiang_cert.pk}/").status_code == 404
    assert client.get(f"/api/me/certificates/{binjiang_cert.pk}/download/").status_code == 404
    assert not AccessLog.objects.exists()


def test_member_requests_own_certificate(api_as, xihu_member):
    f.HonorFactory(member=xihu_member)
    response = api_as("member").post(
        "/api/me/certificates/", {"purpose": "办理公园年卡", "member": 999999}, format="json"
    )
    assert response.status_code == 201
    certificate = Certificate.objects.get(pk=response.json()["id"])
    assert certificate.member == xihu_member and certificate.channel == "self"


@pytest.mark.parametrize(("role", "status"), [("anonymous", 401), ("staff", 403), ("officer_a", 403)])
def test_me_endpoints_need_a_linked_member(api_as, role, status):
    assert api_as(role).get("/api/me/certificates/").status_code == status


def test_member_cannot_use_staff_download(api_as, xihu_cert):
    assert api_as("member").get(f"/api/certificates/{xihu_cert.pk}/download/").status_code == 403


def test_certificate_list_query_count_is_bounded(
    api_as, xihu_member, staff_user, django_assert_max_num_queries
):
    f.HonorFactory(member=xihu_member)
    for _ in range(5):
        services.certificate_issue(member=xihu_member, actor=staff_user, purpose="其他")
    with django_assert_max_num_queries(8):
        response = api_as("officer_a").get("/api/certificates/")
    assert len(response.json()["results"]) == 5


# --- craftsman cards (read-only) ---


@pytest.fixture
def cards(xihu_member, binjiang_member):
    def card(member, number):
        return CraftsmanCard.objects.create(
            number=number, year=2026, sequence=int(number[-1]), member=member, holder_name=member.name,
            title="杭州工匠", issued_on=datetime.date(2026, 1, 1), expires_on=datetime.date(2028, 12, 31),
        )  # fmt: skip

    return {"xihu": card(xihu_member, "JXK-2026-0001"), "binjiang": card(binjiang_member, "JXK-2026-0002")}


@scoped_list({"JXK-2026-0001", "JXK-2026-0002"}, {"JXK-2026-0001"}, {"JXK-2026-0002"})
def test_card_list_per_role(api_as, cards, role, status, expected):
    assert_list(api_as(role), "/api/cards/", status, "number", expected)


def test_officer_gets_404_for_other_branch_card(api_as, cards):
    assert api_as("officer_a").get(f"/api/cards/{cards['binjiang'].pk}/").status_code == 404


def test_cards_are_read_only(api_as, cards):
    response = api_as("staff").post("/api/cards/", {"member": 1}, format="json")
    assert response.status_code == 405


def test_member_sees_only_own_card(api_as, cards):
    client = api_as("member")
    assert [c["number"] for c in client.get("/api/me/cards/").json()["results"]] == ["JXK-2026-0001"]
    assert client.get(f"/api/me/cards/{cards['binjiang'].pk}/").status_code == 404
