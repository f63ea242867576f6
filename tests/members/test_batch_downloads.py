"""Batch download of certificates: after a bulk issue and from the certificate list.

One zip (a PDF per certificate, named serial-holder) or one merged PDF for printing, only
of certificates the user may see; revoked ones left out and listed; PDFs still rendering
answered with a Chinese message and a retry, never a file with holes or a server error.
"""

import io
import zipfile

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from core.models import AccessLog
from members import services
from members.models import Certificate, RenderState
from tests import factories as f
from tests.members.documents_helpers import pdf_tool

pytestmark = pytest.mark.django_db

BATCH = "admin:members_certificate_batch"


def _issue(member, actor, *, render=True):
    certificate = services.certificate_issue(member=member, actor=actor, purpose="疗休养")
    if render:
        services.certificate_render(certificate_id=certificate.pk)
    certificate.refresh_from_db()
    return certificate


@pytest.fixture
def xihu_certificates(xihu, xihu_member, staff_user):
    second = f.MemberFactory(branch=xihu, name="西湖丙")
    f.HonorFactory(member=second, title="浙江省劳动模范", level=2, year=2015)
    return [_issue(xihu_member, staff_user), _issue(second, staff_user)]


@pytest.fixture
def binjiang_certificate(binjiang_member, staff_user):
    return _issue(binjiang_member, staff_user)


def _url(certificates, fmt=None):
    query = "ids=" + ",".join(str(c.pk) for c in certificates)
    return f"{reverse(BATCH)}?{query}" + (f"&format={fmt}" if fmt else "")


def _downloads():
    return AccessLog.objects.filter(action=AccessLog.Action.DOWNLOAD, target__startswith="劳模证明批量下载")


# After a bulk issue ---------------------------------------------------------------------


def test_bulk_issue_ends_on_a_result_page_offering_one_download(
    client, staff_user, xihu_member, binjiang_member
):
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:members_member_changelist"),
        {"action": "issue_certificates", ACTION_CHECKBOX_NAME: [xihu_member.pk, binjiang_member.pk],
         "apply": "1", "purpose": "疗休养"},
    )  # fmt: skip
    page = response.content.decode()
    issued = list(Certificate.objects.order_by("number"))
    assert response.status_code == 200 and len(issued) == 2
    assert "劳模证明已开具" in page and "下载合并PDF（打印用）" in page and "下载压缩包" in page
    for certificate in issued:
        assert certificate.serial in page and certificate.holder_name in page
    assert _url(issued, "pdf").replace("&", "&amp;") in page


