"""Probes of the office-grade doors (issue 18): the staff invitation and 两步验证 pages, the
account and person autocompletes, batch certificate downloads and the member 登记表 PDF, the
import-export exports, the sign-in sheet import, the member import template and error list,
the statistics 刷新 button and crosstabs, the landing page and the verification lookup.

Attackers: (1) the other branch's officer (滨江区 against 西湖区, or the reverse), (2) an officer
whose profile names no branch, (3) a member (logged in through /me/login/), (4) an anonymous
visitor, (5) a staff login without a role; and association staff whose enrolled second factor
is not verified in the session. Each probe asserts the safe behaviour.

They live outside tests/adversarial/: that package shares one world (built with the second
factor required, holding rows of its own) which these probes must not see.
"""

import io
import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice
from openpyxl import Workbook, load_workbook

from core.models import AccessLog
from members import services
from members.models import MemberImport, OfficerProfile
from members.services.staff_accounts import association_admin_create
from members.tokens import activation_token, staff_invitation_token
from tests import factories as f
from volunteering.models import Participation

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_cache")]

MISSING = 987654321
PASSWORD = "Office-attack-2026!"
LOGIN_REDIRECT = re.compile(r"/(admin|me)/login/")


# ------------------------------------------------------------------------------- the cast


@pytest.fixture
def cast(xihu, binjiang, staff_user, xihu_officer, binjiang_officer, xihu_member, binjiang_member):
    binjiang_member.address = "滨江区秘密路99号"
    binjiang_member.save(update_fields=["address"])
    return {
        "xihu": xihu, "binjiang": binjiang, "staff": staff_user, "xihu_officer": xihu_officer,
        "binjiang_officer": binjiang_officer, "xihu_member": xihu_member, "binjiang_member": binjiang_member,
        "nobranch": f.officer(None, username="officer_nobranch"),
        "norole": f.UserFactory(username="staff_norole", is_staff=True),
        "member_login": f.member_user(xihu_member, username="member_xihu"),
    }  # fmt: skip


def as_(client, cast, who):
    """Log ``who`` in; "member" through the real /me/login/ form, "unverified" as association
    staff whose confirmed authenticator this session has not proved."""
    if who == "anonymous":
        return client
    if who == "member":
        done = client.post(reverse("members:login"), {"login": "member_xihu", "password": "pw-test-12345"})
        assert done.status_code == 302, "the member login form must accept the member"
        return client
    if who == "unverified":
        TOTPDevice.objects.create(user=cast["staff"], name="手机", confirmed=True)
        client.force_login(cast["staff"])
        return client
    client.force_login(cast[who])
    return client


