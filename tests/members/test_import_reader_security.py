"""The member-import reader against hostile and broken files: rows, or ImportFileError in Chinese.

Each test here was a defect (a 500, a silent misread, a DTD let through, an unbounded scan)
before the fix that came with it; the fuzz test (test_import_fuzz.py) covers the rest.
"""

import codecs
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from members import services
from members.importing import readers
from members.importing.jobs import estimate_rows
from members.importing.readers import MAX_COLUMNS, MAX_ROWS
from members.models import Member, MemberImport

from .io_helpers import private_media  # noqa: F401
from .xlsx_parts import (
    CHINESE,
    NS,
    SHEET,
    SST,
    base_workbook,
    patch_central,
    refusal,
    rows_of,
    shared,
    sheet,
    workbook,
)

ROW1 = '<row r="1"><c r="A1" t="inlineStr"><is><t>甲</t></is></c></row>'


def test_base_workbook_reads():
    assert rows_of(base_workbook()) == [
        (1, ["姓名", "身份证号"]),
        (2, ["甲", "330106197503090011"]),
        (3, ["乙", "5"]),
    ]


# ---- the archive -----------------------------------------------------------------------


def test_checksum_mismatch_is_refused():
    data = bytearray(workbook({}, method=zipfile.ZIP_STORED))
    at = data.find(b"330106197503090011")
    data[at] ^= 0x01
    assert refusal(bytes(data)).code == "xlsx_broken"


def test_corrupt_deflate_stream_is_refused():
    data = bytearray(workbook({SHEET: sheet(ROW1 * 200)}))
    start = data.find(b"PK\x03\x04", data.find(SHEET.encode()) - 40) + 30 + len(SHEET)
    data[start + 10 : start + 30] = b"\xff" * 20
    assert refusal(bytes(data)).code == "xlsx_broken"


def test_encrypted_member_is_refused():
    assert refusal(patch_central(workbook({}), SHEET, flags=0x1)).code == "xlsx_broken"


def test_unsupported_compression_method_is_refused():
    assert refusal(patch_central(workbook({}), SHEET, method=99)).code == "xlsx_broken"


def test_non_utf8_member_name_is_refused():
    data = patch_central(workbook({}, extra=[("xl/\xe9.xml", b"<a/>")]), "xl/\xe9.xml", flags=0x800)
    data = data.replace("xl/\xe9.xml".encode(), b"xl/\xff\xfe.xml")
    assert refusal(data).code == "xlsx_broken"


def test_duplicate_member_names_are_refused():
    # Which copy a reader takes differs between programs: what Excel shows may not be what is imported.
    with pytest.warns(UserWarning):
        data = workbook(
            {}, extra=[(SHEET, sheet('<row r="1"><c r="A1" t="inlineStr"><is><t>藏</t></is></c></row>'))]
        )
    assert refusal(data).code == "zip_names"


def test_member_names_differing_only_in_case_are_refused():
    # Part names are case-insensitive in the package format.
    data = workbook({}, extra=[("xl/worksheets/Sheet1.xml", sheet(ROW1))])
    assert refusal(data).code == "zip_names"


def test_ole_file_named_xlsx_gets_a_clear_message():
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    error = refusal(ole)
    assert error.code == "bad_type" and "加密" in error.message and ".xls" in error.message


# ---- the relationships ----------------------------------------------------------------


def _rels(target: str, kind: str = "worksheet", mode: str = "") -> bytes:
    return (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/{kind}"'
        f' Target="{target}" {mode}/></Relationships>'
    ).encode()


@pytest.mark.parametrize("target", ["../docProps/core.xml", "/docProps/app.xml", "../[Content_Types].xml"])
def test_first_sheet_pointing_outside_xl_is_refused(target):
    assert refusal(workbook({"xl/_rels/workbook.xml.rels": _rels(target)})).code == "xlsx_broken"


@pytest.mark.parametrize("target", ["styles.xml", "_rels/workbook.xml.rels", "workbook.xml"])
def test_first_sheet_pointing_at_another_part_of_xl_reads_as_an_empty_sheet(target):
    assert rows_of(workbook({"xl/_rels/workbook.xml.rels": _rels(target)})) == []


