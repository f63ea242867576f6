"""Read uploaded tables safely and fast: .xlsx (streamed XML, defused) and .csv (UTF-8 or GB18030).

The first worksheet is read straight from the archive, after checking the archive against
size, ratio and member caps (zip bombs fail before anything is inflated) and each XML part for
UTF-8 and no DTD (billion-laughs and external entities fail before any parser runs).

Why not a library (benchmarks/xlsx_readers.py, issue 17): openpyxl, even read-only, is several
times slower. python-calamine is faster, but it reads a dense grid up to the farthest cell (a
5 kB file with a cell at XFD1048576 aborts the process asking for 550 GB), and it silently
reads what this reader refuses with a row number: unclosed rows, shared-string indexes out of
range, non-numbers in number cells, row numbers past Excel's last row. Closing those gaps would
mean scanning the sheet here first, which is most of what this reader does anyway.
"""

import codecs
import csv
import datetime
import html
import io
import lzma
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from core.errors import DomainError
from core.zipsafety import zip_check, zip_read

MAX_UPLOAD_BYTES = 50 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_ARCHIVE_MEMBERS = 1_000
MAX_CENTRAL_DIRECTORY_BYTES = 1024 * 1024  # about 100 bytes an entry in real workbooks
ZIP_END_RECORDS_BYTES = 2 * (22 + 65_535) + 56 + 20  # end record with the longest comment, twice; Zip64's
MAX_SHARED_STRINGS = 5_000_000  # MAX_ROWS rows of 25 distinct texts; about 0.5 GB of Python strings
MAX_SHEET_ROW_NUMBER = 1_048_576  # Excel's last row
MAX_ROWS = 200_000
MAX_COLUMNS = 100

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CELL_REF = re.compile(r"([A-Z]+)(\d+)")
WORKSHEET_REL_TYPES = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/worksheet",
)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and Excel files protected by a password
XML_ENCODING = re.compile(rb"""<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
# What zipfile and its decompressors raise on a damaged, encrypted or exotic archive.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, NotImplementedError,
              RuntimeError)  # fmt: skip


class ImportFileError(DomainError):
    code = "import_file"


class _CountedReads(io.BytesIO):
    """The upload, counting what zipfile reads from it while the archive is opened."""

    def __init__(self, data: bytes, budget: int):
        super().__init__(data)
        self.budget: int | None = budget

    def read(self, size=-1, /) -> bytes:
        if self.budget is not None:
            left = len(self.getbuffer()) - self.tell()
            wanted = left if size is None or size < 0 else min(size, left)
            self.budget -= max(wanted, 0)
            if self.budget < 0:
                raise ImportFileError("Excel文件包含的文件过多，已拒绝。", code="zip_members")
        return super().read(size)


def open_zip(data: bytes, *, what: str) -> zipfile.ZipFile:
    """The archive, its central directory capped while zipfile reads it.

    Opening reads the end records (at most the last 64 kB twice, and the Zip64 ones) and then
    the central directory, turning every entry into an object: a small upload can list a
    million empty entries. The reads are counted as zipfile makes them, so the cap holds for
    the figures zipfile itself trusts, and reading stops before the entries are built."""
    broken = ImportFileError(f"{what}已损坏，无法读取。", code="xlsx_broken")
    handle = _CountedReads(data, MAX_CENTRAL_DIRECTORY_BYTES + ZIP_END_RECORDS_BYTES)
    try:
        archive = zipfile.ZipFile(handle)
    except ImportFileError:
        raise ImportFileError(f"{what}包含的文件过多，已拒绝。", code="zip_members") from None
    except ZIP_ERRORS:
        raise broken from None
    handle.budget = None  # the members are read with their own caps (_read_member)
    if len(archive.infolist()) > MAX_ARCHIVE_MEMBERS:
        archive.close()
        raise ImportFileError(f"{what}包含的文件过多，已拒绝。", code="zip_members")
    return archive


def _read_member(archive: zipfile.ZipFile, name: str, limit: int) -> bytes:
    return zip_read(
        archive, name, limit=limit, what="Excel文件", error=ImportFileError, broken_code="xlsx_broken"
    )


def _parse(data: bytes, events=("end",)):
    """Parse a part of the workbook. A DTD is refused outright: without one, expat expands no
    custom entity (billion-laughs) and fetches no external one; that lets the big parts use the
    C-accelerated parser, while defusedxml's pure-Python one guards the small parts."""
    data = _check_xml(data)
    parser = iterparse if len(data) < 65536 else ElementTree.iterparse
    try:
        yield from parser(io.BytesIO(data), events=events)
    except DefusedXmlException:
        raise ImportFileError("Excel文件含有不允许的XML实体定义，已拒绝。", code="xml_entities") from None
    except Exception:
        raise ImportFileError("Excel文件已损坏，无法读取。", code="xlsx_broken") from None


def _check_xml(data: bytes) -> bytes:
    """A part as UTF-8 XML without a byte order mark, or ImportFileError.

    Only UTF-8 is accepted, so that the byte scan for a DOCTYPE below sees what expat will
    see (UTF-16, declared or detected from the first bytes, would hide it). The scan covers
    the whole part: a DOCTYPE behind a comment or a processing instruction counts too."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    declared = XML_ENCODING.match(data, 0, 200) if data.startswith(b"<?xml") else None
    if (
        not data.startswith(b"<")
        or b"\x00" in data[:64]
        or (declared and declared.group(1).lower() not in (b"utf-8", b"utf8"))
    ):
        raise ImportFileError(
            "Excel文件的XML编码不受支持（只支持UTF-8），请用Excel另存为.xlsx后再导入。", code="xml_encoding"
        )
    at = _find_markup(data, b"!", 0)
    while at != -1:
        if data[at + 2 : at + 9].upper() == b"DOCTYPE":
            raise ImportFileError("Excel文件含有不允许的XML实体定义，已拒绝。", code="xml_entities")
        at = _find_markup(data, b"!", at + 2)
    return data


def _find_markup(data: bytes, char: bytes, start: int) -> int:
    """Where the next "<" + char is: by the rare char alone (memchr, about 40 times faster than a
    two-byte search on tag-dense XML), or by the two bytes once the char turns out to be common."""
    for _ in range(1_000):
        at = data.find(char, start)
        if at == -1:
            return -1
        if at > 0 and data[at - 1] == 0x3C:  # "<"
            return at - 1
        start = at + 1
    return data.find(b"<" + char, start - 1)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names:
        raise ImportFileError("不是有效的Excel（.xlsx）文件。", code="xlsx_broken")
    rel_id = None
    for _, el in _parse(_read_member(archive, "xl/workbook.xml", 10 * 1024 * 1024)):
        if el.tag == f"{NS_MAIN}sheet":
            rel_id = el.get(f"{NS_REL}id")
            if el.get("state") in ("hidden", "veryHidden"):
                # The rows imported must be the rows the officer sees when opening the file.
                raise ImportFileError(
                    "第一个工作表是隐藏的，请取消隐藏或删除它后再导入。", code="xlsx_hidden"
                )
            break
    target, kind, mode = None, WORKSHEET_REL_TYPES[0], None
    rels = "xl/_rels/workbook.xml.rels"
    if rel_id and rels in names:
        for _, el in _parse(_read_member(archive, rels, 10 * 1024 * 1024)):
            if el.tag == f"{NS_PKG_REL}Relationship" and el.get("Id") == rel_id:
                target, kind, mode = el.get("Target"), el.get("Type"), el.get("TargetMode")
                break
    if not target:
        target = "worksheets/sheet1.xml"
    path = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target))
    # Only a worksheet inside the package's xl/ folder: not styles, not [Content_Types], not a URL.
    if (
        kind not in WORKSHEET_REL_TYPES
        or mode == "External"
        or not path.startswith("xl/")
        or path not in names
    ):
        raise ImportFileError("Excel文件中找不到工作表。", code="xlsx_broken")
    return path


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings: list[str] = []
    si, t, r = f"{NS_MAIN}si", f"{NS_MAIN}t", f"{NS_MAIN}r"
    # End events only: asking for start events too (to drop each finished <si> from the root)
    # made this loop half as fast; the emptied <si> shells left behind are bounded by the cap.
    for _, el in _parse(_read_member(archive, "xl/sharedStrings.xml", MAX_UNCOMPRESSED_BYTES)):
        if el.tag == si:
            if len(strings) >= MAX_SHARED_STRINGS:
                raise ImportFileError("Excel文件中的文本过多，请拆分后导入。", code="too_many_strings")
            strings.append(_rich_text(el, t, r))
            el.clear()
    return strings


def _rich_text(el, t, r) -> str:
    # Plain text is one <t>; rich text is runs <r><t/></r>; phonetic hints (rPh) are skipped.
    parts = []
    for child in el:
        if child.tag == t:
            parts.append(child.text or "")
        elif child.tag == r:
            node = child.find(t)
            if node is not None:
                parts.append(node.text or "")
    return "".join(parts)


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
        else:
            break
    return index - 1


# "Unrolled" bodies ([^<]* runs between tags) keep the engine in its fast loops and linear;
# possessive, so a failed match is not retried char by char. A body may not run into the next
# row (cell) either, so an unclosed one costs the distance to the next, not to the end of the
# sheet, and is never merged with it; the last alternative catches it, and the file is refused.
ROW = re.compile(r"<row\b([^<>]*?)(?:/>|>([^<]*+(?:<(?!/?row[\s/>])[^<]*+)*+)</row>)|(<row\b)")
CELL = re.compile(
    r'<c(?=[\s/>])(?:\s+r="([A-Z]{1,3})\d*")?([^<>]*?)(?:/>|>([^<]*+(?:<(?!/?c[\s/>])[^<]*+)*+)</c>)|(<c[\s/>])'
)
ATTR_R = re.compile(r'\br="([A-Z]+)?(\d*)"')
ATTR_T = re.compile(r'\bt="(\w+)"')
VALUE = re.compile(r"<v>([^<]*)</v>")
TEXT = re.compile(r"<t\b[^>/]*>([^<]*)</t>")


def _text(raw: str) -> str:
    return html.unescape(raw) if "&" in raw else raw


def _shared(shared: list[str], text: str) -> str:
    index = int(text)
    if index < 0:
        raise IndexError(index)
    return shared[index]


def _number(text: str):
    return float(text) if ("." in text or "E" in text or "e" in text) else int(text)


def _cell_value(kind: str, body: str, shared: list[str]):
    if kind == "inlineStr":
        # Runs (<r><t>) and plain text (<t>) alike; phonetic hints (<rPh>) are not in inline strings.
        return _text("".join(TEXT.findall(body)))
    match = VALUE.search(body)
    if match is None:
        return None
    text = match.group(1)
    if kind == "s":
        return _shared(shared, text)
    if kind == "n":
        return _number(text)
    if kind == "b":
        return text == "1"
    return _text(text)  # str (formula result), e (error), d (ISO date)


def _bad_row(number: int) -> ImportFileError:
    return ImportFileError(f"Excel文件已损坏：第{number}行有无法读取的单元格。", code="xlsx_broken")


def _row_number(attr: str | None, expected: int) -> int:
    try:
        number = int(attr) if attr else expected
    except ValueError:  # more digits than int() takes
        number = 0
    if not 0 < number <= MAX_SHEET_ROW_NUMBER:
        raise ImportFileError("Excel文件已损坏：行号无效。", code="xlsx_broken")
    return number


def _iter_sheet_text(xml: str, shared: list[str], start: int, end: int) -> Iterator[tuple[int, list]]:
    """Rows by regular expressions over the sheet XML between ``start`` and ``end`` (the
    sheetData element): several times faster than an event parser.

    Safe because the DTD was refused first (so the only entities are the five predefined
    ones and character references, which html.unescape handles), no comment, CDATA or
    processing instruction is in the sheet (those go to the event parser), and every
    pattern is linear (negated classes or lazy matches up to a fixed closing tag).
    """
    expected = 0
    columns: dict[str, int] = {}
    for row_match in ROW.finditer(xml, start, end):
        expected += 1
        attrs, body, broken = row_match.groups()
        if broken:
            raise ImportFileError(
                f"Excel文件已损坏：第{expected}行附近的行没有结束标记。", code="xlsx_broken"
            )
        ref = ATTR_R.search(attrs)
        number = expected = _row_number(ref.group(2) if ref else None, expected)
        values: list = []
        try:
            for letters, cell_attrs, cell_body, broken in CELL.findall(body or ""):
                if broken:
                    raise _bad_row(number)
                if not letters and 'r="' in cell_attrs:
                    ref = ATTR_R.search(cell_attrs)
                    letters = ref.group(1) if ref else ""
                if letters:
                    col = columns.get(letters)
                    if col is None:
                        col = columns[letters] = _column_index(letters)
                    if col >= MAX_COLUMNS:
                        continue
                    if col > len(values):
                        values.extend([None] * (col - len(values)))
                    elif col < len(values):
                        raise _bad_row(number)  # out of order or twice: it would land in another column
                elif len(values) >= MAX_COLUMNS:
                    continue
                kind = ATTR_T.search(cell_attrs) if 't="' in cell_attrs else None
                values.append(
                    _cell_value(kind.group(1) if kind else "n", cell_body, shared) if cell_body else None
                )
        except (ValueError, IndexError):
            raise _bad_row(number) from None
        yield number, values


def _sheet_data_span(xml: str) -> tuple[int, int] | None:
    """Where the one sheetData element's content is, or None when the text path cannot tell."""
    start = xml.find("<sheetData")
    if start == -1:
        return None
    end = start if xml.startswith("<sheetData/>", start) else xml.find("</sheetData>", start)
    # A second sheetData after the first (one inside it is only text to the row pattern).
    if end == -1 or xml.find("<sheetData", end + 1) != -1:
        return None
    return start, end


def _has_markup_declarations(data: bytes) -> bool:
    """Comments, CDATA, or processing instructions after the XML declaration."""
    after_declaration = data.find(b"?>") + 2 if data.startswith(b"<?xml") else 0
    return _find_markup(data, b"!", 0) != -1 or _find_markup(data, b"?", after_declaration) != -1


def iter_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    """Rows of the first worksheet as (row number, values); numbers stay numbers."""
    archive = open_zip(data, what="Excel文件")
    zip_check(
        archive,
        what="Excel文件",
        max_entries=MAX_ARCHIVE_MEMBERS,
        max_total=MAX_UNCOMPRESSED_BYTES,
        error=ImportFileError,
    )
    sheet = _first_sheet_path(archive)
    shared = _shared_strings(archive)
    sheet_xml = _check_xml(_read_member(archive, sheet, MAX_UNCOMPRESSED_BYTES))
    if (b"<row" in sheet_xml or b"<sheetData/>" in sheet_xml) and not _has_markup_declarations(sheet_xml):
        # The usual unprefixed SpreadsheetML: the fast path.
        try:
            text = sheet_xml.decode("utf-8")
        except UnicodeDecodeError:
            raise ImportFileError("Excel文件已损坏，无法读取。", code="xlsx_broken") from None
        span = _sheet_data_span(text)
        if span is not None:
            del sheet_xml
            # XML forbids NUL, but this fast path reads the text without an XML parser.
            rows = _iter_sheet_text(text, shared, *span)
            yield from refuse_nul(rows, what="Excel文件") if "\x00" in text else rows
            return
        del text
    yield from _iter_sheet_events(sheet_xml, shared)


def _iter_sheet_events(sheet_xml: bytes, shared: list[str]) -> Iterator[tuple[int, list]]:
    """Rows by an event parser: namespace prefixes, comments, CDATA and the like."""
    sheet_data, row_tag, c_tag, v_tag, is_tag, t_tag, r_tag = (
        f"{NS_MAIN}sheetData", f"{NS_MAIN}row", f"{NS_MAIN}c", f"{NS_MAIN}v", f"{NS_MAIN}is", f"{NS_MAIN}t",
        f"{NS_MAIN}r",
    )  # fmt: skip
    expected = 0
    parent = None
    for event, el in _parse(sheet_xml, ("start", "end")):
        if event == "start":
            if el.tag == sheet_data and parent is None:
                parent = el
            continue
        if el.tag != row_tag or parent is None or len(parent) == 0 or parent[-1] is not el:
            continue  # only rows that are children of the sheetData
        expected += 1
        number = expected = _row_number(el.get("r"), expected)
        try:
            values = _event_row(el, shared, c_tag, v_tag, is_tag, t_tag, r_tag)
        except (ValueError, IndexError):
            raise _bad_row(number) from None
        if values is None:
            raise _bad_row(number)
        parent.clear()  # drop the finished row from the tree, not only its content
        yield number, values


def _event_row(el, shared, c_tag, v_tag, is_tag, t_tag, r_tag) -> list | None:
    values: list = []
    for cell in el:
        if cell.tag != c_tag:
            continue
        ref = cell.get("r")
        if ref:
            col = _column_index(ref)
            if col >= MAX_COLUMNS:
                continue
            if col > len(values):
                values.extend([None] * (col - len(values)))
            elif col < len(values):
                return None
        elif len(values) >= MAX_COLUMNS:
            continue
        kind = cell.get("t", "n")
        if kind == "inlineStr":
            node = cell.find(is_tag)
            value = _rich_text(node, t_tag, r_tag) if node is not None else None
        else:
            v = cell.find(v_tag)
            text = v.text if v is not None else None
            if text is None:
                value = None
            elif kind == "s":
                value = _shared(shared, text)
            elif kind == "n":
                value = _number(text)
            elif kind == "b":
                value = text == "1"
            else:  # str (formula result), e (error), d (ISO date)
                value = text
        values.append(value)
    return values


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK and GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise ImportFileError("CSV文件编码无法识别，请另存为UTF-8或GBK编码。", code="csv_encoding") from None


def refuse_nul(rows: Iterator[tuple[int, list]], *, what: str) -> Iterator[tuple[int, list]]:
    """Rows unchanged, until one holds a NUL character: a row-numbered refusal.

    PostgreSQL stores no NUL in text (nor in the report's JSON); the readers wrap their rows
    in this only when the file holds a NUL byte at all, so a clean file pays nothing.
    """
    for number, row in rows:
        if any(isinstance(cell, str) and "\x00" in cell for cell in row):
            raise ImportFileError(f"{what}第{number}行含有无效字符（NUL），请检查后再导入。", code="nul")
        yield number, row


def iter_csv(data: bytes) -> Iterator[tuple[int, list]]:
    text = decode_csv(data)
    rows = _iter_csv_text(text)
    yield from refuse_nul(rows, what="CSV文件") if "\x00" in text else rows


def _iter_csv_text(text: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    number = 0
    try:
        for number, row in enumerate(reader, start=1):
            yield number, row[:MAX_COLUMNS]
    except csv.Error:
        # An unmatched quote runs a field to the end of the file, past the csv module's field limit.
        raise ImportFileError(
            f"CSV文件第{number + 1}行格式有误（引号不配对或单元格过长），请检查后再导入。", code="csv_broken"
        ) from None


def read_table(data: bytes, filename: str) -> Iterator[tuple[int, list]]:
    """Rows (row number, values) of an uploaded .xlsx or .csv file, header row included."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(f"文件过大，上限为{MAX_UPLOAD_BYTES // 1024 // 1024}MB。", code="too_large")
    if not data:
        raise ImportFileError("文件为空。", code="empty")
    name = filename.lower()
    if data[:8] == OLE_MAGIC:
        raise ImportFileError(
            "这是加密的Excel文件或旧版.xls文件：请取消密码保护，并在Excel中另存为.xlsx后再导入。",
            code="bad_type",
        )
    if data[:4] == b"PK\x03\x04":
        if not name.endswith((".xlsx", ".xlsm")):
            raise ImportFileError("只支持.xlsx和.csv文件。", code="bad_type")
        rows = iter_xlsx(data)
    elif name.endswith(".csv"):
        rows = iter_csv(data)
    elif name.endswith(".xls"):
        raise ImportFileError("不支持旧版.xls文件，请在Excel中另存为.xlsx后再导入。", code="bad_type")
    else:
        raise ImportFileError("只支持.xlsx和.csv文件（按文件内容判断）。", code="bad_type")
    for count, item in enumerate(rows):
        if count > MAX_ROWS:
            raise ImportFileError(f"行数超过上限（{MAX_ROWS}行），请拆分后导入。", code="too_many_rows")
        yield item


def excel_date(value) -> datetime.date | None:
    """An Excel serial day number (1900 date system) as a date."""
    try:
        return datetime.date(1899, 12, 30) + datetime.timedelta(days=int(value))
    except (OverflowError, ValueError):
        return None