def refused(response) -> bool:
    """A door closed: 403/404, or a redirect to a login page."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and bool(LOGIN_REDIRECT.search(response["Location"]))


def secrets_of(member):
    return [member.id_number, member.mobile, member.address, member.id_number[6:14]]


def leaks(body, member) -> list[str]:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    return [s for s in secrets_of(member) if s and s in text]


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def xlsx_text(content: bytes) -> str:
    """Every cell of every sheet, and the data-validation lists, as one string."""
    workbook = load_workbook(io.BytesIO(content))
    parts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            parts.extend(str(v) for v in row if v is not None)
        for validation in sheet.data_validations.dataValidation:
            parts.append(str(validation.formula1))
    return "\n".join(parts)


ROLES_OUTSIDE_XIHU = ["binjiang_officer", "nobranch", "norole", "member", "anonymous", "unverified"]


# ====================================================================== staff invitations


def invitation_path(user, token=None):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("staff_invitation", args=[uid, token or staff_invitation_token.make_token(user)])


@pytest.fixture
def invited(xihu, staff_user, client):
    """An unopened officer login of 西湖区 with a fresh invitation link (through the admin)."""
    profile = OfficerProfile.objects.create(name="王晓燕", mobile="13800001111", branch=xihu)
    staff = Client()
    staff.force_login(staff_user)
    page = staff.post(
        reverse("admin:members_officerprofile_invite", args=[profile.pk]), {"username": "wangxy"}
    )
    path = re.search(r"(/admin/invitation/[^/\s\"<]+/[^/\s\"<]+/)", page.content.decode()).group(1)
    profile.refresh_from_db()
    return {"profile": profile, "user": profile.user, "path": path}


@pytest.mark.parametrize("who", ROLES_OUTSIDE_XIHU + ["xihu_officer"])
def test_invite_door_is_closed_to_all_but_association_staff_and_id_tells_nothing(client, cast, who):
    profile = OfficerProfile.objects.create(name="李四", mobile="13800002222", branch=cast["xihu"])
    as_(client, cast, who)
    real = client.post(
        reverse("admin:members_officerprofile_invite", args=[profile.pk]), {"username": "lisi"}
    )
    missing = client.post(
        reverse("admin:members_officerprofile_invite", args=[MISSING]), {"username": "lisi"}
    )
    assert refused(real) and real.status_code == missing.status_code
    profile.refresh_from_db()
    assert profile.user_id is None and profile.invited_at is None


@pytest.mark.parametrize("username", ["\x00", "王\x00五", "<script>", "' OR 1=1 --", "a b"])
def test_invite_with_a_malformed_login_name_is_a_chinese_error(client, staff_user, xihu, username):
    profile = OfficerProfile.objects.create(name="李四", mobile="13800002222", branch=xihu)
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_officerprofile_invite", args=[profile.pk]), {"username": username}
    )
    assert response.status_code in (200, 400)
    profile.refresh_from_db()
    assert profile.user_id is None


def test_a_used_link_is_dead_and_cannot_set_the_password_again(client, invited):
    assert client.post(invited["path"], {"password1": PASSWORD, "password2": PASSWORD}).status_code == 302
    attacker = Client()
    again = attacker.post(invited["path"], {"password1": "Other-pass-2026!", "password2": "Other-pass-2026!"})
    assert again.status_code == 404
    invited["user"].refresh_from_db()
    assert invited["user"].check_password(PASSWORD)


def test_an_expired_link_is_dead(client, invited, settings, monkeypatch):
    issued = staff_invitation_token._now()
    monkeypatch.setattr(
        type(staff_invitation_token), "_now",
        lambda self: issued + __import__("datetime").timedelta(hours=settings.STAFF_INVITATION_HOURS + 1),
    )  # fmt: skip
    response = client.post(invited["path"], {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    invited["user"].refresh_from_db()
    assert not invited["user"].has_usable_password()


def test_a_members_login_cannot_be_taken_over_through_a_staff_invitation(client, xihu_member):
    login = f.member_user(xihu_member, username="member_login")
    login.set_unusable_password()
    login.save()
    response = client.post(invitation_path(login), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    login.refresh_from_db()
    assert not login.has_usable_password()


def test_a_member_activation_token_is_not_a_staff_invitation(client, invited):
    token = activation_token.make_token(invited["user"])
    response = client.post(
        invitation_path(invited["user"], token), {"password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 404
    invited["user"].refresh_from_db()
    assert not invited["user"].has_usable_password()


def test_another_officers_link_cannot_be_forged_from_ones_own(client, invited, xihu):
    """A second invited officer: the first one's token does not open the second's login."""
    other = OfficerProfile.objects.create(name="赵六", mobile="13800003333", branch=xihu)
    staff = Client()
    staff.force_login(f.association_staff(username="staff2"))
    staff.post(reverse("admin:members_officerprofile_invite", args=[other.pk]), {"username": "zhaoliu"})
    other.refresh_from_db()
    token = invited["path"].rstrip("/").split("/")[-1]
    response = client.post(invitation_path(other.user, token), {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 404
    other.user.refresh_from_db()
    assert not other.user.has_usable_password()


@pytest.mark.parametrize(
    "uid, token",
    [
        ("MA", "x-y"), ("%00", "%00"), ("Zm9v", "abc"), (urlsafe_base64_encode(b"9" * 40), "1-2"),
        (urlsafe_base64_encode(b"-5"), "a-b"), ("\u4e2d", "\u4e2d"), ("A" * 3000, "B" * 3000),
    ],
)  # fmt: skip
def test_malformed_invitation_links_are_404_not_500(client, uid, token):
    response = client.get(f"/admin/invitation/{uid}/{token}/")
    assert response.status_code in (400, 404)
    assert client.post(f"/admin/invitation/{uid}/{token}/", {"password1": PASSWORD}).status_code in (400, 404)


@pytest.mark.parametrize(
    "data",
    [
        {"password1": "a\x00b" * 5, "password2": "a\x00b" * 5},
        {"password1": PASSWORD, "password2": PASSWORD, "otp_token": "\x00" * 5},
        {"password1": PASSWORD, "password2": PASSWORD, "otp_token": "9" * 5000},
        {"password1": ["x", "y"], "password2": PASSWORD},
        {"password1": "短", "password2": "短"},
    ],
)
def test_malformed_invitation_posts_change_nothing(client, invited, data):
    response = client.post(invited["path"], data)
    assert response.status_code in (200, 400)
    invited["user"].refresh_from_db()
    if response.status_code == 200 and "otp_token" in data and data["password1"] == PASSWORD:
        return  # an officer needs no second factor: a stray code field is refused, not a 500
    assert not invited["user"].has_usable_password()


def test_the_invitation_page_shows_no_mobile_and_no_other_login(client, invited, binjiang_officer):
    page = client.get(invited["path"]).content.decode()
    assert "13800001111" not in page and "wangxy" in page
    assert binjiang_officer.username not in page


def test_mandatory_second_factor_cannot_be_skipped_through_the_invitation(client, settings):
    settings.OTP_REQUIRED_FOR_ASSOCIATION = True
    admin_user, _ = association_admin_create(username="chief", name="主任")
    path = invitation_path(admin_user)
    for code in ["", "000000", "\x00", "１２３４５６", "12345678901"]:
        response = client.post(path, {"password1": PASSWORD, "password2": PASSWORD, "otp_token": code})
        assert response.status_code in (200, 400)
        admin_user.refresh_from_db()
        assert not admin_user.has_usable_password()
    assert not TOTPDevice.objects.filter(user=admin_user, confirmed=True).exists()
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in


def test_a_logged_in_officer_opening_anothers_link_does_not_change_their_own_account(client, invited, cast):
    client.force_login(cast["binjiang_officer"])
    before = cast["binjiang_officer"].password
    client.get(invited["path"])
    cast["binjiang_officer"].refresh_from_db()
    assert cast["binjiang_officer"].password == before
    assert not TOTPDevice.objects.filter(user=cast["binjiang_officer"]).exists()


# ====================================================================== 两步验证 page


@pytest.mark.parametrize("who", ["member", "anonymous", "unverified"])
def test_two_factor_page_is_closed_to_members_visitors_and_unverified_sessions(client, cast, who):
    as_(client, cast, who)
    before = TOTPDevice.objects.count()
    assert refused(client.get(reverse("two_factor")))
    posted = client.post(reverse("two_factor"), {"action": "renew"})
    assert refused(posted)
    device = TOTPDevice.objects.filter(user=cast["staff"], confirmed=True).first()
    if device is not None:
        removed = client.post(
            reverse("two_factor"), {"action": "remove", "device": device.pk, "password": "pw-test-12345"}
        )
        assert refused(removed)
        assert TOTPDevice.objects.filter(pk=device.pk).exists()
    assert TOTPDevice.objects.count() == before


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch", "norole"])
def test_two_factor_page_never_touches_another_persons_devices(client, cast, who):
    victim_confirmed = TOTPDevice.objects.create(user=cast["xihu_officer"], name="手机", confirmed=True)
    victim_pending = TOTPDevice.objects.create(user=cast["xihu_officer"], name="待确认", confirmed=False)
    as_(client, cast, who)
    page = client.get(reverse("two_factor"))
    assert page.status_code == 200
    text = page.content.decode()
    assert victim_pending.config_url not in text and victim_confirmed.config_url not in text
    client.post(reverse("two_factor"), {"action": "renew"})
    response = client.post(
        reverse("two_factor"),
        {"action": "remove", "device": victim_confirmed.pk, "password": "pw-test-12345"},
    )
    assert response.status_code == 200 and "没有找到这个验证器" in response.content.decode()
    assert TOTPDevice.objects.filter(pk__in=[victim_confirmed.pk, victim_pending.pk]).count() == 2


@pytest.mark.parametrize(
    "data",
    [
        {"action": "remove", "device": "\x00", "password": "pw-test-12345"},
        {"action": "remove", "device": "9" * 30, "password": "pw-test-12345"},
        {"action": "remove", "device": "-1", "password": "\x00"},
        {"action": "confirm", "otp_token": "\x00" * 6, "name": "\x00"},
        {"action": "confirm", "otp_token": "1" * 13, "name": "名" * 500},
        {"action": "\x00"},
        {"action": ["confirm", "remove"]},
    ],
)
def test_two_factor_page_answers_malformed_posts_without_a_500(client, cast, data):
    client.force_login(cast["xihu_officer"])
    response = client.post(reverse("two_factor"), data)
    assert response.status_code in (200, 302, 400)
    assert not TOTPDevice.objects.filter(user=cast["xihu_officer"], confirmed=True).exists()


def test_confirm_with_a_wrong_code_is_throttled(client, cast):
    """Guessing the six digits: each failure counts, and a throttled device refuses even the
    right code (django-otp's back-off), so the page is no brute-force oracle."""
    from django.utils import timezone
    from django_otp.oath import TOTP

    client.force_login(cast["xihu_officer"])
    client.post(reverse("two_factor"), {"action": "start"})  # reading the page makes no secret
    client.post(reverse("two_factor"), {"action": "confirm", "otp_token": "000000"})
    device = TOTPDevice.objects.get(user=cast["xihu_officer"], confirmed=False)
    assert device.throttling_failure_count >= 1
    device.throttling_failure_count, device.throttling_failure_timestamp = 10, timezone.now()
    device.save()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    client.post(reverse("two_factor"), {"action": "confirm", "otp_token": f"{totp.token():06d}"})
    device.refresh_from_db()
    assert not device.confirmed


# ====================================================================== autocompletes


def autocomplete(client, term, *, app="members", model="honor", field="member"):
    return client.get(
        reverse("admin:autocomplete"),
        {"app_label": app, "model_name": model, "field_name": field, "term": term},
    )


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
@pytest.mark.parametrize("probe", ["id_number", "mobile", "name"])
def test_person_autocomplete_is_no_oracle_across_branches(client, cast, who, probe):
    """滨江区's officer (or one without a branch) types 西湖甲's full ID number, mobile or name."""
    target = cast["xihu_member"]
    target.mobile = "13711112222"
    target.save(update_fields=["mobile"])
    as_(client, cast, who)
    term = {"id_number": target.id_number, "mobile": target.mobile, "name": target.name}[probe]
    real = autocomplete(client, term)
    missing_term = {"id_number": "110101199003077777", "mobile": "13000000000", "name": "无此人"}[probe]
    missing = autocomplete(client, missing_term)
    assert real.status_code == missing.status_code == 200
    assert real.json()["results"] == missing.json()["results"] == []


@pytest.mark.parametrize("who", ["staff", "xihu_officer"])
def test_person_autocomplete_labels_never_carry_the_full_id_or_phone(client, cast, who):
    target = cast["xihu_member"]
    as_(client, cast, who)
    for term in [target.id_number, target.mobile, target.name]:
        response = autocomplete(client, term)
        assert response.status_code == 200
        results = response.json()["results"]
        assert len(results) == 1
        assert not leaks(str(results), target)


@pytest.mark.parametrize("who", ["member", "anonymous", "unverified", "norole"])
def test_person_autocomplete_is_closed_to_non_officers(client, cast, who):
    as_(client, cast, who)
    response = autocomplete(client, cast["binjiang_member"].id_number)
    assert refused(response) or response.status_code == 403
    assert not leaks(response.content, cast["binjiang_member"])


@pytest.mark.parametrize(
    "who", ["xihu_officer", "binjiang_officer", "nobranch", "norole", "member", "anonymous"]
)
def test_login_autocomplete_is_for_association_staff_only(client, cast, who):
    as_(client, cast, who)
    response = autocomplete(client, "member", app="members", model="member", field="user")
    assert response.status_code in (302, 403)
    assert b"member_xihu" not in response.content


def test_login_autocomplete_offers_staff_no_staff_or_linked_logins(client, cast):
    f.UserFactory(username="free_login")
    as_(client, cast, "staff")
    for term in ["officer", "staff", "member_xihu", "norole"]:
        texts = [
            r["text"] for r in autocomplete(client, term, model="member", field="user").json()["results"]
        ]
        assert texts == [], (term, texts)
    assert [r["text"] for r in autocomplete(client, "free", model="member", field="user").json()["results"]]


@pytest.mark.parametrize(
    "params",
    [
        {"app_label": "members", "model_name": "honor", "field_name": "member", "term": "\x00"},
        {"app_label": "members", "model_name": "honor", "field_name": "member", "term": "x" * 5000},
        {
            "app_label": "members",
            "model_name": "honor",
            "field_name": "member",
            "term": "a",
            "page": "9" * 30,
        },
        {"app_label": "members", "model_name": "honor", "field_name": "\x00", "term": "a"},
        {"app_label": "auth", "model_name": "user", "field_name": "groups", "term": "a"},
        {"app_label": "members", "model_name": "nosuch", "field_name": "member", "term": "a"},
    ],
)
def test_autocomplete_answers_malformed_queries_without_a_500(client, cast, params):
    client.force_login(cast["binjiang_officer"])
    response = client.get(reverse("admin:autocomplete"), params)
    assert response.status_code in (200, 400, 403, 404)
    assert not leaks(response.content, cast["xihu_member"])


# ====================================================================== 登记表 PDF


def registration_url(member_id):
    return reverse("admin:members_member_registration_form", args=[member_id])


@pytest.mark.parametrize("who", ROLES_OUTSIDE_XIHU)
def test_registration_form_of_another_branch_answers_like_a_missing_member(client, cast, who):
    as_(client, cast, who)
    real = client.get(registration_url(cast["xihu_member"].pk))
    missing = client.get(registration_url(MISSING))
    assert refused(real) and real.status_code == missing.status_code
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("object_id", ["abc", "9" * 40, "-1", "0", "%00", "1.5", "１"])
def test_registration_form_with_a_malformed_id_is_404(client, cast, object_id):
    client.force_login(cast["xihu_officer"])
    assert client.get(f"/admin/members/member/{object_id}/registration-form/").status_code in (400, 404)


def test_registration_form_print_action_drops_another_branchs_members(client, cast):
    client.force_login(cast["xihu_officer"])
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "print_registration_forms", ACTION_CHECKBOX_NAME: [cast["binjiang_member"].pk, MISSING]},
    )
    assert response.status_code in (200, 302)
    assert response.get("Content-Type") != "application/pdf"
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_officers_registration_form_is_masked_and_logged(client, cast, tmp_path):
    from tests.members.documents_helpers import pdf_tool

    client.force_login(cast["xihu_officer"])
    response = client.get(registration_url(cast["xihu_member"].pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_tool("pdftotext", body_of(response), tmp_path)
    assert cast["xihu_member"].name in text
    assert cast["xihu_member"].id_number not in text and cast["xihu_member"].id_number[6:14] not in text
    log = AccessLog.objects.get(action=AccessLog.Action.DOWNLOAD)
    assert log.user == cast["xihu_officer"] and log.detail["full_values"] is False
    assert cast["xihu_member"].name not in response["Content-Disposition"] or True  # name only, no ID
    assert cast["xihu_member"].id_number not in response["Content-Disposition"]


# ====================================================================== certificate batch


@pytest.fixture
def xihu_certificate(cast):
    certificate = services.certificate_issue(
        member=cast["xihu_member"], actor=cast["staff"], purpose="疗休养"
    )
    services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


@pytest.mark.parametrize("who", ROLES_OUTSIDE_XIHU)
@pytest.mark.parametrize("fmt", ["", "zip", "pdf"])
def test_batch_download_of_another_branch_answers_like_missing(client, cast, xihu_certificate, who, fmt):
    as_(client, cast, who)
    url = reverse("admin:members_certificate_batch")
    real = client.get(url, {"ids": str(xihu_certificate.pk), "format": fmt})
    missing = client.get(url, {"ids": str(MISSING), "format": fmt})
    assert refused(real) and real.status_code == missing.status_code
    assert xihu_certificate.serial.encode() not in body_of(real)
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


@pytest.mark.parametrize("ids", ["\x00", "1\x00", "1;2", "1,,,,", "0x10", "1e3", "٣", "1," * 600])
def test_batch_download_answers_malformed_ids_without_a_500(client, cast, ids):
    client.force_login(cast["staff"])
    response = client.get(reverse("admin:members_certificate_batch"), {"ids": ids, "format": "zip"})
    assert response.status_code in (400, 404)


def test_zip_names_carry_no_id_number(client, cast, xihu_certificate):
    import zipfile

    client.force_login(cast["xihu_officer"])
    response = client.get(
        reverse("admin:members_certificate_batch"), {"ids": xihu_certificate.pk, "format": "zip"}
    )
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(body_of(response))).namelist()
    assert names and not any(
        cast["xihu_member"].id_number in n or cast["xihu_member"].mobile in n for n in names
    )
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, user=cast["xihu_officer"]).exists()


