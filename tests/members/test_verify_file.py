"""/verify/file/: an uploaded certificate or card PDF checked by its signature, never stored."""

import datetime
import os
import re
import tempfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from members import services
from members.models import CraftsmanCard
from members.views import VERIFY_FILE_MAX_BYTES
from tests import factories as f
from tests.signing_helpers import (
    blank_pdf,
    other_key,
    signed,
    signed_by,
    with_byte_changed,
    with_bytes_appended,
    with_incremental_update,
    with_producer_changed,
)

pytestmark = pytest.mark.django_db
URL = "/verify/file/"


@pytest.fixture
def issued(xihu_member, staff_user, on_commit):
    certificate = on_commit(
        services.certificate_issue, member=xihu_member, actor=staff_user, purpose="疗休养"
    )
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def stored(issued) -> bytes:
    with issued.pdf.open("rb") as pdf:
        return pdf.read()


def _upload(client, content: bytes, *, field="file", name="证明.pdf", **extra):
    return client.post(URL, {field: SimpleUploadedFile(name, content, "application/pdf")}, **extra)


def _text(response) -> str:
    return response.content.decode()


def _facts(html: str) -> str:
    return re.search(r'<table class="facts">.*?</table>', html, re.S).group(0)


def test_url_is_the_file_door():
    assert reverse("members:verify_file") == URL


def test_genuine_file_is_valid_and_shows_what_the_code_shows(client, issued, stored, xihu_member):
    response = _upload(client, stored)
    body = _text(response)
    assert response.status_code == 200
    assert "真实有效" in body and issued.serial in body
    assert "西**" in body and xihu_member.name not in body
    assert xihu_member.id_number not in body and issued.holder_masked_id not in body
    assert issued.verification_code not in body and issued.purpose not in body
    by_code = client.get(
        reverse("members:verify", args=[issued.serial]) + f"?code={issued.verification_code}"
    )
    assert _facts(body) == _facts(_text(by_code))  # the same display, nothing more
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "change", [with_byte_changed, with_producer_changed, with_bytes_appended, with_incremental_update]
)
def test_changed_file_says_changed(client, stored, issued, change):
    response = _upload(client, change(stored))
    body = _text(response)
    assert response.status_code == 200 and "文件已被改动" in body
    assert "真实有效" not in body and '<table class="facts">' not in body


def test_file_signed_by_another_key_is_not_ours(client, issued, tmp_path):
    foreign = signed_by(other_key(tmp_path), blank_pdf(), issued.serial)
    body = _text(_upload(client, foreign))
    assert "非本会签发" in body and issued.serial not in body.split("文件核验结果")[1].split("</div>")[0]


def test_file_signed_with_a_previous_certificate_is_still_genuine(client, issued, tmp_path, settings):
    old = other_key(tmp_path)
    old_file = signed_by(old, blank_pdf(), issued.serial)
    assert "非本会签发" in _text(_upload(client, old_file))
    settings.SIGNING_PREVIOUS_CERTS = [old["SIGNING_CERT_FILE"]]
    assert "真实有效" in _text(_upload(client, old_file))


def test_unsigned_pdf(client, issued):
    response = _upload(client, blank_pdf())
    assert response.status_code == 200 and "未签名" in _text(response)


