"""The one zip-safety gate, for every archive the portal opens (scanned forms, .xlsx workbooks).

``zip_check`` looks at the central directory only, before anything is inflated: the number of
entries, the declared total size, the compression ratio of each entry, no path that escapes
(``../``, an absolute path, a drive letter) and no two entries whose names differ only in case
(which copy a program reads differs, so what the user sees might not be what is processed).
Each caller gives its own caps on entries and total size; the ratio limit is one for all.
A declared size is only a claim: read entries with ``zip_read``, which stops one byte past
the limit it is given.
"""

import lzma
import re
import zipfile
import zlib
from collections.abc import Callable

from core.errors import DomainError

# Deflate reaches about 1000:1 on runs of one byte; real scans stay near 1:1 and real workbook
# XML below 100:1. Entries under a megabyte are not judged by ratio: they cannot be bombs.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
DRIVE = re.compile(r"^[A-Za-z]:")
# What zipfile and its decompressors raise on a damaged, encrypted or exotic archive.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, NotImplementedError,
              RuntimeError)  # fmt: skip


def path_escapes(name: str) -> bool:
    """An absolute path, a drive letter or a ``..`` component (either slash)."""
    path = name.replace("\\", "/")
    return path.startswith("/") or bool(DRIVE.match(path)) or ".." in path.split("/")


def zip_check(
    archive: zipfile.ZipFile,
    *,
    what: str,
    max_entries: int,
    max_total: int,
    error: type[DomainError] = DomainError,
    name_of: Callable[[zipfile.ZipInfo], str] = lambda info: info.filename,
) -> list[zipfile.ZipInfo]:
    """Refuse the archive (``error`` with a Chinese message) or return its entries.

    ``what`` names the archive in the message (压缩包, Excel文件); ``name_of`` decodes an
    entry's name as the caller shows it (e.g. GBK names written without the UTF-8 flag).
    Codes: ``zip_members``, ``zip_path``, ``zip_names``, ``zip_bomb``.
    """
    infos = archive.infolist()
    if len(infos) > max_entries:
        raise error(
            f"{what}包含的文件过多（{len(infos)}个），上限为{max_entries}个，已拒绝。", code="zip_members"
        )
    names = [name_of(info) for info in infos]
    if any(path_escapes(name) for name in names):
        raise error(f"{what}内含有不安全的路径（如“../”或绝对路径），已整体拒绝。", code="zip_path")
    if len({name.lower() for name in names}) != len(names):
        raise error(f"{what}中有重名的文件，已拒绝。", code="zip_names")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > RATIO_FLOOR_BYTES and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise error(f"{what}压缩比异常（疑似压缩炸弹），已整体拒绝。", code="zip_bomb")
    if total > max_total:
        raise error(f"{what}解压后过大（疑似压缩炸弹），已整体拒绝。", code="zip_bomb")
    return infos


def zip_read(
    archive: zipfile.ZipFile,
    info,
    *,
    limit: int,
    what: str,
    error=DomainError,
    broken_code: str = "zip_broken",
) -> bytes:
    """An entry's bytes, at most ``limit``: a header that lies about the size cannot inflate more.

    A damaged or encrypted entry is refused (``broken_code``), never an exception of zipfile's.
    """
    try:
        with archive.open(info) as handle:
            data = handle.read(limit + 1)
    except ZIP_ERRORS:
        raise error(f"{what}已损坏（压缩数据校验失败或已加密），无法读取。", code=broken_code) from None
    if len(data) > limit:
        raise error(f"{what}内文件的实际大小与声明不符（疑似压缩炸弹），已整体拒绝。", code="zip_bomb")
    return data