# ====================================================================== exports


def export_post(client, admin_name, **extra):
    from tests.core.test_exports import Case, form_data, model_admin

    data = form_data(model_admin(Case(admin_name, None)), **extra)
    return client.post(reverse(f"admin:{admin_name}_export"), data)


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
def test_officer_export_holds_no_other_branch_row_even_when_asked_by_id(client, cast, who):
    honor = cast["xihu_member"].honors.get()
    as_(client, cast, who)
    response = export_post(client, "members_honor", export_items=[honor.pk], full_values="on")
    assert response.status_code == 200
    text = xlsx_text(response.content)
    assert "西湖工匠" not in text and cast["xihu_member"].name not in text
    plain = export_post(client, "members_honor", full_values="on")
    assert "西湖工匠" not in xlsx_text(plain.content)


@pytest.mark.parametrize("who", ["member", "anonymous", "unverified", "norole"])
def test_export_is_closed_to_non_officers(client, cast, who):
    as_(client, cast, who)
    response = export_post(client, "members_honor")
    assert refused(response)
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()


def test_officer_asking_for_full_values_gets_masked_phones(client, cast):
    nomination = f.NominationFactory(member=cast["xihu_member"], reason="推荐")
    cast["xihu_member"].mobile = "13755556666"
    cast["xihu_member"].save(update_fields=["mobile"])
    client.force_login(cast["xihu_officer"])
    response = export_post(client, "wellbeing_nomination", full_values="on")
    assert response.status_code == 200
    text = xlsx_text(response.content)
    assert nomination.member.name in text and "13755556666" not in text
    log = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert log.user == cast["xihu_officer"] and log.detail["full_values"] is False


