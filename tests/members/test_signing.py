"""Every certificate and 匠心卡 is stored signed with the association's key; no key, no file."""

from pathlib import Path

import pytest
from django.urls import reverse

from core import signing
from members import services
from members.models import Certificate, CraftsmanCard, RenderState
from members.tasks import RENDER_TASK_OPTIONS
from members.verification import document_named
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db


def _stored(document) -> bytes:
    document.refresh_from_db()
    with document.pdf.open("rb") as stored:
        return stored.read()


def test_certificate_issued_in_the_admin_is_stored_signed(
    client, staff_user, xihu_member, django_capture_on_commit_callbacks, tmp_path
):
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_certificate_add"), {"member": xihu_member.pk, "purpose": "办理公园年卡"}
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    content = _stored(certificate)
    report = signing.inspect_pdf(content)
    assert report.verdict == signing.GENUINE
    assert (report.kind, report.identifier) == ("劳模证明", certificate.serial)
    out = pdf_tool("pdfsig", content, tmp_path)
    assert "Signature is Valid" in out and "Total document signed" in out


def test_signature_reason_names_the_serial(xihu_member, staff_user, on_commit):
    certificate = on_commit(
        services.certificate_issue, member=xihu_member, actor=staff_user, purpose="疗休养"
    )
    content = _stored(certificate)
    assert signing.parse_reason(f"杭州市劳模工匠协会 劳模证明 {certificate.serial}") == (
        "劳模证明",
        certificate.serial,
    )
    assert signing.inspect_pdf(content).identifier == certificate.serial


def test_card_is_stored_signed_with_its_number(xihu, staff_user, on_commit, tmp_path):
    card = on_commit(services.card_issue, member=f.craftsman(xihu), actor=staff_user)
    content = _stored(card)
    report = signing.inspect_pdf(content)
    assert report.verdict == signing.GENUINE and (report.kind, report.identifier) == ("匠心卡", card.number)
    assert "Signature is Valid" in pdf_tool("pdfsig", content, tmp_path)


def test_forced_re_render_is_signed_again(xihu_member, staff_user, on_commit):
    certificate = on_commit(
        services.certificate_issue, member=xihu_member, actor=staff_user, purpose="疗休养"
    )
    first = _stored(certificate)
    assert services.certificate_render(certificate_id=certificate.pk, force=True) is True
    again = _stored(certificate)
    assert again != first and signing.inspect_pdf(again).verdict == signing.GENUINE


@pytest.mark.parametrize("model", ["certificate", "card"])
def test_without_a_key_rendering_fails_and_stores_nothing(model, xihu, staff_user, settings, tmp_path):
    settings.SIGNING_KEY_FILE = str(tmp_path / "no-key.pem")
    if model == "certificate":
        member = f.MemberFactory(branch=xihu)
        f.HonorFactory(member=member)
        document = services.certificate_issue(member=member, actor=staff_user, purpose="疗休养")
        render = lambda: services.certificate_render(certificate_id=document.pk)  # noqa: E731
    else:
        document = services.card_issue(member=f.craftsman(xihu), actor=staff_user)
        render = lambda: services.card_render(card_id=document.pk)  # noqa: E731
    root = Path(type(document)._meta.get_field("pdf").storage.location)
    before = _files(root)
    assert render() is False  # recorded, not raised: a retry cannot help, an eager request must not fail
    document.refresh_from_db()
    assert document.render_state == RenderState.FAILED and not document.pdf
    assert (
        document.render_error
        == "未配置协会签名证书，请运行 manage.py signing_keygen 或配置 SIGNING_KEY_FILE。"
    )
    assert _files(root) == before


def _files(root: Path) -> dict:
    return {p: p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def test_without_a_key_the_render_task_is_not_retried_as_a_storage_error():
    """The render tasks retry OSError (a storage outage); a missing key is not one."""
    assert not issubclass(signing.SigningNotConfigured, RENDER_TASK_OPTIONS["autoretry_for"])


def test_a_stored_card_and_certificate_are_not_each_other(xihu, xihu_member, staff_user, on_commit):
    """The kind in the signature must match the document found: a card number signed as a
    certificate finds nothing."""
    card = on_commit(services.card_issue, member=f.craftsman(xihu), actor=staff_user)
    assert CraftsmanCard.objects.filter(number=card.number).exists()
    assert document_named("劳模证明", card.number) is None
    assert document_named("匠心卡", card.number) == card


def test_admin_issue_without_a_key_shows_the_reason_not_an_error(
    client, staff_user, xihu_member, settings, tmp_path, django_capture_on_commit_callbacks
):
    """Eager rendering (no broker: development) in the request that issues: no 500, the
    certificate is 生成失败 with the Chinese reason on its admin page."""
    settings.SIGNING_CERT_FILE = str(tmp_path / "no-cert.pem")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:members_certificate_add"), {"member": xihu_member.pk, "purpose": "办理公园年卡"}
        )
    assert response.status_code == 302
    certificate = Certificate.objects.get()
    assert certificate.render_state == RenderState.FAILED and not certificate.pdf
    page = client.get(reverse("admin:members_certificate_change", args=[certificate.pk]))
    assert "未配置协会签名证书" in page.content.decode()


def test_a_serial_the_signature_cannot_name_fails_the_render_only(xihu_member, staff_user):
    certificate = services.certificate_issue(member=xihu_member, actor=staff_user, purpose="疗休养")
    Certificate.objects.filter(pk=certificate.pk).update(serial="X-不合格式")
    assert services.certificate_render(certificate_id=certificate.pk) is False
    certificate.refresh_from_db()
    assert certificate.render_state == RenderState.FAILED and "签名理由格式不正确" in certificate.render_error