def test_hidden_first_sheet_is_refused():
    with zipfile.ZipFile(io.BytesIO(base_workbook())) as archive:
        book = archive.read("xl/workbook.xml").replace(b'state="visible"', b'state="hidden"')
    assert refusal(workbook({"xl/workbook.xml": book})).code == "xlsx_hidden"


def test_first_sheet_of_another_relationship_type_is_refused():
    data = workbook({"xl/_rels/workbook.xml.rels": _rels("worksheets/sheet1.xml", kind="chartsheet")})
    assert refusal(data).code == "xlsx_broken"


def test_external_sheet_target_is_refused():
    data = workbook({"xl/_rels/workbook.xml.rels": _rels("file:///etc/passwd", mode='TargetMode="External"')})
    assert refusal(data).code == "xlsx_broken"


def test_sheet_target_climbing_out_of_the_package_is_refused():
    data = workbook({"xl/_rels/workbook.xml.rels": _rels("../../../etc/passwd")})
    assert refusal(data).code == "xlsx_broken"


def test_an_entry_climbing_out_of_the_package_is_refused_by_the_one_zip_gate():
    data = workbook(
        {"xl/_rels/workbook.xml.rels": _rels("../../../etc/passwd")}, extra=[("../etc/passwd", ROW1)]
    )
    assert refusal(data).code == "zip_path"


# ---- DTDs and encodings -------------------------------------------------------------------

LAUGHS = '<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _sheet_using_shared():
    return sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>')