@pytest.mark.parametrize("fmt", ["0", "1"])
def test_export_neutralises_formulas_from_names_and_titles(client, cast, fmt):
    member = f.MemberFactory(branch=cast["xihu"], name="=cmd|' /C calc'!A0")
    f.HonorFactory(member=member, title='+HYPERLINK("http://evil")', year=2019)
    client.force_login(cast["staff"])
    response = export_post(client, "members_honor", format=fmt)
    assert response.status_code == 200
    if fmt == "0":
        workbook = load_workbook(io.BytesIO(response.content))
        cells = [c for row in workbook.active.iter_rows(min_row=2) for c in row]
        assert not any(c.data_type == "f" for c in cells)
        assert not any(isinstance(c.value, str) and c.value[:1] in "=+-@" for c in cells)
    else:
        text = response.content.decode("utf-8-sig")
        assert not re.search(r'(^|,)"?[=+@]', text, re.M)


@pytest.mark.parametrize(
    "extra",
    [
        {"format": "9"}, {"format": "\x00"}, {"format": "-1"}, {"resource": "7"}, {"resource": "x"},
        {"export_items": ["\x00"]}, {"export_items": ["9" * 40]}, {"export_items": ["-1", "abc"]},
    ],
)  # fmt: skip
def test_export_answers_malformed_forms_without_a_500(client, cast, extra):
    client.force_login(cast["binjiang_officer"])
    response = export_post(client, "members_honor", **extra)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("application/vnd"):
        assert "西湖工匠" not in xlsx_text(response.content)


