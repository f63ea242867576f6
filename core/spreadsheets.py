"""The one way the portal writes spreadsheets: formula cells neutralised, ID numbers as text."""

import csv
import io
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    """Quote a text cell a spreadsheet would run as a formula (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def xlsx_bytes(
    headers: Sequence[str], rows: Iterable[Sequence], *, title: str = "Sheet1", text_columns=()
) -> bytes:
    """An .xlsx file; ``text_columns`` (indexes) are written as text cells (ID numbers, phones)."""
    return xlsx_sheets_bytes([(title, headers, rows, text_columns)])


def xlsx_sheets_bytes(
    sheets: Iterable[tuple[str, Sequence[str], Iterable[Sequence], Iterable[int]]],
) -> bytes:
    """An .xlsx file of several sheets: (title, headers, rows, text_columns) each, written as xlsx_bytes does."""
    workbook = Workbook(write_only=True)
    for title, headers, rows, text_columns in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        sheet.append([neutralise(h) for h in headers])
        text_columns = set(text_columns)
        for row in rows:
            cells = []
            for index, value in enumerate(row):
                value = neutralise(value)
                if index in text_columns and value is not None:
                    # A str cell keeps all 18 digits; a number would be cut to 15 by Excel.
                    value = str(value)
                cells.append(value)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(headers: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 CSV with a BOM so that Excel in Chinese locales opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v if isinstance(v, str) else str(v)) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attachment(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """An HTTP download with a UTF-8 file name."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(filename: str, headers, rows, **kwargs) -> HttpResponse:
    return attachment(xlsx_bytes(headers, rows, **kwargs), filename, XLSX_MIME)
