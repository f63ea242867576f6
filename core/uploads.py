"""Upload checks by content, not by name: the one validator for scans, photos and attachments."""

import io

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

MAX_SCAN_BYTES = 20 * 1024 * 1024
MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_IMAGE_PIXELS = 50_000_000

SIGNATURES = {
    "pdf": (b"%PDF-",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}
LABELS = {"pdf": "PDF", "jpeg": "JPEG", "png": "PNG"}


def sniff(head: bytes) -> str | None:
    """The file type its first bytes say, or None."""
    for kind, prefixes in SIGNATURES.items():
        if head.startswith(prefixes):
            return kind
    return None


def _read_head(upload, n=16) -> bytes:
    upload.seek(0)
    head = upload.read(n)
    upload.seek(0)
    return head


def _check_image(upload, kind):
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        upload.seek(0)
        with Image.open(io.BytesIO(upload.read())) as image:
            image.verify()
    except Exception:
        raise ValidationError(f"图片文件已损坏或无法识别（{LABELS[kind]}）。", code="bad_image") from None
    finally:
        upload.seek(0)


def validate_upload(upload, *, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_SCAN_BYTES) -> str:
    """Check size and real type; return the detected kind ('pdf', 'jpeg', 'png')."""
    if upload.size > max_bytes:
        raise ValidationError(
            f"文件过大（{filesizeformat(upload.size)}），上限为{filesizeformat(max_bytes)}。",
            code="too_large",
        )
    if upload.size == 0:
        raise ValidationError("文件为空。", code="empty")
    kind = sniff(_read_head(upload))
    if kind not in allowed:
        names = "、".join(LABELS[k] for k in allowed)
        raise ValidationError(f"文件内容不是允许的类型（{names}），请勿只修改扩展名。", code="bad_type")
    if kind in ("jpeg", "png"):
        _check_image(upload, kind)
    return kind


def validate_scan(upload):
    """Scanned registration forms: PDF, JPEG or PNG up to 20 MB."""
    validate_upload(upload, allowed=("pdf", "jpeg", "png"), max_bytes=MAX_SCAN_BYTES)


def validate_image(upload):
    """Photos and covers: JPEG or PNG up to 10 MB."""
    validate_upload(upload, allowed=("jpeg", "png"), max_bytes=MAX_IMAGE_BYTES)