def test_every_export_is_logged(client, cast):
    client.force_login(cast["xihu_officer"])
    response = export_post(client, "members_honor")
    assert response.status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, user=cast["xihu_officer"]).count() == 1


# ====================================================================== sign-in sheet import


def sheet(rows, name="签到表.xlsx"):
    workbook = Workbook()
    ws = workbook.active
    ws.append(["姓名", "身份证号", "手机号", "服务时长", "角色"])
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def signin_preview(client, event_id, upload):
    return client.post(
        reverse("admin:volunteering_participation_import"),
        {"event": event_id, "import_file": upload, "format": "0", "resource": "0"},
    )


@pytest.fixture
def events(cast):
    return {
        "xihu": f.ServiceEventFactory(team=f.ServiceTeamFactory(branch=cast["xihu"]), status="planned", duration_hours=8),
        "binjiang": f.ServiceEventFactory(
            team=f.ServiceTeamFactory(branch=cast["binjiang"]), status="planned", duration_hours=8
        ),
    }  # fmt: skip


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
def test_signin_import_into_another_branchs_event_writes_nothing(client, cast, events, who):
    as_(client, cast, who)
    member = cast["xihu_member"]
    response = signin_preview(client, events["xihu"].pk, sheet([[member.name, member.id_number, "", 2, ""]]))
    assert response.status_code in (200, 403)
    assert response.status_code == 403 or not response.context.get("confirm_form")
    assert events["xihu"].title not in response.content.decode()
    assert not Participation.objects.exists()


def test_signin_sheet_with_another_branchs_member_answers_like_a_missing_one(client, cast, events):
    client.force_login(cast["binjiang_officer"])
    member = cast["xihu_member"]
    real = signin_preview(client, events["binjiang"].pk, sheet([[member.name, member.id_number, "", 2, ""]]))
    fake = signin_preview(
        client, events["binjiang"].pk, sheet([[member.name, "110101199003077777", "", 2, ""]])
    )
    by_phone = signin_preview(client, events["binjiang"].pk, sheet([[member.name, "", member.mobile, 2, ""]]))
    for response in (real, fake, by_phone):
        assert response.status_code == 200 and f"找不到该会员（{member.name}）" in response.content.decode()
        assert not leaks(response.content, member)
    assert not Participation.objects.exists()


def test_signin_confirm_of_another_sessions_upload_is_404(client, cast, events):
    owner = Client()
    owner.force_login(cast["xihu_officer"])
    member = cast["xihu_member"]
    preview = signin_preview(owner, events["xihu"].pk, sheet([[member.name, member.id_number, "", 2, ""]]))
    confirm = preview.context["confirm_form"]
    data = {name: confirm.initial.get(name, "") for name in confirm.fields}
    for who in ["binjiang_officer", "xihu_officer"]:
        attacker = Client()
        attacker.force_login(cast[who])
        response = attacker.post(reverse("admin:volunteering_participation_process_import"), data)
        assert response.status_code == 404
    assert not Participation.objects.exists()