@pytest.mark.parametrize("pad", [0, 100_000], ids=["small", "big"])
def test_dtd_hidden_behind_a_comment_is_refused(pad):
    sst = shared("&b;", *(["x"] * (pad // 20))).replace(b"<sst", f"<!-- a <b> --> {LAUGHS}<sst".encode(), 1)
    error = refusal(workbook({SST: b'<?xml version="1.0"?>' + sst, SHEET: _sheet_using_shared()}))
    assert error.code == "xml_entities"


def test_dtd_hidden_behind_a_comment_in_the_sheet_is_refused():
    body = '<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>' * 3000
    data = sheet(body, head=f'<?xml version="1.0"?><!-- <x> -->{LAUGHS}')
    assert refusal(workbook({SHEET: data})).code == "xml_entities"


def test_dtd_behind_many_exclamation_marks_is_refused():
    # The scan looks for "!" first and falls back to "<!" when "!" is common: both must find it.
    data = sheet(ROW1, head="<!-- " + "!" * 3000 + f" -->{LAUGHS}")
    assert refusal(workbook({SHEET: data})).code == "xml_entities"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16"])
@pytest.mark.parametrize("pad", [0, 100_000], ids=["small", "big"])
def test_utf16_part_is_refused(codec, pad):
    sst = (LAUGHS + shared("&b;", *(["x"] * (pad // 20))).decode()).encode(codec)
    error = refusal(workbook({SST: sst, SHEET: _sheet_using_shared()}))
    assert error.code in ("xml_encoding", "xml_entities")


@pytest.mark.parametrize("encoding", ["GBK", "ISO-8859-1", "utf-7"])
def test_non_utf8_declared_encoding_is_refused(encoding):
    data = sheet(ROW1, head=f'<?xml version="1.0" encoding="{encoding}"?>')
    assert refusal(workbook({SHEET: data})).code == "xml_encoding"


def test_utf8_declared_encoding_and_bom_are_read():
    data = codecs.BOM_UTF8 + sheet(ROW1, head="<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n")
    assert rows_of(workbook({SHEET: data})) == [(1, ["甲"])]


# ---- the sheet's content -------------------------------------------------------------------


@pytest.mark.parametrize("index", ["1", "-1", "x", "9" * 5000])
def test_shared_string_index_out_of_range_is_refused(index):
    data = workbook({SST: shared("甲"), SHEET: sheet(f'<row r="1"><c r="A1" t="s"><v>{index}</v></c></row>')})
    assert "第1行" in refusal(data).message


@pytest.mark.parametrize("value", ["abc", "1e", "9" * 5000, "nan"])
def test_number_cell_that_is_no_number_is_refused(value):
    assert (
        "第1行" in refusal(workbook({SHEET: sheet(f'<row r="1"><c r="A1"><v>{value}</v></c></row>')})).message
    )


@pytest.mark.parametrize("number", ["0", "1048577", "9" * 5000])
def test_row_number_that_is_no_number_is_refused(number):
    assert (
        refusal(workbook({SHEET: sheet(f'<row r="{number}"><c r="A1"><v>1</v></c></row>')})).code
        == "xlsx_broken"
    )


def prefixed(rows: str) -> bytes:
    """A sheet whose elements carry a namespace prefix: the reader's event-parser path."""
    rows = rows.replace("<", "<x:").replace("<x:/", "</x:")
    return f'<x:worksheet xmlns:x="{NS[7:-1]}"><x:sheetData>{rows}</x:sheetData></x:worksheet>'.encode()


@pytest.mark.parametrize("slow", [False, True], ids=["fast", "namespaced"])
def test_cells_out_of_order_or_twice_are_refused(slow):
    # Appending them would shift the values into the wrong columns (an ID number under 姓名).
    cells = '<c r="B1"><v>1</v></c><c r="A1"><v>2</v></c>'
    data = (prefixed if slow else sheet)(f'<row r="1">{cells}</row>')
    assert "第1行" in refusal(workbook({SHEET: data})).message


@pytest.mark.parametrize("slow", [False, True], ids=["fast", "namespaced"])
def test_cells_without_reference_are_capped_at_max_columns(slow):
    data = (prefixed if slow else sheet)('<row r="1">' + "<c><v>1</v></c>" * (MAX_COLUMNS + 50) + "</row>")
    [(number, values)] = rows_of(workbook({SHEET: data}))
    assert number == 1 and len(values) == MAX_COLUMNS


def test_unclosed_rows_are_refused_not_skipped():
    # Each unclosed row used to send the row pattern to the end of the sheet: quadratic, and the row was lost.
    rows = (
        ROW1 + '<row r="2"><c r="A2" t="inlineStr"><is><t>乙</t></is></c>' * 3000 + ROW1.replace('"1"', '"3"')
    )
    assert refusal(workbook({SHEET: sheet(rows)})).code == "xlsx_broken"


def test_unclosed_cells_are_refused_not_skipped():
    rows = '<row r="1">' + '<c r="A1" t="inlineStr"><is><t>乙</t></is>' * 3000 + "</row>"
    assert refusal(workbook({SHEET: sheet(rows)})).code == "xlsx_broken"


def test_row_tag_without_end_of_tag_is_refused():
    assert refusal(workbook({SHEET: sheet(ROW1 + "<row " * 3000)})).code == "xlsx_broken"


@pytest.mark.parametrize(
    "hidden",
    [
        '<!-- <row r="9"><c r="A9" t="inlineStr"><is><t>藏</t></is></c></row> -->',
        '<?hidden <row r="9"><c r="A9" t="inlineStr"><is><t>藏</t></is></c></row> ?>',
    ],
    ids=["comment", "processing-instruction"],
)
def test_rows_hidden_where_excel_shows_nothing_are_not_imported(hidden):
    assert rows_of(workbook({SHEET: sheet(ROW1 + hidden)})) == [(1, ["甲"])]


def test_rows_outside_sheet_data_are_not_imported():
    tail = '<extLst><row r="9"><c r="A9" t="inlineStr"><is><t>藏</t></is></c></row></extLst>'
    assert rows_of(workbook({SHEET: sheet(ROW1, tail=tail)})) == [(1, ["甲"])]


def test_rows_of_a_second_sheet_data_are_not_imported():
    data = sheet(
        ROW1, tail='<sheetData><row r="9"><c r="A9" t="inlineStr"><is><t>藏</t></is></c></row></sheetData>'
    )
    assert rows_of(workbook({SHEET: data})) == [(1, ["甲"])]


def test_cdata_text_is_read():
    data = sheet('<row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[甲<乙>]]></t></is></c></row>')
    assert rows_of(workbook({SHEET: data})) == [(1, ["甲<乙>"])]


def test_formula_cell_gives_its_cached_value_as_data():
    cells = (
        '<c r="A1" t="str"><f>HYPERLINK("http://x")</f><v>=HYPERLINK("http://x")</v></c>'
        '<c r="B1"><f>1+1</f><v>2</v></c><c r="C1"><f>A1</f></c>'
    )
    assert rows_of(workbook({SHEET: sheet(f'<row r="1">{cells}</row>')})) == [
        (1, ['=HYPERLINK("http://x")', 2, None])
    ]


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(readers, "MAX_SHARED_STRINGS", 10)
    assert (
        refusal(workbook({SST: shared(*["x"] * 11), SHEET: _sheet_using_shared()})).code == "too_many_strings"
    )


def test_deeply_nested_shared_string_is_read_or_refused():
    depth = 100_000
    sst = f"<sst {NS}><si><t>甲</t>{'<r>' * depth}{'</r>' * depth}</si></sst>".encode()
    assert rows_of(workbook({SST: sst, SHEET: _sheet_using_shared()})) == [(1, ["甲"])]


# ---- CSV ----------------------------------------------------------------------------------


def test_csv_with_an_unmatched_quote_is_refused():
    data = ("姓名,身份证号\n" + '"甲,1\n' + "乙,2\n" * 40_000).encode()
    error = refusal(data, "名册.csv")
    assert error.code == "csv_broken" and "第2行" in error.message


def test_csv_formula_text_is_read_as_data():
    assert rows_of('姓名\n=HYPERLINK("http://x")\n'.encode(), "名册.csv")[1] == (
        2,
        ['=HYPERLINK("http://x")'],
    )


def test_archive_with_too_many_members_is_refused_before_reading_them():
    data = workbook({}, extra=[(f"xl/media/{i}.bin", b"") for i in range(1_001)])
    assert refusal(data).code == "zip_members"


def test_central_directory_over_its_cap_is_refused_while_zipfile_reads_it(monkeypatch):
    # With the member count out of the way, only the cap on the central directory's bytes can refuse
    # it: zipfile stops reading before it turns 25,000 entries into objects.
    monkeypatch.setattr(readers, "MAX_ARCHIVE_MEMBERS", 10**9)
    data = workbook(
        {}, method=zipfile.ZIP_STORED, extra=[(f"xl/media/{i:06d}.bin", b"") for i in range(25_000)]
    )
    assert refusal(data).code == "zip_members"


def test_archive_with_the_longest_comment_is_read():
    # zipfile looks for the end record in the last 64 kB, after trying the last 22 bytes: both reads fit.
    buffer = io.BytesIO(base_workbook())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.comment = b"x" * 65_535
    assert rows_of(buffer.getvalue())[0] == (1, ["姓名", "身份证号"])


def test_cells_at_the_far_corner_of_the_sheet_cost_nothing():
    # A dense-grid reader (python-calamine) allocates rows × columns up to the farthest cell: for this
    # 5 kB file, 550 GB, and the process aborts. Here the far column is past MAX_COLUMNS and skipped.
    rows = ROW1 + '<row r="1048576"><c r="XFD1048576"><v>2</v></c></row>'
    assert rows_of(workbook({SHEET: sheet(rows)})) == [(1, ["甲"]), (1_048_576, [])]


# ---- through the import service: the row estimate runs before the reader ---------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(lambda: patch_central(workbook({}), SHEET, flags=0x1), id="encrypted"),
        pytest.param(lambda: patch_central(workbook({}), SHEET, method=99), id="unknown-method"),
    ],
)
def test_upload_that_upsets_the_row_estimate_is_reported_not_a_500(data, xihu, staff_user):
    job = services.member_import_start(upload=SimpleUploadedFile("名册.xlsx", data()), actor=staff_user)
    assert job.status == MemberImport.Status.INVALID and CHINESE.search(job.report["fatal"])
    assert not Member.objects.exists()


@pytest.mark.parametrize(("last_row", "estimate"), [("99999999999999999999", MAX_ROWS + 1), ("0", 0)])
def test_row_estimate_stays_inside_what_the_job_can_store(last_row, estimate):
    data = workbook(
        {SHEET: sheet(ROW1).replace(b"<sheetData>", f'<dimension ref="A1:B{last_row}"/><sheetData>'.encode())}
    )
    assert estimate_rows(data, "名册.xlsx") == estimate
