"""Build hostile or broken workbooks for the reader's tests: a valid file with parts replaced."""

import io
import re
import struct
import zipfile

from core.spreadsheets import xlsx_bytes
from members.importing.readers import ImportFileError, read_table

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
SHEET = "xl/worksheets/sheet1.xml"
SST = "xl/sharedStrings.xml"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def base_workbook() -> bytes:
    return xlsx_bytes(["姓名", "身份证号"], [["甲", "330106197503090011"], ["乙", 5]], text_columns=(1,))


def sheet(rows: str, *, head: str = "", tail: str = "") -> bytes:
    return f"{head}<worksheet {NS}><sheetData>{rows}</sheetData>{tail}</worksheet>".encode()


def shared(*items: str) -> bytes:
    return f"<sst {NS}>{''.join(f'<si><t>{s}</t></si>' for s in items)}</sst>".encode()


def workbook(parts: dict, *, base: bytes | None = None, method=zipfile.ZIP_DEFLATED, extra=()) -> bytes:
    """The base workbook with ``parts`` replaced (None removes a part, new names are added);
    ``extra`` appends (name, bytes) entries as they are, duplicates included."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(base or base_workbook())) as source,
        zipfile.ZipFile(buffer, "w", method) as out,
    ):
        names = source.namelist()
        for name in names:
            data = parts[name] if name in parts else source.read(name)
            if data is not None:
                out.writestr(name, data)
        for name, data in parts.items():
            if name not in names and data is not None:
                out.writestr(name, data)
        for name, data in extra:
            out.writestr(name, data)
    return buffer.getvalue()


def patch_central(data: bytes, name: str, *, flags: int | None = None, method: int | None = None) -> bytes:
    """Rewrite the central directory entry of ``name``: its flag bits or its compression method."""
    out = bytearray(data)
    at = out.find(b"PK\x01\x02")
    while at != -1:
        name_len = struct.unpack_from("<H", out, at + 28)[0]
        if out[at + 46 : at + 46 + name_len] == name.encode():
            if flags is not None:
                struct.pack_into("<H", out, at + 8, flags)
            if method is not None:
                struct.pack_into("<H", out, at + 10, method)
            return bytes(out)
        at = out.find(b"PK\x01\x02", at + 4)
    raise KeyError(name)


def rows_of(data: bytes, name: str = "名册.xlsx") -> list:
    return list(read_table(data, name))


def refusal(data: bytes, name: str = "名册.xlsx") -> ImportFileError:
    """The reader's refusal: its own error type with a Chinese message, and nothing else."""
    try:
        rows = rows_of(data, name)
    except ImportFileError as exc:
        assert CHINESE.search(exc.message), exc.message
        return exc
    raise AssertionError(f"expected a refusal, got {len(rows)} rows: {rows[:3]}")