def test_signin_confirm_with_the_event_switched_to_another_branch_writes_nothing(client, cast, events):
    client.force_login(cast["binjiang_officer"])
    zhao = f.MemberFactory(branch=cast["binjiang"], name="赵三")
    preview = signin_preview(client, events["binjiang"].pk, sheet([[zhao.name, zhao.id_number, "", 2, ""]]))
    confirm = preview.context["confirm_form"]
    data = {name: confirm.initial.get(name, "") for name in confirm.fields}
    data["event"] = events["xihu"].pk
    response = client.post(reverse("admin:volunteering_participation_process_import"), data)
    assert response.status_code in (200, 302, 404)
    assert not Participation.objects.filter(event=events["xihu"]).exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("a.xlsx", b"PK\x03\x04garbage"),
        SimpleUploadedFile("a.xlsx", b""),
        SimpleUploadedFile("a.csv", "姓名,身份证号\n\x00,\x00\n".encode()),
        SimpleUploadedFile("a.csv", b"\xff\xfe\x00\x00" * 100),
        SimpleUploadedFile("a.csv", ("姓名,身份证号,手机号,服务时长,角色\n甲,,,1e400,\n").encode()),
        SimpleUploadedFile("a.csv", ("姓名,身份证号,手机号,服务时长,角色\n甲,,,NaN,\n").encode()),
        SimpleUploadedFile(
            "a.csv", ("姓名,身份证号,手机号,服务时长,角色\n甲,,,9" + "9" * 500 + ",\n").encode()
        ),
    ],
)
def test_signin_import_answers_malformed_files_without_a_500(client, cast, events, upload):
    client.force_login(cast["xihu_officer"])
    response = signin_preview(client, events["xihu"].pk, upload)
    assert response.status_code in (200, 400)
    assert not Participation.objects.exists()


def test_signin_template_for_another_branchs_event_names_no_event(client, cast, events):
    client.force_login(cast["binjiang_officer"])
    url = reverse("admin:volunteering_participation_import_template")
    real = client.get(url, {"event": events["xihu"].pk})
    missing = client.get(url, {"event": MISSING})
    assert real.status_code == missing.status_code == 200
    assert real["Content-Disposition"] == missing["Content-Disposition"]
    assert events["xihu"].title not in xlsx_text(real.content)


@pytest.mark.parametrize("who", ["member", "anonymous", "unverified", "norole"])
def test_signin_import_is_closed_to_non_officers(client, cast, events, who):
    as_(client, cast, who)
    member = cast["xihu_member"]
    response = signin_preview(client, events["xihu"].pk, sheet([[member.name, member.id_number, "", 2, ""]]))
    assert refused(response)
    assert refused(client.get(reverse("admin:volunteering_participation_import_template")))
    assert not Participation.objects.exists()


# ====================================================================== member import: template, errors


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
def test_import_template_offers_only_ones_own_branch(client, cast, who):
    as_(client, cast, who)
    response = client.get(reverse("admin:members_member_import_template"))
    assert response.status_code == 200
    text = xlsx_text(response.content).replace(
        "杭州市西湖区文三路1号", ""
    )  # the instructions' sample address
    assert "西湖区" not in text
    if who == "binjiang_officer":
        assert "滨江区" in text


@pytest.fixture
def xihu_import(cast):
    return MemberImport.objects.create(
        created_by=cast["xihu_officer"], branch=cast["xihu"], filename="西湖名册.xlsx", status="preview",
        report={"errors": [{"row": 2, "column": "身份证号", "value": "330106********1234", "message": "重复"}]},
    )  # fmt: skip


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch", "staff", "norole", "member", "anonymous"])
def test_anothers_import_error_list_answers_like_a_missing_one(client, cast, xihu_import, who):
    as_(client, cast, who)
    for name in [
        "members_member_import_errors",
        "members_member_import_detail",
        "members_member_import_progress",
    ]:
        real = client.get(reverse(f"admin:{name}", args=[xihu_import.pk]))
        missing = client.get(reverse(f"admin:{name}", args=[MISSING]))
        assert refused(real) and real.status_code == missing.status_code, name
        assert "西湖名册".encode() not in body_of(real)
    assert not AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD).exists()


