"""Follow-up attack on the issue-16 fixes: ways around them, one failing test per hole.

Each test asserts the secure behaviour and fails on the code as it was attacked. Roles:
a visitor, a branch officer (西湖区) reading another branch (滨江区), association staff
whose second factor is enrolled but not verified in the session.
"""

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from core.models import AccessLog
from members.models import Member, MemberImport
from tests import factories as f
from tests.members.io_helpers import new_id, private_media, row, xlsx_file  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]
PASSWORD = "pw-test-12345"


def _view_id_logged_for(user) -> bool:
    return AccessLog.objects.filter(user=user, action=AccessLog.Action.VIEW_ID).exists()


# --- input: NUL through a door the middleware does not read -----------------------------------


@pytest.mark.parametrize("path", ["/me/", "/admin/", "/news/"])
def test_nul_in_a_quoted_session_cookie_is_refused_like_any_nul(path, xihu):
    """A visitor sends ``Cookie: sessionid="\\000abcdefghijkl"``: plain ASCII on the wire, which
    Django's cookie parser unquotes (octal escape) into a NUL. The session lookup then sends the
    NUL to the database: PostgreSQL answers DataError, a 500 on every page that reads the
    session. BadInputMiddleware promises to refuse any request carrying a NUL with 400."""
    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_COOKIE='sessionid="\\000abcdefghijkl"')
    assert response.status_code == 400


# --- second factor: devices that no longer count, doors that do not ask --------------------------


def test_admin_login_refuses_a_one_time_password_from_an_unconfirmed_device(client, settings):
    """Association staff whose lost phone's authenticator was unconfirmed (the API already
    refuses tokens it verified) still log in to the admin by naming that device:
    ``otp_device=otp_totp.totpdevice/<id>`` and its code. django-otp's form loads the device by
    its persistent id without asking whether it is confirmed."""
    staff = f.association_staff(username="staff_lost_phone")
    TOTPDevice.objects.create(user=staff, name="新手机", confirmed=True)
    lost = TOTPDevice.objects.create(user=staff, name="丢失的手机", confirmed=False)
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": staff.username,
            "password": PASSWORD,
            "otp_device": lost.persistent_id,
            "otp_token": f"{totp(lost.bin_key):06d}",
        },
    )
    assert SESSION_KEY not in client.session  # no session at all, verified or not
    assert response.status_code == 200  # the login form again, with an error


@pytest.fixture
def unverified_staff_client(client):
    """Association staff with a confirmed authenticator, in a session that never verified it
    (logged in before enrolling, before OTP was required, or through the unconfirmed device)."""
    staff = f.association_staff(username="staff_unverified")
    TOTPDevice.objects.create(user=staff, name="手机验证器", confirmed=True)
    client.force_login(staff)
    assert client.get("/admin/").status_code == 302  # the admin refuses this session
    return client


@pytest.mark.parametrize("door", ["branch photo under /files/", "newsletter draft preview"])
def test_a_session_without_the_required_second_factor_reads_nothing_outside_the_admin(
    unverified_staff_client, xihu_member, door
):
    """The admin and the API refuse such a session; /files/ (branch photos, attachments) and the
    newsletter's draft preview only ask ``login_required`` / ``is_staff`` and serve it. (The
    certificate and card downloads under /me/ use the same ``login_required`` staff branch.)"""
    if door == "branch photo under /files/":
        from wellbeing.models import CondolenceVisitPhoto

        visit = f.CondolenceVisitFactory(member=xihu_member, occasion="illness")
        photo = CondolenceVisitPhoto.objects.create(visit=visit, image=f.png_file("bedside.png"))
        url = photo.image.url
    else:
        draft = f.NewsletterIssueFactory()
        assert Client().get(f"/news/issues/{draft.number}/").status_code == 404  # not public
        url = f"/news/issues/{draft.number}/"
    response = unverified_staff_client.get(url)
    assert response.status_code != 200


# --- full 身份证号 confirmed through doors that do not log it ---------------------------------------


