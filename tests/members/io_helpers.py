"""Helpers and fixtures shared by the registry in/out tests (import them into a test module)."""

import csv
import datetime
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.idcard import make_id_number
from core.spreadsheets import xlsx_bytes
from members.importing.columns import COLUMNS

HEADERS = [c.header for c in COLUMNS]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def private_media():
    """The private storage's directory (a temporary one under the test settings)."""
    from pathlib import Path

    from core.storage import private_storage

    return Path(private_storage().location)


def new_id(seq: int, birth=datetime.date(1975, 3, 9)) -> str:
    return make_id_number("330106", birth, seq)


def row(**values) -> list:
    """A template row; keys are column keys (name, id_number, branch, honor_kind...)."""
    return [values.get(c.key, "") for c in COLUMNS]


def xlsx_file(rows, headers=HEADERS, name="名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(headers, rows, text_columns=(1, 6)))


def csv_file(rows, encoding="utf-8", headers=HEADERS, name="名册.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, buffer.getvalue().encode(encoding))


def zip_file(entries: dict, name="扫描件.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, content in entries.items():
            archive.writestr(filename, content)
    return SimpleUploadedFile(name, buffer.getvalue())