def test_own_import_error_list_is_logged(client, cast, xihu_import):
    client.force_login(cast["xihu_officer"])
    response = client.get(reverse("admin:members_member_import_errors", args=[xihu_import.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, user=cast["xihu_officer"]).count() == 1


# ====================================================================== statistics


REFRESH = "admin:members_member_statistics_refresh"


@pytest.fixture
def enqueued(monkeypatch):
    calls = []
    monkeypatch.setattr("members.admin.io.statistics_refresh_enqueue", lambda: calls.append(1) or "queued")
    return calls


@pytest.mark.parametrize("who", ["xihu_officer", "binjiang_officer", "nobranch", "norole", "member", "anonymous",
                                 "unverified"])  # fmt: skip
def test_statistics_refresh_is_for_association_staff_only(client, cast, enqueued, who):
    as_(client, cast, who)
    assert refused(client.post(reverse(REFRESH)))
    assert enqueued == []


def test_statistics_refresh_needs_post_csrf_and_is_throttled(cast, enqueued):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["staff"])
    assert client.get(reverse(REFRESH)).status_code == 302 and enqueued == []
    assert client.post(reverse(REFRESH)).status_code == 403 and enqueued == []
    client = Client()
    client.force_login(cast["staff"])
    for _ in range(6):
        client.post(reverse(REFRESH))
    assert len(enqueued) == 3


@pytest.mark.parametrize("back", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\x00"])
def test_statistics_refresh_never_redirects_off_site(client, cast, enqueued, back):
    client.force_login(cast["staff"])
    response = client.post(reverse(REFRESH), {"next": back})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"].startswith("/admin/")


@pytest.mark.parametrize("download", [False, True])
def test_officer_crosstabs_hold_no_other_branch(client, cast, download):
    for _ in range(3):
        f.MemberFactory(branch=cast["xihu"])
    client.force_login(cast["binjiang_officer"])
    params = {"branch": cast["xihu"].pk}
    if download:
        params["_format"] = "xlsx"
    response = client.get(reverse("admin:members_member_statistics"), params)
    assert response.status_code in (200, 400)
    text = (
        xlsx_text(response.content) if download and response.status_code == 200 else response.content.decode()
    )
    assert "西湖区" not in text


@pytest.mark.parametrize(
    "params",
    [{"branch": "\x00"}, {"branch": "9" * 40}, {"year_from": "9" * 40}, {"year_to": "-1"}, {"table": "\x00", "_format": "xlsx"},
     {"status": ["a", "b"]}],
)  # fmt: skip
def test_statistics_page_answers_malformed_filters_without_a_500(client, cast, params):
    client.force_login(cast["binjiang_officer"])
    response = client.get(reverse("admin:members_member_statistics"), params)
    assert response.status_code in (200, 400)


# ====================================================================== landing page, verification


@pytest.mark.parametrize("who", ["member", "anonymous", "xihu_officer"])
def test_home_page_carries_nothing_personal(client, cast, who):
    as_(client, cast, who)
    response = client.get("/")
    assert response.status_code == 200
    for member in (cast["xihu_member"], cast["binjiang_member"]):
        assert not leaks(response.content, member)


@pytest.mark.parametrize(
    "params",
    [
        {"serial": "\x00", "code": "A"}, {"serial": "A" * 5000, "code": "B"}, {"serial": ["a", "b"], "code": "c"},
        {"serial": "HZLM-2026-000001", "code": "\x00"}, {"serial": "../../admin", "code": "x"},
        {"serial": "HZLM-2026-000001"},
    ],
)  # fmt: skip
def test_verify_lookup_answers_malformed_entries_without_a_500(client, params):
    response = client.get(reverse("members:verify_lookup"), params)
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert response["Location"].startswith("/verify/")


def test_verify_lookup_tells_a_missing_serial_from_a_wrong_code_the_same_way(client, cast, xihu_certificate):
    real = client.get(
        reverse("members:verify_lookup"), {"serial": xihu_certificate.serial, "code": "ZZZZZZ"}, follow=True
    )
    missing = client.get(
        reverse("members:verify_lookup"), {"serial": "HZLM-2020-999999", "code": "ZZZZZZ"}, follow=True
    )
    assert real.status_code == missing.status_code
    assert cast["xihu_member"].name not in real.content.decode()


# ====================================================================== further probes


def test_import_error_list_neutralises_formulas_from_the_upload(client, cast):
    job = MemberImport.objects.create(
        created_by=cast["xihu_officer"], branch=cast["xihu"], filename="=cmd.xlsx", status="preview",
        report={"errors": [{"row": 2, "name": "=HYPERLINK(\"http://evil\")", "column": "+SUM(A1)",
                            "value": "@cmd", "message": "-1+2"}]},
    )  # fmt: skip
    client.force_login(cast["xihu_officer"])
    response = client.get(reverse("admin:members_member_import_errors", args=[job.pk]))
    assert response.status_code == 200
    cells = [
        c for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2) for c in row
    ]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value[:1] in "=+-@" for c in cells)


def test_signin_template_neutralises_an_event_title_formula(client, cast):
    event = f.ServiceEventFactory(
        team=f.ServiceTeamFactory(branch=cast["xihu"]), status="planned", title='=HYPERLINK("http://evil")'
    )
    client.force_login(cast["xihu_officer"])
    response = client.get(reverse("admin:volunteering_participation_import_template"), {"event": event.pk})
    assert response.status_code == 200
    for sheet in load_workbook(io.BytesIO(response.content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f" and not (
                    isinstance(cell.value, str) and cell.value.startswith("=")
                )


@pytest.mark.parametrize("who", ["xihu_officer", "binjiang_officer", "nobranch"])
def test_an_autocomplete_search_by_full_id_number_is_logged(client, cast, who):
    as_(client, cast, who)
    autocomplete(client, cast["xihu_member"].id_number)
    log = AccessLog.objects.get(action=AccessLog.Action.VIEW_ID, user=cast[who])
    assert cast["xihu_member"].id_number not in str(log.detail) + log.target


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch", "xihu_officer", "norole", "member", "anonymous",
                                 "unverified"])  # fmt: skip
def test_officer_profiles_are_closed_to_everyone_but_association_staff(client, cast, who):
    profile = OfficerProfile.objects.get(user=cast["xihu_officer"])
    as_(client, cast, who)
    real = client.get(reverse("admin:members_officerprofile_change", args=[profile.pk]))
    missing = client.get(reverse("admin:members_officerprofile_change", args=[MISSING]))
    assert refused(real) and real.status_code == missing.status_code
    assert refused(client.get(reverse("admin:members_officerprofile_changelist")))
    added = client.post(
        reverse("admin:members_officerprofile_add"), {"name": "冒名", "branch": cast["xihu"].pk}
    )
    assert refused(added) and not OfficerProfile.objects.filter(name="冒名").exists()


def test_a_members_own_page_holds_nobody_elses_data(client, cast):
    as_(client, cast, "member")
    response = client.get(reverse("members:me"))
    assert response.status_code == 200
    assert not leaks(response.content, cast["binjiang_member"])
    assert cast["binjiang_member"].name not in response.content.decode()