def test_admin_add_form_confirming_an_id_number_of_another_branch_is_logged(
    client, xihu_officer, binjiang_member
):
    """The API answers a taken number with one neutral message and writes a 查看完整身份证号 row.
    The admin add form of the same officer answers Django's "具有 身份证号 的 劳模工匠 已存在。" for
    a number registered in any branch, and logs nothing: a cross-branch existence oracle."""
    client.force_login(xihu_officer)
    data = {
        "name": "探针",
        "id_number": binjiang_member.id_number,
        "ethnicity": "汉族",
        "status": "active",
        "honors-TOTAL_FORMS": "0",
        "honors-INITIAL_FORMS": "0",
        "scans-TOTAL_FORMS": "0",
        "scans-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:members_member_add"), data)
    assert response.status_code == 200  # refused, the form again
    assert Member.objects.count() == 1
    assert _view_id_logged_for(xihu_officer)


def test_import_preview_confirming_id_numbers_of_another_branch_is_logged(
    client, xihu, binjiang, xihu_officer, binjiang_member
):
    """An officer uploads a sheet of candidate 身份证号 (up to the import's row limit): the
    preview report says, row by row, "该身份证号已登记在其他分会" for each number registered
    elsewhere, and nothing is written to the access log (only a completed import is)."""
    client.force_login(xihu_officer)
    upload = xlsx_file(
        [
            row(name="某甲", id_number=binjiang_member.id_number),
            row(name="某乙", id_number=new_id(901)),
        ]
    )
    client.post(reverse("admin:members_member_import"), {"file": upload})
    job = MemberImport.objects.get()
    assert any("其他分会" in e["message"] for e in job.report.get("errors", []))  # the oracle answers
    assert _view_id_logged_for(xihu_officer)


@pytest.mark.parametrize("door", ["admin search", "admin autocomplete", "API search"])
def test_search_by_a_full_id_number_is_logged(client, xihu_officer, xihu_member, door):
    """Officers see 33***************X and the age; the greeting list shows the birthday. With
    the search box's exact match on a full number, about fifty guesses recover the rest, and
    no search is logged. A search that confirms a full number is a view of it."""
    number = xihu_member.id_number
    if door == "API search":
        api = APIClient()
        api.force_authenticate(xihu_officer)
        response = api.get("/api/members/", {"search": number})
        assert [m["id"] for m in response.json()["results"]] == [xihu_member.pk]
    else:
        client.force_login(xihu_officer)
        if door == "admin search":
            response = client.get(reverse("admin:members_member_changelist"), {"q": number})
            assert xihu_member.name in response.content.decode()
        else:
            response = client.get(
                reverse("admin:autocomplete"),
                {"app_label": "members", "model_name": "honor", "field_name": "member", "term": number},
            )
            # The picker's label tells namesakes apart without the full number: name, masked ID, branch.
            texts = [r["text"] for r in response.json()["results"]]
            assert texts == [f"{xihu_member.name}（{xihu_member.masked_id_number}，{xihu_member.branch.name}）"]
            assert number not in texts[0]
    assert _view_id_logged_for(xihu_officer)


def test_bulk_scan_upload_confirming_id_numbers_is_logged(client, xihu_officer, xihu_member):
    """批量上传登记表扫描件 matches each file of a .zip (up to 2,000) to a member by the 身份证号 in
    its name. The report tells a matched number (the member's name, or a rejection of the file)
    from an unmatched one, so junk files named by candidate numbers confirm full numbers of the
    officer's branch, 2,000 guesses per upload, with nothing in the access log."""
    from tests.members.io_helpers import zip_file

    client.force_login(xihu_officer)
    archive = zip_file({f"{xihu_member.id_number}.pdf": b"junk", f"{new_id(902)}.pdf": b"junk"})
    response = client.post(reverse("admin:members_member_scans_bulk"), {"archive": archive})
    page = response.content.decode()
    assert response.status_code == 200 and xihu_member.id_number in page  # the report answers
    assert _view_id_logged_for(xihu_officer)
