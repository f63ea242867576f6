"""Scanned registration forms: content-checked uploads, bulk .zip matching, hostile archives, scoped downloads."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import DomainError
from core.models import AccessLog
from members import services
from members.models import RegistrationScan
from tests import factories as f

from .io_helpers import PDF, private_media, zip_file  # noqa: F401

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return buffer.getvalue()


PNG = _png()


def test_scan_is_attached_after_its_content_is_checked(xihu_officer, xihu_member):
    scan = services.registration_scan_add(
        member=xihu_member, upload=SimpleUploadedFile("登记表.pdf", PDF), actor=xihu_officer
    )
    assert scan.kind == "pdf" and scan.uploaded_by == xihu_officer
    assert scan.file.read() == PDF


def test_renamed_file_is_refused_with_a_chinese_reason(xihu_officer, xihu_member):
    with pytest.raises(DomainError, match="不是允许的类型"):
        services.registration_scan_add(
            member=xihu_member, upload=SimpleUploadedFile("登记表.pdf", b"MZ\x90\x00evil"), actor=xihu_officer
        )
    assert not RegistrationScan.objects.exists()


def test_officer_cannot_attach_to_another_branchs_member(xihu_officer, binjiang_member):
    with pytest.raises(DomainError):
        services.registration_scan_add(
            member=binjiang_member, upload=SimpleUploadedFile("a.pdf", PDF), actor=xihu_officer
        )


def test_zip_files_are_matched_by_id_number_in_the_name(xihu_officer, xihu_member, binjiang_member):
    archive = zip_file({
        f"登记表/{xihu_member.id_number}-登记表.pdf": PDF,
        f"{xihu_member.id_number}_2.png": PNG,
        "无号码.pdf": PDF,
        f"{binjiang_member.id_number}.pdf": PDF,  # another branch: not visible, so unmatched
        f"{xihu_member.id_number}-病毒.pdf": b"MZ\x90\x00",
    })  # fmt: skip
    report = services.registration_scans_from_zip(archive=archive, actor=xihu_officer)
    assert sorted(r["file"] for r in report["matched"]) == [
        f"{xihu_member.id_number}_2.png", f"登记表/{xihu_member.id_number}-登记表.pdf",
    ]  # fmt: skip
    assert sorted(r["file"] for r in report["unmatched"]) == sorted(
        [f"{binjiang_member.id_number}.pdf", "无号码.pdf"]
    )
    assert [r["file"] for r in report["rejected"]] == [f"{xihu_member.id_number}-病毒.pdf"]
    assert RegistrationScan.objects.filter(member=xihu_member).count() == 2
    assert not RegistrationScan.objects.filter(member=binjiang_member).exists()


@pytest.mark.parametrize("name", ["../../etc/x.pdf", "/abs/x.pdf", "a/../../x.pdf", "..\\..\\x.pdf"])
def test_path_traversal_in_zip_refuses_the_whole_archive(xihu_officer, xihu_member, name):
    archive = zip_file({f"{xihu_member.id_number}.pdf": PDF, name: PDF})
    with pytest.raises(DomainError, match="不安全的路径"):
        services.registration_scans_from_zip(archive=archive, actor=xihu_officer)
    assert not RegistrationScan.objects.exists()


def test_zip_bomb_refuses_the_whole_archive(xihu_officer, xihu_member):
    archive = zip_file({f"{xihu_member.id_number}.pdf": PDF, "bomb.pdf": b"\0" * (30 * 1024 * 1024)})
    with pytest.raises(DomainError, match="压缩炸弹"):
        services.registration_scans_from_zip(archive=archive, actor=xihu_officer)
    assert not RegistrationScan.objects.exists()


def test_bulk_upload_page_shows_the_report(client, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    archive = zip_file({f"{xihu_member.id_number}.pdf": PDF, "其他.pdf": PDF})
    body = client.post(reverse("admin:members_member_scans_bulk"), {"archive": archive}).content.decode()
    assert "已匹配并附加：1个" in body and "未匹配：1个" in body


def test_download_is_scoped_and_logged(client, xihu_officer, binjiang_officer, xihu_member):
    scan = services.registration_scan_add(member=xihu_member, upload=SimpleUploadedFile("a.pdf", PDF),
                                          actor=xihu_officer)  # fmt: skip
    url = reverse("admin:members_member_scan_download", args=[scan.pk])
    client.force_login(binjiang_officer)
    assert client.get(url).status_code == 404
    assert not AccessLog.objects.exists()
    client.force_login(xihu_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    entry = AccessLog.objects.get()
    assert entry.action == AccessLog.Action.DOWNLOAD and entry.username == "officer_xihu"


def test_stored_scan_has_no_public_url(xihu_officer, xihu_member):
    scan = services.registration_scan_add(member=xihu_member, upload=SimpleUploadedFile("a.pdf", PDF),
                                          actor=xihu_officer)  # fmt: skip
    with pytest.raises(ValueError):
        scan.file.url  # noqa: B018
    assert xihu_member.id_number not in scan.file.name


def test_member_change_page_lists_scans_with_download_link(client, staff_user, xihu_member, xihu_officer):
    scan = services.registration_scan_add(member=xihu_member, upload=SimpleUploadedFile("a.pdf", PDF),
                                          actor=xihu_officer)  # fmt: skip
    client.force_login(staff_user)
    body = client.get(reverse("admin:members_member_change", args=[xihu_member.pk])).content.decode()
    assert reverse("admin:members_member_scan_download", args=[scan.pk]) in body


def test_officer_without_branch_downloads_nothing(client, xihu_officer, xihu_member):
    scan = services.registration_scan_add(member=xihu_member, upload=SimpleUploadedFile("a.pdf", PDF),
                                          actor=xihu_officer)  # fmt: skip
    client.force_login(f.officer(None, username="officer_nobody"))
    assert client.get(reverse("admin:members_member_scan_download", args=[scan.pk])).status_code == 404


def _member_page_data(member, files):
    data = {"name": member.name, "ethnicity": "汉族", "status": "active", "honors-TOTAL_FORMS": 0,
            "honors-INITIAL_FORMS": 0, "scans-TOTAL_FORMS": len(files), "scans-INITIAL_FORMS": 0}  # fmt: skip
    for index, upload in enumerate(files):
        data[f"scans-{index}-file"] = upload
        data[f"scans-{index}-note"] = f"第{index + 1}页"
    return data


def test_scan_uploaded_on_the_member_page_is_attached(client, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    data = _member_page_data(xihu_member, [SimpleUploadedFile("登记表.pdf", PDF)])
    response = client.post(reverse("admin:members_member_change", args=[xihu_member.pk]), data)
    assert response.status_code == 302
    scan = RegistrationScan.objects.get()
    assert scan.member == xihu_member and scan.uploaded_by == xihu_officer and scan.note == "第1页"


def test_renamed_file_on_the_member_page_is_refused_and_nothing_saved(client, xihu_officer, xihu_member):
    client.force_login(xihu_officer)
    files = [SimpleUploadedFile("登记表.pdf", PDF), SimpleUploadedFile("假的.pdf", b"MZ\x90\x00")]
    response = client.post(reverse("admin:members_member_change", args=[xihu_member.pk]),
                           _member_page_data(xihu_member, files))  # fmt: skip
    assert response.status_code == 200 and "不是允许的类型" in response.content.decode()
    assert not RegistrationScan.objects.exists()