def test_pending_pdfs_get_a_message_and_a_retry_not_a_file(client, staff_user, xihu_member, binjiang_member):
    # Rendering runs in Celery after commit; here the commit never comes, so both stay 生成中.
    pending = [
        _issue(xihu_member, staff_user, render=False),
        _issue(binjiang_member, staff_user, render=False),
    ]
    client.force_login(staff_user)
    for fmt in ("zip", "pdf"):
        response = client.get(_url(pending, fmt))
        page = response.content.decode()
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert "还有 2 份证明的PDF正在生成" in page and "重试" in page
        assert '<meta http-equiv="refresh" content="10">' in page
    assert not _downloads().exists()
    # Once rendered, the same link gives the file.
    for certificate in pending:
        services.certificate_render(certificate_id=certificate.pk)
    response = client.get(_url(pending, "zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"


# The files ------------------------------------------------------------------------------


def test_staff_zip_holds_one_named_pdf_per_certificate_and_is_logged(
    client, staff_user, xihu_certificates, binjiang_certificate
):
    certificates = [*xihu_certificates, binjiang_certificate]
    client.force_login(staff_user)
    response = client.get(_url(certificates, "zip"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and "no-store" in response["Cache-Control"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.testzip() is None
    expected = [f"{c.serial}-{c.holder_name}.pdf" for c in sorted(certificates, key=lambda c: c.number)]
    assert archive.namelist() == expected
    for certificate, name in zip(sorted(certificates, key=lambda c: c.number), expected, strict=True):
        assert archive.read(name) == certificate.pdf.open("rb").read()  # the issued file, unchanged
    log = _downloads().get()
    assert log.user == staff_user and log.row_count == 3 and log.detail["format"] == "zip"
    assert sorted(log.detail["certificate_ids"]) == sorted(c.pk for c in certificates)


def test_merged_pdf_has_every_certificate_in_serial_order_with_embedded_fonts(
    client, staff_user, xihu_certificates, binjiang_certificate, tmp_path
):
    certificates = [binjiang_certificate, *xihu_certificates]  # asked out of order
    client.force_login(staff_user)
    response = client.get(_url(certificates, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content)
    assert "Pages:           3" in pdf_tool("pdfinfo", content, tmp_path)
    text = pdf_tool("pdftotext", content, tmp_path)
    ordered = sorted(certificates, key=lambda c: c.number)
    positions = [text.index(c.serial) for c in ordered]
    assert positions == sorted(positions)
    pages = text.split("\f")
    for page, certificate in zip(pages, ordered, strict=False):
        assert certificate.serial in page and certificate.holder_name in page
    fonts = pdf_tool("pdffonts", content, tmp_path).splitlines()[2:]
    assert fonts and all(
        "+HZLM-Serif-SC" in line and line.split()[-5:-2] == ["yes", "yes", "yes"] for line in fonts
    )
    assert _downloads().get().row_count == 3


def test_revoked_certificates_are_listed_and_left_out(client, staff_user, xihu_certificates, tmp_path):
    kept, revoked = xihu_certificates
    services.certificate_revoke(certificate=revoked, actor=staff_user, reason="荣誉称号撤销")
    client.force_login(staff_user)
    page = client.get(_url(xihu_certificates)).content.decode()
    assert "已撤销 1 份（不含在下载中）" in page and "荣誉称号撤销" in page and revoked.serial in page
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(_url(xihu_certificates, "zip")).streaming_content))
    )
    assert archive.namelist() == [f"{kept.serial}-{kept.holder_name}.pdf"]
    content = b"".join(client.get(_url(xihu_certificates, "pdf")).streaming_content)
    text = pdf_tool("pdftotext", content, tmp_path)
    assert kept.serial in text and revoked.serial not in text


def test_only_revoked_selected_offers_nothing(client, staff_user, xihu_certificates):
    revoked = xihu_certificates[1]
    services.certificate_revoke(certificate=revoked, actor=staff_user, reason="误开")
    client.force_login(staff_user)
    response = client.get(_url([revoked], "zip"))
    assert response.status_code == 200 and "所选证明中没有可下载的PDF" in response.content.decode()
    assert not _downloads().exists()


def test_a_failed_render_is_listed_and_the_rest_downloads(client, staff_user, xihu_certificates):
    failed = xihu_certificates[1]
    Certificate.objects.filter(pk=failed.pk).update(render_state=RenderState.FAILED, pdf="")
    client.force_login(staff_user)
    page = client.get(_url(xihu_certificates)).content.decode()
    assert "生成失败 1 份" in page and "重新生成PDF" in page
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(client.get(_url(xihu_certificates, "zip")).streaming_content))
    )
    assert archive.namelist() == [f"{xihu_certificates[0].serial}-{xihu_certificates[0].holder_name}.pdf"]


def test_unsafe_characters_in_a_name_do_not_reach_the_zip_path(staff_user, xihu):
    member = f.MemberFactory(branch=xihu, name="王/..\\五")
    f.HonorFactory(member=member)
    certificate = _issue(member, staff_user)
    assert services.certificate_file_name(certificate) == f"{certificate.serial}-王_.._五.pdf"


# Scoping and roles ----------------------------------------------------------------------


def test_officer_downloads_own_branch(client, xihu_officer, xihu_certificates):
    client.force_login(xihu_officer)
    response = client.get(_url(xihu_certificates, "zip"))
    assert response.status_code == 200
    assert len(zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()) == 2
    assert _downloads().get().user == xihu_officer


@pytest.mark.parametrize("fmt", [None, "zip", "pdf"])
def test_other_branch_ids_are_refused_like_missing(
    client, xihu_officer, xihu_certificates, binjiang_certificate, fmt
):
    client.force_login(xihu_officer)
    assert client.get(_url([binjiang_certificate], fmt)).status_code == 404
    mixed = client.get(_url([*xihu_certificates, binjiang_certificate], fmt))
    assert mixed.status_code == 404 and binjiang_certificate.serial.encode() not in mixed.content
    missing = client.get(f"{reverse(BATCH)}?ids=999999" + (f"&format={fmt}" if fmt else ""))
    assert missing.status_code == 404
    assert not _downloads().exists()


@pytest.mark.parametrize("who", ["member", "visitor"])
def test_members_and_visitors_get_no_file(client, xihu_member, xihu_certificates, who):
    if who == "member":
        client.force_login(f.member_user(xihu_member))
    response = client.get(_url(xihu_certificates, "zip"))
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not _downloads().exists()


@pytest.mark.parametrize(
    "ids, message",
    [
        ("", "没有选择证明"),
        ("abc", "无法识别"),
        ("1,-2", "无法识别"),
        ("9" * 40, "无法识别"),
        (",".join(["1"] * 501), "一次最多下载500份"),
    ],
)
def test_malformed_selection_gets_a_chinese_answer(client, staff_user, ids, message):
    client.force_login(staff_user)
    response = client.get(f"{reverse(BATCH)}?ids={ids}&format=zip")
    assert response.status_code == 400 and message in response.content.decode()


# The action on the certificate list -----------------------------------------------------


def _action(client, ids):
    return client.post(
        reverse("admin:members_certificate_changelist"),
        {"action": "batch_download", ACTION_CHECKBOX_NAME: ids, "select_across": "0"},
    )


def test_changelist_action_leads_to_the_batch_page(
    client, staff_user, xihu_certificates, binjiang_certificate
):
    client.force_login(staff_user)
    assert "批量下载所选证明" in client.get(reverse("admin:members_certificate_changelist")).content.decode()
    selected = [*xihu_certificates, binjiang_certificate]
    response = _action(client, [c.pk for c in selected])
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "共选择 3 份：可下载 3 份" in page
    assert all(c.serial in page for c in selected)


def test_officer_action_drops_other_branch_selection(
    client, xihu_officer, xihu_certificates, binjiang_certificate
):
    client.force_login(xihu_officer)
    response = _action(client, [xihu_certificates[0].pk, binjiang_certificate.pk])
    assert response.status_code == 302 and response["Location"] == _url([xihu_certificates[0]])
    only_other = _action(client, [binjiang_certificate.pk])
    assert only_other.status_code == 302 and reverse(BATCH) not in only_other["Location"]


def test_action_past_the_limit_is_refused_with_a_message(client, staff_user, xihu_certificates, monkeypatch):
    monkeypatch.setattr(services, "CERTIFICATE_BATCH_LIMIT", 1)
    client.force_login(staff_user)
    response = _action(client, [c.pk for c in xihu_certificates])
    assert response.status_code == 302 and reverse(BATCH) not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "一次最多下载" in page and "分批下载" in page


@pytest.mark.parametrize("fmt", ["zip", "pdf"])
def test_a_stored_file_gone_or_damaged_gets_a_message_not_a_server_error(
    client, staff_user, xihu_certificates, fmt
):
    gone, damaged = xihu_certificates
    gone.pdf.storage.delete(gone.pdf.name)
    client.force_login(staff_user)
    response = client.get(_url([gone], fmt))
    assert response.status_code == 200 and "无法读取" in response.content.decode()
    with damaged.pdf.storage.open(damaged.pdf.name, "wb") as handle:
        handle.write(b"%PDF-1.7 not really")
    if fmt == "pdf":
        response = client.get(_url([damaged], fmt))
        assert response.status_code == 200 and "无法读取" in response.content.decode()
    assert not _downloads().exists()
