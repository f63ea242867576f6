"""The shared mechanisms other apps build on: spreadsheets, uploads, renderer, notifications, audit."""

import io
import subprocess

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from PIL import Image

from core import documents
from core.audit import access_log_record
from core.models import AccessLog
from core.notifications import LocmemSmsBackend, send_sms
from core.spreadsheets import csv_bytes, xlsx_bytes
from core.uploads import validate_image, validate_scan


def test_xlsx_neutralises_formulas_and_keeps_ids_as_text():
    content = xlsx_bytes(
        ["姓名", "身份证号"],
        [["=cmd|' /C calc'!A0", "330106197503091234"], ["@SUM(1)", None]],
        text_columns=[1],
    )
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A3"].value == "'@SUM(1)"
    assert sheet["B2"].value == "330106197503091234" and sheet["B2"].data_type == "s"


def test_csv_has_bom_and_neutralised_cells():
    text = csv_bytes(["a"], [["+1"], ["-2"], ["\t3"], ["ok"]]).decode("utf-8")
    assert text.startswith("\ufeff")
    assert "'+1" in text and "'-2" in text and "ok" in text


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_upload_checks_content_not_name():
    validate_scan(SimpleUploadedFile("scan.pdf", b"%PDF-1.7\n..."))
    validate_image(SimpleUploadedFile("photo.jpg", png_bytes()))  # a PNG named .jpg is still an image
    with pytest.raises(ValidationError) as exc:
        validate_scan(SimpleUploadedFile("scan.pdf", b"MZ\x90\x00 not a pdf"))
    assert "不是允许的类型" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        validate_image(SimpleUploadedFile("x.png", b"\x89PNG\r\n\x1a\n broken"))
    with pytest.raises(ValidationError) as exc:
        validate_image(SimpleUploadedFile("x.pdf", b"%PDF-1.4"))
    assert "JPEG、PNG" in exc.value.messages[0]


def test_renderer_refuses_local_files_and_urls(tmp_path, settings):
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}]
    (tmp_path / "hostile.html").write_text(
        '<html><body><p>正文</p><img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png">'
        '<link rel="attachment" href="file:///etc/hostname"></body></html>'
    )
    pdf = documents.render_pdf("hostile.html", {})
    assert pdf.startswith(b"%PDF")
    assert b"root:" not in pdf
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "root:" not in text
    with pytest.raises(documents.RefusedFetch):
        documents.StaticOnlyFetcher().fetch("file:///etc/passwd")
    with pytest.raises(documents.RefusedFetch):
        documents.StaticOnlyFetcher().fetch("http://127.0.0.1:9/")


def test_renderer_serves_static_files():
    response = documents.StaticOnlyFetcher().fetch(
        (documents.allowed_roots()[0] / "css" / "site.css").as_uri()
    )
    assert b"--red" in response.read()


def test_locmem_sms_backend_keeps_messages():
    LocmemSmsBackend.outbox.clear()
    send_sms(mobile="13800000000", text="生日快乐")
    assert LocmemSmsBackend.outbox[-1]["text"] == "生日快乐"


@pytest.mark.django_db
def test_access_log_records_who_what_where(rf, staff_user):
    request = rf.get("/", REMOTE_ADDR="10.1.2.3")
    access_log_record(user=staff_user, action="export", target="劳模工匠名册", request=request, row_count=12)
    entry = AccessLog.objects.get()
    assert (entry.username, entry.ip_address, entry.row_count) == ("staff", "10.1.2.3", 12)


@pytest.mark.django_db
def test_access_log_is_read_only_in_admin(client, staff_user, xihu_officer):
    from django.urls import reverse

    access_log_record(user=staff_user, action="export", target="x")
    client.force_login(staff_user)
    assert client.get(reverse("admin:core_accesslog_changelist")).status_code == 200
    assert client.get(reverse("admin:core_accesslog_add")).status_code == 403
    entry = AccessLog.objects.get()
    client.post(reverse("admin:core_accesslog_delete", args=[entry.pk]), {"post": "yes"})
    assert AccessLog.objects.filter(pk=entry.pk).exists()
    client.force_login(xihu_officer)
    assert client.get(reverse("admin:core_accesslog_changelist")).status_code == 403
