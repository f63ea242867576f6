"""The one way the portal writes spreadsheets, so that every file looks the same to office staff.

Every .xlsx the portal writes (the registry export, the admin lists' 导出Excel through
django-import-export, reports and rosters) goes through ``xlsx_sheets_bytes``:

- formula cells neutralised (a text cell starting with ``= + - @`` and control characters is
  quoted, OWASP CSV injection); the one mechanism, for xlsx and csv alike;
- a bold, frozen header row (panes frozen at A2);
- column widths fitted to the header and the first ``WIDTH_SAMPLE`` rows (a CJK character
  counts double), between ``MIN_WIDTH`` and ``MAX_WIDTH``;
- ID numbers and phones as text cells formatted "@" (Excel keeps only 15 digits of a number);
- dates as date cells (yyyy-mm-dd), date-times in local time (yyyy-mm-dd hh:mm).

The workbook is written in write-only mode: a million-row export streams in constant memory,
only the width sample is held.
"""

import csv
import datetime
import io
import itertools
import unicodedata
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
WIDTH_SAMPLE = 1000
MIN_WIDTH, MAX_WIDTH = 6, 60
# Headers whose column holds numbers that must stay text: all 18 digits of an ID, a phone's
# leading zero, a serial with leading zeros.
TEXT_HEADER_WORDS = ("身份证", "手机", "电话", "联系方式", "证件号", "编号", "卡号", "号码", "文号", "文件号", "凭证号",
                     "票据号", "保单号", "信用代码", "ISBN", "验证码")  # fmt: skip
HEADER_FONT = Font(bold=True)
HEADER_ALIGNMENT = Alignment(vertical="center")


def neutralise(value):
    """Quote a text cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def text_columns_for(headers: Sequence[str]) -> set[int]:
    """The indexes of columns written as text, by their header (身份证号, 手机号码, 证明编号 …)."""
    return {i for i, h in enumerate(headers) if any(word in str(h) for word in TEXT_HEADER_WORDS)}


def display_width(value) -> int:
    """How many narrow characters a value takes in a cell: CJK and full-width characters count two."""
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    if isinstance(value, datetime.date):
        return 10
    lines = str(value).splitlines() or [""]
    return max(sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line) for line in lines)


def _plain(value, *, text: bool):
    """The value a cell holds: neutralised, text where asked, local naive date-times."""
    value = neutralise(value)
    if value is None:
        return None
    if text:
        # A str cell keeps all 18 digits; a number would be cut to 15 by Excel.
        return str(value)
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    return value


def _widths(headers, sample, text_columns) -> list[float]:
    widths = []
    for index, header in enumerate(headers):
        longest = max([display_width(header)] + [
            display_width(_plain(row[index], text=index in text_columns)) for row in sample if index < len(row)
        ])  # fmt: skip
        widths.append(min(MAX_WIDTH, max(MIN_WIDTH, longest + 2)))
    return widths


def write_sheet(workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence], text_columns=()) -> None:
    """One sheet of a write-only workbook, in the portal's format (see the module's docstring)."""
    sheet = workbook.create_sheet(title=(title or "Sheet1")[:31])
    text_columns = set(text_columns) | text_columns_for(headers)
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    for index, width in enumerate(_widths(headers, sample, text_columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, neutralise(str(header)))
        cell.font, cell.alignment = HEADER_FONT, HEADER_ALIGNMENT
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in itertools.chain(sample, rows):
        cells = []
        for index, value in enumerate(row):
            text = index in text_columns
            cell = WriteOnlyCell(sheet, _plain(value, text=text))
            if text:
                cell.number_format = TEXT_FORMAT
            elif isinstance(cell.value, datetime.datetime):
                cell.number_format = DATETIME_FORMAT
            elif isinstance(cell.value, datetime.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1", text_columns=()
) -> bytes:
    """An .xlsx file; ``text_columns`` (indexes) are text cells besides those named by their header."""
    return xlsx_sheets_bytes([(title, headers, rows, text_columns)])


def xlsx_sheets_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence], Iterable[int]]],
) -> bytes:
    """An .xlsx file of several sheets: (title, headers, rows, text_columns) each, written as xlsx_bytes does."""
    workbook = Workbook(write_only=True)
    for title, headers, rows, text_columns in sheets:
        write_sheet(workbook, title, headers, rows, text_columns)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a BOM so that Excel in Chinese locales opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise(str(h)) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(_csv_text(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_text(value) -> str:
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    return value if isinstance(value, str) else str(value)


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """An HTTP download with a UTF-8 file name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(filename: str, headers, rows, **kwargs) -> HttpResponse:
    return attachment(xlsx_bytes(headers, rows, **kwargs), filename, XLSX_MIME)
