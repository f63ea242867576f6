"""Reading a .zip of scanned forms safely (the gate is ``core.zipsafety``), names matched to ID numbers."""

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile

from core.errors import DomainError
from core.idcard import normalise, parse_id_number
from core.uploads import MAX_SCAN_BYTES
from core.zipsafety import zip_check, zip_read

MAX_ZIP_BYTES = 200 * 1024 * 1024
MAX_ZIP_ENTRIES = 2_000
MAX_TOTAL_UNCOMPRESSED = 300 * 1024 * 1024
ID_IN_NAME = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])")


@dataclass
class ZipEntry:
    name: str
    id_number: str = ""
    data: bytes = b""
    error: str = ""

    def upload(self):
        return SimpleUploadedFile(posixpath.basename(self.name), self.data)


def _decoded_name(info: zipfile.ZipInfo) -> str:
    # Without the UTF-8 flag, Chinese Windows writes names in GBK; zipfile decoded them as cp437.
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _id_in(name: str) -> str:
    for candidate in ID_IN_NAME.findall(posixpath.basename(name.replace("\\", "/"))):
        try:
            return parse_id_number(normalise(candidate)).value
        except Exception:  # noqa: BLE001 - a number that fails the checksum is simply no match
            continue
    return ""


def scan_zip_entries(archive) -> list[ZipEntry]:
    """Entries of an uploaded archive, each with its ID number and bytes, or an error to report."""
    if archive.size > MAX_ZIP_BYTES:
        raise DomainError(f"压缩包过大，上限为{MAX_ZIP_BYTES // 1024 // 1024}MB。", code="zip_too_large")
    archive.seek(0)
    try:
        zf = zipfile.ZipFile(io.BytesIO(archive.read()))
    except (zipfile.BadZipFile, OSError):
        raise DomainError("不是有效的zip压缩包。", code="zip_broken") from None
    infos = zip_check(
        zf,
        what="压缩包",
        max_entries=MAX_ZIP_ENTRIES,
        max_total=MAX_TOTAL_UNCOMPRESSED,
        name_of=_decoded_name,
    )
    entries = []
    read_total = 0
    for info in infos:
        name = _decoded_name(info)
        if info.is_dir() or posixpath.basename(name).startswith((".", "__MACOSX")) or "__MACOSX/" in name:
            continue
        entry = ZipEntry(name=name, id_number=_id_in(name))
        if info.file_size > MAX_SCAN_BYTES:
            entry.error = f"文件过大，上限为{MAX_SCAN_BYTES // 1024 // 1024}MB。"
        elif not entry.id_number:
            entries.append(entry)  # reported as unmatched
            continue
        else:
            data = zip_read(zf, info, limit=MAX_SCAN_BYTES, what="压缩包")
            read_total += len(data)
            if read_total > MAX_TOTAL_UNCOMPRESSED:
                raise DomainError("压缩包解压后过大（疑似压缩炸弹），已整体拒绝。", code="zip_bomb")
            entry.data = data
        entries.append(entry)
    return entries
