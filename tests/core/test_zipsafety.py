"""core.zipsafety: the one gate every archive passes (scanned forms, .xlsx workbooks)."""

import io
import zipfile

import pytest

from core.errors import DomainError
from core.zipsafety import MAX_RATIO, zip_check, zip_read

LIMITS = {"what": "压缩包", "max_entries": 10, "max_total": 50 * 1024 * 1024}


def archive(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> zipfile.ZipFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
    return zipfile.ZipFile(io.BytesIO(buffer.getvalue()))


def refusal(zf, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as exc:
        zip_check(zf, **{**LIMITS, **kwargs})
    return exc.value


def test_a_plain_archive_passes_and_gives_its_entries():
    infos = zip_check(archive({"a.pdf": b"%PDF-1", "目录/b.png": b"\x89PNG"}), **LIMITS)
    assert [i.filename for i in infos] == ["a.pdf", "目录/b.png"]


def test_too_many_entries():
    error = refusal(archive({f"{i}.pdf": b"x" for i in range(11)}))
    assert error.code == "zip_members" and "11个" in error.message and "上限为10个" in error.message


@pytest.mark.parametrize("name", ["../x.pdf", "/abs/x.pdf", "a/../../x.pdf", "..\\x.pdf", "C:/x.pdf"])
def test_a_path_that_escapes(name):
    error = refusal(archive({"ok.pdf": b"x", name: b"x"}))
    assert error.code == "zip_path" and "不安全的路径" in error.message


def test_names_that_differ_only_in_case():
    assert refusal(archive({"A.pdf": b"x", "a.pdf": b"y"})).code == "zip_names"


def test_a_ratio_above_the_limit_is_a_bomb():
    error = refusal(archive({"bomb.bin": b"\0" * (5 * 1024 * 1024)}))
    assert error.code == "zip_bomb" and "压缩比异常" in error.message


def test_a_ratio_at_the_limit_passes():
    data = b"\0" * (2 * 1024 * 1024)
    zf = archive({"stored.bin": data}, compression=zipfile.ZIP_STORED)
    assert zf.infolist()[0].file_size <= MAX_RATIO * zf.infolist()[0].compress_size
    zip_check(zf, **LIMITS)


def test_the_declared_total_is_capped():
    zf = archive({"a.bin": b"x" * 1000, "b.bin": b"y" * 1000}, compression=zipfile.ZIP_STORED)
    error = refusal(zf, max_total=1500)
    assert error.code == "zip_bomb" and "解压后过大" in error.message


def test_the_callers_error_class_is_raised():
    class ImportFileError(DomainError):
        pass

    with pytest.raises(ImportFileError):
        zip_check(archive({"../x": b""}), **LIMITS, error=ImportFileError)


def test_zip_read_stops_one_byte_past_the_limit():
    zf = archive({"a.bin": b"x" * 100})
    assert zip_read(zf, "a.bin", limit=100, what="压缩包") == b"x" * 100
    with pytest.raises(DomainError) as exc:
        zip_read(zf, "a.bin", limit=99, what="压缩包")
    assert exc.value.code == "zip_bomb"


def test_zip_read_of_a_damaged_entry_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.bin", b"hello world" * 100)
    data = bytearray(buffer.getvalue())
    data[40] ^= 0xFF  # inside the compressed data
    with pytest.raises(DomainError) as exc:
        zip_read(zipfile.ZipFile(io.BytesIO(bytes(data))), "a.bin", limit=10_000, what="压缩包")
    assert exc.value.code == "zip_broken"


def test_zip_read_names_the_callers_code_for_a_damaged_entry():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/sharedStrings.xml", b"<sst>" + b"abc" * 500 + b"</sst>")
    data = bytearray(buffer.getvalue())
    data[60] ^= 0xFF
    with pytest.raises(DomainError) as exc:
        zip_read(
            zipfile.ZipFile(io.BytesIO(bytes(data))), "xl/sharedStrings.xml", limit=10_000, what="Excel文件",
            broken_code="xlsx_broken",
        )  # fmt: skip
    assert exc.value.code == "xlsx_broken" and exc.value.message.startswith("Excel文件已损坏")
