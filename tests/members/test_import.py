"""Member import: preview then confirm, all or nothing, a row-numbered Chinese report."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.errors import DomainError
from core.idcard import mask_id_number
from core.models import AccessLog
from members import services
from members.models import Honor, Member, MemberImport
from tests import factories as f

from .io_helpers import csv_file, new_id, private_media, row, xlsx_file  # noqa: F401

pytestmark = pytest.mark.django_db


def start(upload, actor):
    return services.member_import_start(upload=upload, actor=actor)


def import_all(upload, actor):
    job = start(upload, actor)
    if job.status == MemberImport.Status.READY:
        job = services.member_import_confirm(job=job, actor=actor)
    return job


def honour(**extra):
    return {"honor_kind": "劳动模范", "honor_level": "市级", "honor_title": "杭州市劳动模范", "honor_year": "2015",
            **extra}  # fmt: skip


def test_clean_import_creates_members_with_honours_and_history(xihu, binjiang, staff_user):
    upload = xlsx_file([
        row(name="王一", id_number=new_id(1), branch="西湖区", **honour()),
        row(name="李二", id_number=new_id(2), branch="滨江区", mobile="13900000002"),
    ])  # fmt: skip
    job = start(upload, staff_user)
    assert job.status == MemberImport.Status.READY
    assert job.report["counts"] == {"new": 2, "updated": 0, "unchanged": 0, "error": 0, "total": 2}
    assert not Member.objects.exists()  # the preview writes nothing

    job = services.member_import_confirm(job=job, actor=staff_user)

    assert job.status == MemberImport.Status.DONE
    wang = Member.objects.get(id_number=new_id(1))
    assert wang.branch == xihu and wang.category == Member.Category.MODEL_WORKER
    assert wang.birth_date.isoformat() == "1975-03-09" and wang.gender == "M"
    assert Honor.objects.get(member=wang).title == "杭州市劳动模范"
    assert wang.history.get().history_change_reason == "批量导入"
    assert Honor.history.filter(member_id=wang.pk).count() == 1
    assert Member.objects.get(id_number=new_id(2)).branch == binjiang
    assert AccessLog.objects.filter(action=AccessLog.Action.IMPORT, row_count=2).exists()
    assert not job.file  # the uploaded file with its ID numbers is gone


def test_existing_member_is_matched_by_id_number_and_updated(xihu, staff_user):
    member = f.MemberFactory(branch=xihu, id_number=new_id(3), employer="旧单位")
    job = import_all(xlsx_file([row(name=member.name, id_number=new_id(3).lower(), employer="新单位", **honour())]),
                     staff_user)  # fmt: skip
    assert job.report["counts"]["updated"] == 1
    member.refresh_from_db()
    assert member.employer == "新单位" and member.category == Member.Category.MODEL_WORKER
    assert Member.objects.count() == 1


def test_row_equal_to_the_registry_is_unchanged(xihu, staff_user):
    member = f.MemberFactory(branch=xihu, id_number=new_id(4), employer="某单位")
    job = start(xlsx_file([row(name=member.name, id_number=new_id(4), employer="某单位")]), staff_user)
    assert job.report["counts"]["unchanged"] == 1


BAD_ROWS = {
    "checksum": (
        {"id_number": new_id(5)[:-1] + ("0" if new_id(5)[-1] != "0" else "1")},
        "身份证号",
        "校验码",
    ),
    "length": ({"id_number": "33010619750309"}, "身份证号", "18位"),
    "id_date": ({"id_number": "330106197502301234"}, "身份证号", "不是有效日期"),
    "unknown_branch": ({"branch": "火星区"}, "所属分会", "不存在"),
    "impossible_birth_date": ({"birth_date": "1975-02-30"}, "出生日期", "不是有效日期"),
    "birth_date_disagrees": ({"birth_date": "1975-03-10"}, "出生日期", "不符"),
    "missing_name": ({"name": ""}, "姓名", "不能为空"),
    "missing_id": ({"id_number": ""}, "身份证号", "不能为空"),
    "unknown_honour_kind": (honour(honor_kind="劳动能手"), "荣誉类别", "无效"),
    "unknown_honour_level": (honour(honor_level="宇宙级"), "荣誉级别", "无效"),
    "future_honour_year": (honour(honor_year="2999"), "授予年份", "不可能"),
    "honour_missing_title": (honour(honor_title=""), "荣誉称号", "不能为空"),
    "id_stored_as_number": ({"id_number": "3.30106197503091E+17"}, "身份证号", "文本格式"),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_each_error_kind_is_reported_by_row_and_column_and_nothing_is_written(xihu, staff_user, case):
    values, column, words = BAD_ROWS[case]
    rows = [
        row(name="好人", id_number=new_id(6), branch="西湖区"),
        row(**{"name": "坏行", "id_number": new_id(7), "branch": "西湖区", **values}),
    ]
    job = import_all(xlsx_file(rows), staff_user)
    assert job.status == MemberImport.Status.INVALID
    errors = job.report["errors"]
    assert {"row": 3, "column": column} == {k: errors[0][k] for k in ("row", "column")}
    assert words in errors[0]["message"]
    assert not Member.objects.exists() and not Honor.objects.exists()


def test_same_id_twice_in_the_file_is_an_error(xihu, staff_user):
    rows = [
        row(name="甲", id_number=new_id(8), branch="西湖区"),
        row(name="乙", id_number=new_id(8), branch="西湖区"),
    ]
    job = import_all(xlsx_file(rows), staff_user)
    assert job.report["errors"] == [
        {"row": 3, "column": "身份证号", "message": "与第2行的身份证号重复。", "value": mask_id_number(new_id(8)),
         "name": "乙"}
    ]  # fmt: skip
    assert not Member.objects.exists()


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8", "utf-8-sig"])
def test_csv_in_gbk_gb18030_and_utf8_is_read(xihu, staff_user, encoding):
    job = import_all(csv_file([row(name="欧阳䶮" if encoding == "gb18030" else "欧阳", id_number=new_id(9),
                                   branch="西湖区", address="杭州市西湖区")], encoding=encoding), staff_user)  # fmt: skip
    assert job.status == MemberImport.Status.DONE
    member = Member.objects.get()
    assert member.name.startswith("欧阳") and member.address == "杭州市西湖区"


def test_officer_import_lands_in_the_officers_branch(xihu, binjiang, xihu_officer):
    job = import_all(xlsx_file([row(name="新人", id_number=new_id(10))]), xihu_officer)
    assert job.status == MemberImport.Status.DONE
    assert Member.objects.get().branch == xihu


def test_officer_row_for_another_branchs_member_is_an_error(xihu, binjiang, xihu_officer):
    other = f.MemberFactory(branch=binjiang, id_number=new_id(11), employer="原单位")
    rows = [
        row(name="新人", id_number=new_id(12)),
        row(name=other.name, id_number=new_id(11), employer="改掉"),
    ]
    job = import_all(xlsx_file(rows), xihu_officer)
    assert job.status == MemberImport.Status.INVALID
    assert job.report["errors"][0]["row"] == 3 and "其他分会" in job.report["errors"][0]["message"]
    other.refresh_from_db()
    assert other.branch == binjiang and other.employer == "原单位"
    assert Member.objects.count() == 1


def test_officer_row_naming_another_branch_is_an_error(xihu, binjiang, xihu_officer):
    job = import_all(xlsx_file([row(name="新人", id_number=new_id(13), branch="滨江区")]), xihu_officer)
    assert "其他分会" in job.report["errors"][0]["message"]
    assert not Member.objects.exists()


def test_officer_without_branch_cannot_import(xihu):
    nobody = f.officer(None, username="officer_nobody")
    with pytest.raises(DomainError):
        start(xlsx_file([row(name="新人", id_number=new_id(14), branch="西湖区")]), nobody)


def _xlsx_with_sheet(sheet_xml: bytes) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    good = xlsx_file([row(name="甲", id_number=new_id(15), branch="西湖区")]).read()
    with (
        zipfile.ZipFile(io.BytesIO(good)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            data = sheet_xml if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item.filename, data)
    return SimpleUploadedFile("炸弹.xlsx", buffer.getvalue())


def test_billion_laughs_workbook_is_refused(xihu, staff_user):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>'
    )
    job = import_all(_xlsx_with_sheet(laughs), staff_user)
    assert job.status == MemberImport.Status.INVALID and "实体" in job.report["fatal"]
    assert not Member.objects.exists()


def test_zip_bomb_workbook_is_refused(xihu, staff_user):
    job = import_all(_xlsx_with_sheet(b" " * (20 * 1024 * 1024)), staff_user)
    assert job.status == MemberImport.Status.INVALID and "压缩炸弹" in job.report["fatal"]


def test_file_that_is_not_a_spreadsheet_is_refused(xihu, staff_user):
    job = import_all(SimpleUploadedFile("名册.xlsx", b"MZ\x90\x00 not a workbook"), staff_user)
    assert job.status == MemberImport.Status.INVALID and ".xlsx" in job.report["fatal"]


def test_admin_preview_then_confirm(client, xihu, staff_user):
    client.force_login(staff_user)
    upload = xlsx_file([row(name="王一", id_number=new_id(16), branch="西湖区")])
    response = client.post(reverse("admin:members_member_import"), {"file": upload})
    job = MemberImport.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("admin:members_member_import_detail", args=[job.pk])).content.decode()
    assert "确认导入" in page and "33" in page and new_id(16) not in page  # masked in the preview
    client.post(reverse("admin:members_member_import_detail", args=[job.pk]))
    assert Member.objects.filter(id_number=new_id(16)).exists()


def test_another_users_import_is_not_found(client, xihu, staff_user, xihu_officer):
    job = start(xlsx_file([row(name="王一", id_number=new_id(17))]), xihu_officer)
    client.force_login(staff_user)
    assert client.get(reverse("admin:members_member_import_detail", args=[job.pk])).status_code == 404
    with pytest.raises(DomainError):
        services.member_import_confirm(job=job, actor=staff_user)


def test_import_above_threshold_runs_in_celery_with_progress(
    client, xihu, staff_user, settings, django_capture_on_commit_callbacks
):
    settings.MEMBER_IMPORT_ASYNC_ROWS = 1
    rows = [row(name=f"人{i}", id_number=new_id(20 + i), branch="西湖区") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        job = start(xlsx_file(rows), staff_user)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.READY
    with django_capture_on_commit_callbacks(execute=True):
        services.member_import_confirm(job=job, actor=staff_user)
    job.refresh_from_db()
    assert job.status == MemberImport.Status.DONE and Member.objects.count() == 3
    client.force_login(staff_user)
    progress = client.get(reverse("admin:members_member_import_progress", args=[job.pk])).json()
    assert progress["status"] == "done" and progress["done"] == progress["total"] == 3


def test_import_records_are_scoped_in_the_admin(client, xihu, binjiang, xihu_officer, binjiang_officer):
    job = start(xlsx_file([row(name="王一", id_number=new_id(30))]), binjiang_officer)
    client.force_login(xihu_officer)
    listed = client.get(reverse("admin:members_memberimport_changelist")).context["cl"].result_list
    assert job not in listed
    response = client.get(reverse("admin:members_memberimport_change", args=[job.pk]))
    missing = client.get(reverse("admin:members_memberimport_change", args=[job.pk + 999]))
    assert response.status_code == missing.status_code


@pytest.mark.parametrize(
    "name",
    [
        "member_import",
        "member_scans_bulk",
        "transfer_changelist",
        "memberimport_changelist",
        "member_changelist",
    ],
)
def test_registry_pages_open_for_an_officer(client, xihu_officer, xihu_member, name):
    client.force_login(xihu_officer)
    response = client.get(reverse(f"admin:members_{name}"))
    assert response.status_code == 200
    assert "导入" in response.content.decode() or name != "member_changelist"


def test_imported_members_get_their_top_honour_level(staff_user, xihu):
    from members.models import Member as MemberModel

    upload = xlsx_file(
        [row(name="导入甲", id_number=new_id(901), branch="西湖区", **honour(honor_level="省级"))]
    )
    job = import_all(upload, staff_user)
    assert job.status == MemberImport.Status.DONE, job.report
    assert MemberModel.objects.get(name="导入甲").top_honor_level == 2