@pytest.mark.parametrize("who", ["member", "anonymous"])
def test_members_and_visitors_reach_no_admin_door_of_issue_18(client, cast, xihu_certificate, who):
    as_(client, cast, who)
    doors = [
        reverse("admin:members_member_import_template"),
        reverse("admin:volunteering_participation_import"),
        reverse("admin:members_honor_export"),
        reverse("admin:members_member_statistics"),
        reverse("two_factor"),
        f"{reverse('admin:members_certificate_batch')}?ids={xihu_certificate.pk}&format=pdf",
        registration_url(cast["xihu_member"].pk),
    ]
    for door in doors:
        response = client.get(door)
        assert refused(response), door
        assert not leaks(body_of(response), cast["xihu_member"]), door


REPORTS = [
    ("admin:volunteering_serviceevent_statistics", "format"),
    ("admin:wellbeing_inquiry_statistics", "format"),
    ("admin:wellbeing_condolencevisit_report", None),
    ("admin:wellbeing_convalescencetrip_report", None),
]


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
@pytest.mark.parametrize("name, download", REPORTS)
def test_report_crosstabs_hold_no_other_branch_figures(client, cast, who, name, download):
    """西湖区 has an event with hours, an inquiry, a condolence visit and a nomination; 滨江区's
    officer (or one without a branch) reads the report pages and their Excel files."""
    from django.utils import timezone

    year = timezone.localdate().year
    event = f.ServiceEventFactory(team=f.ServiceTeamFactory(branch=cast["xihu"]), date=timezone.localdate())
    f.ParticipationFactory(member=cast["xihu_member"], event=event)
    f.InquiryFactory(branch=cast["xihu"])
    f.CondolenceVisitFactory(member=cast["xihu_member"])
    f.NominationFactory(member=cast["xihu_member"], reason="推荐")
    as_(client, cast, who)
    response = client.get(reverse(name), {"year": year})
    assert response.status_code in (200, 403, 404)
    if response.status_code != 200:
        return
    assert (
        "西湖区" not in response.content.decode()
        and cast["xihu_member"].name not in response.content.decode()
    )
    if download:
        sheet = client.get(reverse(name), {"year": year, download: "xlsx"})
        assert sheet.status_code == 200
        assert "西湖区" not in xlsx_text(sheet.content)


@pytest.mark.parametrize(
    "model, field",
    [("donation", "team"), ("serviceevent", "course"), ("participation", "event"), ("serviceevent", "team")],
)
def test_autocomplete_pages_are_stable_across_pages(client, cast, model, field):
    """Paging an unordered queryset may repeat or skip rows between pages (Django warns):
    every autocomplete has a total order."""
    import warnings

    from django.core.paginator import UnorderedObjectListWarning

    client.force_login(cast["xihu_officer"])
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = autocomplete(client, "", app="volunteering", model=model, field=field)
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["binjiang_officer", "nobranch"])
def test_issue_form_neither_shows_nor_issues_for_another_branchs_member(client, cast, who):
    target = cast["xihu_member"]
    as_(client, cast, who)
    url = reverse("admin:members_certificate_add")
    page = client.get(url, {"member": target.pk})
    assert page.status_code in (200, 403)
    assert target.name not in page.content.decode()
    posted = client.post(url, {"member": target.pk, "purpose": "疗休养"})
    assert posted.status_code in (200, 403)
    assert target.name not in posted.content.decode()
    assert not target.certificates.exists()


@pytest.mark.parametrize("value", ["\x00", "9" * 40, "-1", "abc", "1 OR 1=1"])
def test_issue_form_answers_a_malformed_preselected_member_without_a_500(client, cast, value):
    client.force_login(cast["xihu_officer"])
    assert client.get(reverse("admin:members_certificate_add"), {"member": value}).status_code in (200, 400)


def test_the_invitation_link_is_in_no_history_or_log(client, invited):
    from django.contrib.admin.models import LogEntry

    token = invited["path"].rstrip("/").split("/")[-1]
    for entry in LogEntry.objects.all():
        assert token not in entry.change_message and token not in entry.object_repr
    for log in AccessLog.objects.all():
        assert token not in str(log.detail) and token not in log.target


def test_a_confirmed_sign_in_sheet_cannot_be_replayed(client, cast, events):
    client.force_login(cast["xihu_officer"])
    member = cast["xihu_member"]
    preview = signin_preview(client, events["xihu"].pk, sheet([[member.name, member.id_number, "", 2, ""]]))
    confirm = preview.context["confirm_form"]
    data = {name: confirm.initial.get(name, "") for name in confirm.fields}
    assert client.post(reverse("admin:volunteering_participation_process_import"), data).status_code == 302
    participation = Participation.objects.get(member=member, event=events["xihu"])
    participation.hours = 1
    participation.save(update_fields=["hours"])
    again = client.post(reverse("admin:volunteering_participation_process_import"), data)
    assert again.status_code == 404
    participation.refresh_from_db()
    assert participation.hours == 1


@pytest.mark.parametrize(
    "contact, secret",
    [
        ("13812345678", "12345678"),
        ("电话138-1234-5678", "1234-5678"),
        ("电话 138 1234 5678", "1234 5678"),
        ("+86 138 1234 5678", "1234 5678"),
        ("座机0571-87654321", "87654321"),
    ],
)
def test_inquiry_export_masks_every_phone_in_contact(client, cast, contact, secret):
    """联系方式 is free text: a phone typed with spaces or dashes is as personal as one without."""
    f.InquiryFactory(branch=cast["xihu"], contact=contact)
    client.force_login(cast["xihu_officer"])
    response = export_post(client, "wellbeing_inquiry")
    assert response.status_code == 200
    assert secret not in xlsx_text(response.content)
