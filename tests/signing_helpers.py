"""PDFs for the signature tests: unsigned, signed by another key, changed after signing."""

import io
import re

from django.test import override_settings
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pypdf import PdfWriter
from weasyprint import HTML

from core import signing
from core.signing_keys import throwaway_key_files

BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def small_pdf() -> bytes:
    """A one-page WeasyPrint PDF (its /Producer names WeasyPrint, and its content is a stream)."""
    return HTML(string="<h1>劳模证明</h1><p>测试文档 test document</p>").write_pdf()


def signed(content: bytes, identifier: str = "HZLM-2026-000001", kind: str = "劳模证明") -> bytes:
    """Signed with the configured (the test settings') key."""
    return signing.sign_pdf(content, reason=signing.signing_reason(kind, identifier))


def other_key(directory) -> dict:
    """Settings naming a second self-made key and certificate in ``directory``."""
    key, cert = throwaway_key_files(directory, passphrase="another-passphrase")
    return {
        "SIGNING_KEY_FILE": key,
        "SIGNING_CERT_FILE": cert,
        "SIGNING_KEY_PASSPHRASE": "another-passphrase",
    }


def signed_by(key_settings: dict, content: bytes, identifier="HZLM-2026-000001", kind="劳模证明") -> bytes:
    with override_settings(**key_settings):
        return signed(content, identifier, kind)


def byte_range(content: bytes) -> list[int]:
    return [int(v) for v in BYTE_RANGE.search(content).groups()]


def with_byte_changed(content: bytes) -> bytes:
    """One byte of a compressed content stream changed, well inside the first signed range."""
    first_end = byte_range(content)[1]
    position = content.index(b"stream", 0, first_end) + 40
    assert position < first_end
    changed = bytearray(content)
    changed[position] ^= 0x01
    return bytes(changed)


def with_producer_changed(content: bytes) -> bytes:
    """The same length, a readable field inside the signed range changed (a forger's edit)."""
    assert content.count(b"WeasyPrint") >= 1
    return content.replace(b"WeasyPrint", b"WeasyPrinT", 1)


def with_bytes_appended(content: bytes) -> bytes:
    return content + b"\n% appended after signing\n"


def with_incremental_update(content: bytes) -> bytes:
    """A proper incremental update after the signature (as an editor saving the file makes)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    writer.root[generic.pdf_name("/Lang")] = generic.TextStringObject("zh-CN")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