def test_damaged_pdf_is_unreadable(client, stored):
    response = _upload(client, stored[: len(stored) // 3])
    assert response.status_code == 200 and "无法读取" in _text(response)


def test_revoked_certificate_genuine_file(client, issued, stored, staff_user):
    services.certificate_revoke(certificate=issued, actor=staff_user, reason="荣誉被撤销")
    body = _text(_upload(client, stored))
    assert "已撤销" in body and "真实有效" not in body and issued.serial in body


def test_card_genuine_then_expired(client, xihu, staff_user, on_commit):
    card = on_commit(services.card_issue, member=f.craftsman(xihu), actor=staff_user)
    card.refresh_from_db()
    with card.pdf.open("rb") as pdf:
        content = pdf.read()
    body = _text(_upload(client, content))
    assert "真实有效" in body and card.number in body and "匠心卡" in body
    CraftsmanCard.objects.filter(pk=card.pk).update(
        issued_on=datetime.date(2000, 1, 1), expires_on=datetime.date(2002, 12, 31)
    )
    assert "已过期" in _text(_upload(client, content))


def test_genuine_signature_naming_no_document(client, issued):
    body = _text(_upload(client, signed(blank_pdf(), "HZLM-1999-000001")))
    assert "无法验证" in body and "HZLM-1999-000001" not in body


@pytest.mark.parametrize(
    ("content", "status", "message"),
    [
        (b"", 400, "文件为空"),
        (b"GIF89a not a pdf", 400, "文件内容不是允许的类型"),
        (b"\x89PNG\r\n\x1a\n....", 400, "文件内容不是允许的类型"),
        (b"%PDF-" + b"0" * (VERIFY_FILE_MAX_BYTES - 4), 413, "文件过大"),
    ],
)
def test_bad_uploads_get_a_clear_answer(client, content, status, message):
    response = _upload(client, content)
    assert response.status_code == status and message in _text(response)


def test_body_over_the_cap_is_refused_before_it_is_read(client):
    class Unreadable:
        def read(self, *args):
            raise AssertionError("the body was read")

        readline = read

    response = client.generic(
        "POST", URL, b"", content_type="multipart/form-data; boundary=xyz",
        CONTENT_LENGTH=str(50 * 1024 * 1024), **{"wsgi.input": Unreadable()},
    )  # fmt: skip
    assert response.status_code == 413 and "文件过大" in _text(response)


def test_wrong_field_name(client, stored):
    response = _upload(client, stored, field="document")
    assert response.status_code == 400 and "请选择要核验的证明或匠心卡PDF文件" in _text(response)


def test_no_file_at_all(client):
    response = client.post(URL, {"x": "1"})
    assert response.status_code == 400 and "请选择" in _text(response)


def test_get_shows_both_forms(client):
    response = client.get(URL)
    body = _text(response)
    assert response.status_code == 200 and "上传证明文件核验" in body and 'name="serial"' in body
    assert "不会被保存" in body


@pytest.mark.parametrize("method", ["put", "patch", "delete", "head", "options"])
def test_other_methods_never_fail(client, method):
    assert getattr(client, method)(URL).status_code in (200, 405)


def test_malformed_multipart_body(client):
    response = client.generic(
        "POST", URL, b"--xyz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.pdf\"\r\n\r\n%PDF-",
        content_type="multipart/form-data; boundary=",
    )  # fmt: skip
    assert response.status_code == 400 and "上传的内容无法读取" in _text(response)


def test_too_many_files(client, stored, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    files = {f"file{i}": SimpleUploadedFile(f"{i}.pdf", b"%PDF-1.7", "application/pdf") for i in range(5)}
    response = client.post(URL, files)
    assert response.status_code == 400 and "上传的内容无法读取" in _text(response)


def test_nul_in_a_field_is_refused_like_everywhere(client, stored):
    """BadInputMiddleware leaves this body to the view (it caps it first); the view refuses a NUL
    with the middleware's own answer."""
    upload = SimpleUploadedFile("证明.pdf", stored, "application/pdf")
    response = client.post(URL, {"file": upload, "note": "a\x00b"})
    assert response.status_code == 400 and "请求包含无效字符" in _text(response)


def test_the_landing_and_result_pages_offer_the_file_form(client, issued):
    assert "上传证明文件核验" in _text(client.get("/verify/"))
    result = client.get(reverse("members:verify", args=[issued.serial]) + f"?code={issued.verification_code}")
    assert "上传证明文件核验" in _text(result) and 'action="/verify/file/"' in _text(result)


def test_csrf_token_is_required():
    strict = Client(enforce_csrf_checks=True)
    page = strict.get(URL)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', _text(page)).group(1)
    upload = SimpleUploadedFile("a.pdf", blank_pdf(), "application/pdf")
    assert strict.post(URL, {"file": upload}).status_code == 403
    upload = SimpleUploadedFile("a.pdf", blank_pdf(), "application/pdf")
    response = strict.post(URL, {"file": upload, "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and "未签名" in _text(response)


def test_throttled_per_client_with_its_own_count(client, settings, issued, stored):
    settings.VERIFY_RATE_LIMIT = 2
    for _ in range(2):
        assert _upload(client, stored, REMOTE_ADDR="10.0.0.7").status_code == 200
    response = _upload(client, stored, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429 and "查询过于频繁" in _text(response) and response["Retry-After"]
    assert _upload(client, stored, REMOTE_ADDR="10.0.0.8").status_code == 200  # another client
    by_code = reverse("members:verify", args=[issued.serial]) + f"?code={issued.verification_code}"
    assert client.get(by_code, REMOTE_ADDR="10.0.0.7").status_code == 200  # the code's own count


def _tree(path) -> set:
    found = set()
    for directory, _, names in os.walk(path):
        found.update(os.path.join(directory, name) for name in names)
    return found


def test_nothing_is_written_to_storage_or_temporary_files(client, stored, settings, tmp_path, monkeypatch):
    """Uploads under the cap, over Django's in-memory limit and over the cap: no file anywhere."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    settings.FILE_UPLOAD_TEMP_DIR = str(scratch)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024  # Django's own handlers would spool anything bigger
    roots = [settings.MEDIA_ROOT, settings.STORAGES["private"]["OPTIONS"]["location"]]
    before = {root: _tree(root) for root in roots}
    assert "真实有效" in _text(_upload(client, stored))
    assert "文件已被改动" in _text(_upload(client, with_byte_changed(stored)))
    assert _upload(client, b"%PDF-" + b"1" * (6 * 1024 * 1024)).status_code == 413
    assert {root: _tree(root) for root in roots} == before
    assert list(scratch.iterdir()) == []


def test_checks_at_once_are_capped_site_wide(client, stored, settings):
    """However many addresses send files, only VERIFY_FILE_CONCURRENCY checks run together."""
    from django.core.cache import cache

    settings.VERIFY_FILE_CONCURRENCY = 2
    cache.set("slots:verify-file", 2, timeout=30)  # two checks running elsewhere
    busy = _upload(client, stored, REMOTE_ADDR="10.9.0.1")
    assert busy.status_code == 429 and "核验服务繁忙" in _text(busy) and busy["Retry-After"] == "10"
    assert cache.get("slots:verify-file") == 2  # the refused request holds no slot
    cache.set("slots:verify-file", 1, timeout=30)
    assert "真实有效" in _text(_upload(client, stored, REMOTE_ADDR="10.9.0.2"))
    assert cache.get("slots:verify-file") == 1  # released after the check
