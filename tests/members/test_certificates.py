"""Certificates: issue → render → download, scoping, serials, verification, the PDF itself."""

import re
import threading

import pytest
from django.db import connection, transaction
from django.urls import reverse

from core import documents
from core.errors import ConflictError, DomainError
from core.models import AccessLog
from core.scoping import user_scope_for_request
from members import services
from members.models import Certificate, RenderState
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(xihu_member, staff_user, on_commit):
    return on_commit(services.certificate_issue, member=xihu_member, actor=staff_user, purpose="办理公园年卡")


def test_issue_renders_pdf_after_commit(issued):
    issued.refresh_from_db()
    assert issued.render_state == RenderState.READY
    assert issued.pdf.open("rb").read(5) == b"%PDF-"


def test_member_downloads_own_certificate_and_it_is_logged(client, xihu_member, issued):
    client.force_login(f.member_user(xihu_member))
    response = client.get(reverse("members:certificate_download", args=[issued.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert AccessLog.objects.filter(action="download", target__contains=issued.serial).count() == 1


def test_other_member_gets_404_for_certificate(client, binjiang_member, issued):
    client.force_login(f.member_user(binjiang_member))
    assert client.get(reverse("members:certificate_download", args=[issued.pk])).status_code == 404


def test_anonymous_download_redirects_to_login(client, issued):
    response = client.get(reverse("members:certificate_download", args=[issued.pk]))
    assert response.status_code == 302 and reverse("members:login") in response["Location"]


def test_officer_downloads_only_own_branch(client, issued, xihu_officer, binjiang_officer):
    url = reverse("members:certificate_download", args=[issued.pk])
    client.force_login(binjiang_officer)
    assert client.get(url).status_code == 404
    client.force_login(xihu_officer)
    assert client.get(url).status_code == 200


def test_pending_certificate_is_not_downloadable(client, xihu_member, staff_user):
    certificate = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    client.force_login(f.member_user(xihu_member))
    assert client.get(reverse("members:certificate_download", args=[certificate.pk])).status_code == 404


def test_serials_are_consecutive_per_year(xihu_member, staff_user):
    first = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    second = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    assert second.number == first.number + 1
    assert first.serial == f"HZLM-{first.year}-{first.number:06d}"


def test_rolled_back_issue_leaves_no_gap(xihu_member, staff_user):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
        raise RuntimeError
    assert services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养").number == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_get_gapless_unique_serials(xihu, staff_user):
    members = [f.MemberFactory(branch=xihu) for _ in range(6)]
    for m in members:
        f.HonorFactory(member=m)
    errors = []

    def issue(member):
        try:
            # A new thread has no scope: enter the one the request's middleware would.
            with user_scope_for_request(staff_user):
                services.certificate_issue(member=member, actor=staff_user, purpose="疗休养")
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(Certificate.objects.values_list("number", flat=True)) == list(range(1, 7))


def test_member_without_honours_is_refused(xihu, staff_user):
    with pytest.raises(DomainError):
        services.certificate_issue(member=f.MemberFactory(branch=xihu), actor=staff_user, purpose="疗休养")
    assert not Certificate.objects.exists()


def test_officer_cannot_issue_for_other_branch(binjiang_member, xihu_officer):
    with pytest.raises(DomainError):
        services.certificate_issue(member=binjiang_member, actor=xihu_officer, purpose="疗休养")


def test_render_is_idempotent_and_leaves_one_file(issued):
    storage = Certificate._meta.get_field("pdf").storage
    issued.refresh_from_db()
    name = issued.pdf.name
    assert services.certificate_render(certificate_id=issued.pk) is False
    assert services.certificate_render(certificate_id=issued.pk, force=True) is True
    issued.refresh_from_db()
    assert issued.pdf.name == name
    folder = name.rsplit("/", 1)[0]
    assert [n for n in storage.listdir(folder)[1] if n.startswith(issued.serial)] == [f"{issued.serial}.pdf"]


def test_render_replaces_leftover_of_dead_attempt(xihu_member, staff_user):
    from django.core.files.base import ContentFile

    certificate = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    storage = Certificate._meta.get_field("pdf").storage
    name = f"certificates/{certificate.year}/{certificate.serial}.pdf"
    storage.save(name, ContentFile(b"%PDF-half"))
    services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.pdf.name == name
    assert len(certificate.pdf.open("rb").read()) > 1000


def test_render_failure_is_recorded(xihu_member, staff_user, monkeypatch):
    certificate = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    monkeypatch.setattr(documents, "render_pdf", lambda *a, **k: (_ for _ in ()).throw(ValueError("boom")))
    with pytest.raises(ValueError):
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    assert certificate.render_state == RenderState.FAILED and not certificate.pdf


# Verification -------------------------------------------------------------------------


def _verify(client, serial, code=None, **extra):
    url = reverse("members:verify", args=[serial]) + (f"?code={code}" if code is not None else "")
    return client.get(url, **extra)


def test_verify_valid_shows_masked_name_and_honours(client, issued):
    response = _verify(client, issued.serial, issued.verification_code)
    body = response.content.decode()
    assert response.status_code == 200 and "有效" in body
    assert "西**" in body and "西湖甲" not in body
    assert "西湖工匠" in body
    assert issued.member.id_number not in body


@pytest.mark.parametrize("case", ["wrong_code", "missing_code", "unknown_serial"])
def test_verify_failures_give_one_neutral_answer(client, issued, case):
    serial, code = {
        "wrong_code": (issued.serial, "ABCDEFGHJKMN"),
        "missing_code": (issued.serial, None),
        "unknown_serial": ("HZLM-2020-999999", issued.verification_code),
    }[case]
    response = _verify(client, serial, code)
    reference = _verify(client, "HZLM-1999-000000", "X")
    assert response.status_code == 200
    assert "无法验证" in response.content.decode()
    # The same page, byte for byte, but for the per-response mask of the file form's CSRF token.
    assert _without_csrf_token(response.content) == _without_csrf_token(reference.content)


def _without_csrf_token(content: bytes) -> bytes:
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)


def test_verify_revoked_says_revoked(client, issued, staff_user):
    services.certificate_revoke(certificate=issued, actor=staff_user, reason="荣誉被撤销")
    assert "已撤销" in _verify(client, issued.serial, issued.verification_code).content.decode()


def test_revoking_twice_is_a_conflict(issued, staff_user):
    services.certificate_revoke(certificate=issued, actor=staff_user, reason="错误开具")
    with pytest.raises(ConflictError):
        services.certificate_revoke(certificate=issued, actor=staff_user, reason="错误开具")


def test_verify_is_rate_limited_per_client(client, settings, issued):
    settings.VERIFY_RATE_LIMIT = 3
    for _ in range(3):
        assert _verify(client, "HZLM-2020-000001", "X", REMOTE_ADDR="10.0.0.9").status_code == 200
    assert _verify(client, "HZLM-2020-000001", "X", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert _verify(client, "HZLM-2020-000001", "X", REMOTE_ADDR="10.0.0.10").status_code == 200


# The PDF ------------------------------------------------------------------------------


def test_rare_character_name_and_honours_come_back_from_pdftotext(xihu, staff_user, tmp_path, on_commit):
    member = f.MemberFactory(branch=xihu, name=f.RARE_NAME)
    f.HonorFactory(member=member, title="浙江省劳动模范", level=2, year=2016)
    f.HonorFactory(member=member, title="杭州工匠", kind="craftsman", level=3, year=2021)
    certificate = on_commit(services.certificate_issue, member=member, actor=staff_user, purpose="子女入学")
    certificate.refresh_from_db()
    content = certificate.pdf.open("rb").read()
    text = pdf_tool("pdftotext", content, tmp_path)
    assert f.RARE_NAME in text
    assert "浙江省劳动模范" in text and "杭州工匠" in text
    assert certificate.serial in text and certificate.verification_code in text
    # 330106********0211: region and last four, which a receiving office can match; no birth date.
    assert member.id_number[:6] + "*" * 8 + member.id_number[-4:] in text.replace("\n", "")
    assert member.id_number not in text and member.id_number[6:14] not in text
    assert f"{member.birth_date.year}年{member.birth_date.month}月" not in text


def test_certificate_fonts_are_embedded_subset_project_fonts(issued, tmp_path):
    issued.refresh_from_db()
    fonts = pdf_tool("pdffonts", issued.pdf.open("rb").read(), tmp_path).splitlines()[2:]
    assert fonts
    for line in fonts:
        name, *_rest = line.split()
        emb, sub, uni = line.split()[-5:-2]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), line
        assert "+HZLM-Serif-SC" in name, line  # the project's font, no fallback to a system face


def test_certificate_is_small(issued):
    issued.refresh_from_db()
    assert issued.pdf.size <= 60 * 1024


def test_renderer_refuses_urls_in_member_fields(xihu, staff_user, monkeypatch, tmp_path, on_commit):
    fetched = []
    original = documents.StaticOnlyFetcher.fetch

    def spy(self, url, headers=None):
        fetched.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(documents.StaticOnlyFetcher, "fetch", spy)
    hostile = '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
    member = f.MemberFactory(branch=xihu, name="攻击者")
    f.HonorFactory(member=member, title=hostile[:100])
    certificate = on_commit(
        services.certificate_issue, member=member, actor=staff_user, purpose=hostile[:100]
    )
    certificate.refresh_from_db()
    content = certificate.pdf.open("rb").read()
    assert b"root:" not in content
    assert all(u.startswith("data:") or "/static/" in u for u in fetched), fetched
    assert "file:///etc/passwd" in pdf_tool("pdftotext", content, tmp_path)  # printed as text, not fetched


def test_renderer_template_with_local_file_and_url_fetches_neither(settings, tmp_path):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "evil.html").write_text(
        '<link rel="stylesheet" href="pdf/base.css"><p>正文</p><img src="file:///etc/passwd">'
        '<img src="http://127.0.0.1:9/"><link rel="attachment" href="file:///etc/passwd">'
    )
    content = documents.render_pdf("evil.html", {})
    assert b"root:" not in content and b"/EmbeddedFile" not in content


def test_seed_demo_issues_and_renders_for_demo_member():
    from django.core.management import call_command

    from members.models import CraftsmanCard

    call_command("seed_demo", members=40)
    issued = Certificate.objects.count()
    call_command("seed_demo", members=40)
    assert Certificate.objects.count() == issued  # a second run issues nothing new
    certificate = Certificate.objects.get(member__user__username="member")
    member = certificate.member
    assert certificate.is_ready
    if member.category in ("craftsman", "both"):
        assert CraftsmanCard.objects.get(member=member).is_ready
