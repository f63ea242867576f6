"""The association's electronic seal: upload (association staff), the image documents print.

An upload is a scan or photo of the seal, or a PNG with transparency. It becomes a small
transparent PNG: a white or light background is made transparent, the seal cropped to its
outline and scaled to at most ``SEAL_PIXELS`` square (40 mm at 254 dpi), and reduced to one
ink colour with four levels of coverage, so a certificate carries it for about 9 KB (the
page budget is 60 KB; docs/decisions.md, 12).
"""

import functools
import io
import math

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from PIL import Image, ImageChops, ImageDraw, ImageFont, ImageStat

from core import documents
from core.errors import DomainError
from core.roles import is_association_staff
from core.uploads import validate_upload

from ..models import DocumentSeal

SEAL_PIXELS = 400  # 40 mm at 254 dpi
FONT = "fonts/HZLMSerifSC-Regular.ttf"  # the project's PDF face draws the demo seal
SEAL_MAX_BYTES = 5 * 1024 * 1024
# A 5 MB PNG of one colour can claim 100 million pixels; every step below copies the whole
# image (about 2 GB for that one). Refused above SEAL_MAX_PIXELS (read from the header, before
# decoding), and reduced to SEAL_WORK_PIXELS square before the background is removed.
SEAL_MAX_PIXELS = 25_000_000  # a 5000 × 5000 scan, any 12-megapixel photo
SEAL_WORK_PIXELS = 6 * SEAL_PIXELS
BACKGROUND_LIGHTNESS = 200  # pixels lighter than this (and not saturated) become transparent
SEAL_MISSING = (
    "协会尚未上传电子印章，暂不能开具证明和匠心卡。"
    "请协会工作人员在后台「名册与证明 → 电子印章」上传印章图片后再开具。"
)


def seal_image_from_upload(upload) -> tuple[bytes, int, int]:
    """Check an uploaded seal picture and make the PNG documents print. Raises ValidationError."""
    validate_upload(upload, allowed=("png", "jpeg"), max_bytes=SEAL_MAX_BYTES)
    upload.seek(0)
    try:
        with Image.open(io.BytesIO(upload.read())) as source:
            width, height = source.size
            if width * height > SEAL_MAX_PIXELS:
                raise ValidationError(
                    f"图片尺寸过大（{width}×{height}像素），请裁剪到印章周围或缩小后再上传"
                    f"（不超过{SEAL_MAX_PIXELS // 10_000}万像素）。",
                    code="seal_too_large",
                )
            source.draft("RGB", (SEAL_WORK_PIXELS, SEAL_WORK_PIXELS))  # JPEG: decoded at a reduced scale
            source.load()
            image = source.convert("RGBA")
            image.thumbnail((SEAL_WORK_PIXELS, SEAL_WORK_PIXELS), Image.Resampling.LANCZOS)
    except ValidationError:
        raise
    except Exception:
        raise ValidationError("图片无法识别，请上传PNG或JPEG格式的印章图片。", code="bad_image") from None
    finally:
        upload.seek(0)
    return seal_png(image)


def seal_png(image: Image.Image) -> tuple[bytes, int, int]:
    """Transparent background, cropped, scaled, one ink colour → (png bytes, width, height)."""
    image = image.convert("RGBA")
    red, green, blue, alpha = image.split()
    lightness = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    # Light and unsaturated (paper, white): transparent. Ink keeps its own alpha.
    paper = Image.eval(ImageChops.subtract(lightness, darkest), lambda spread: 255 if spread < 60 else 0)
    light = Image.eval(darkest, lambda v: 255 if v > BACKGROUND_LIGHTNESS else 0)
    background = ImageChops.multiply(paper, light)
    alpha = ImageChops.subtract(alpha, background)
    image.putalpha(alpha)
    box = alpha.point(lambda v: 255 if v > 24 else 0).getbbox()
    if box is None:
        raise ValidationError("图片中没有找到印章图案（只有白色或透明背景）。", code="blank_seal")
    image = image.crop(box)
    width, height = image.size
    if min(width, height) < 64:
        raise ValidationError("印章图片太小（至少64像素见方），请上传更清晰的扫描件。", code="seal_too_small")
    if max(width, height) / min(width, height) > 3:
        raise ValidationError("图片比例不像印章（长宽相差超过3倍），请裁剪后再上传。", code="seal_shape")
    scale = min(1.0, SEAL_PIXELS / max(width, height))
    if scale < 1.0:
        image = image.resize((round(width * scale), round(height * scale)), Image.Resampling.LANCZOS)
    # One ink colour (the mean of the solid pixels) and four levels of coverage: a seal is
    # printed in one colour, and PDF keeps colour and coverage as two images (RGB + soft
    # mask), so a constant colour compresses to almost nothing and only the shape costs.
    alpha = image.getchannel("A")
    solid = alpha.point(lambda v: 255 if v > 200 else 0)
    if solid.getbbox() is None:  # a seal exported semi-transparent: its ink is every visible pixel
        solid = alpha.point(lambda v: 255 if v > 24 else 0)
    ink = tuple(round(c) for c in ImageStat.Stat(image.convert("RGB"), mask=solid).mean[:3])
    alpha = alpha.point(lambda v: min(255, round(v / 85) * 85))
    flat = Image.new("RGBA", image.size, (*ink, 255))
    flat.putalpha(alpha)
    buffer = io.BytesIO()
    flat.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), image.width, image.height


def seal_save(*, content: bytes | None, width=None, height=None, actor, note: str = "") -> DocumentSeal:
    """Store a prepared seal image (``content`` None: only the note changes) as the association's
    seal; association staff only. The replaced image stays in storage for the history.

    Two first uploads at once: the second insert meets the unique key, and then updates the
    row the first one made (under its lock) instead of failing.
    """
    if not is_association_staff(actor):
        raise DomainError("只有协会工作人员可以上传电子印章。", code="forbidden")

    def fill(seal):
        seal.note = (note or "").strip()[:200]
        seal.updated_by = actor if getattr(actor, "is_authenticated", False) else None
        if content is not None:
            seal.width_px, seal.height_px = width, height
            seal.image.save("seal.png", ContentFile(content), save=False)
        seal.save()
        return seal

    locked = DocumentSeal.objects.select_for_update().filter(key=DocumentSeal.KEY)
    with transaction.atomic():
        seal = locked.first()
        if seal is not None:
            return fill(seal)
        if content is None:
            raise DomainError("请选择印章图片。", code="seal_required")
        try:
            with transaction.atomic():
                return fill(DocumentSeal(key=DocumentSeal.KEY))
        except IntegrityError:
            return fill(locked.get())


def current_seal() -> DocumentSeal | None:
    return DocumentSeal.objects.current()


def require_seal() -> DocumentSeal:
    """The seal documents are printed with; issuing without one is refused, not placeheld."""
    seal = current_seal()
    if seal is None or not seal.image:
        raise DomainError(SEAL_MISSING, code="seal_missing")
    return seal


@functools.lru_cache(maxsize=4)
def _seal_data_url(name: str) -> str:
    storage = DocumentSeal._meta.get_field("image").storage
    with storage.open(name, "rb") as handle:
        return documents.data_url(handle.read(), "image/png")


def seal_data_url() -> str:
    """The current seal as a data: URL for the PDF templates (read once per stored file)."""
    seal = require_seal()
    try:
        return _seal_data_url(seal.image.name)
    except OSError as exc:
        raise DomainError("电子印章图片文件丢失，请重新上传。", code="seal_file_missing") from exc


# ---------------------------------------------------------------------------------------
# A demo seal, drawn (seed_demo and tests): never a real association's seal.
# ---------------------------------------------------------------------------------------


def draw_demo_seal(name: str | None = None, *, center_text: str = "演示专用", size: int = 600) -> bytes:
    """A round red seal with ``name`` along the top arc, a star and ``center_text`` below.

    Drawn with the project's PDF face; the bottom line says 演示专用 so nobody mistakes a
    demo certificate for a real one.
    """
    name = name or settings.ASSOCIATION_NAME
    ink = (200, 22, 29, 255)
    image = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre, radius = size / 2, size / 2 - 8
    draw.ellipse([8, 8, size - 8, size - 8], outline=ink, width=round(size * 0.035))
    _draw_star(draw, centre, centre * 0.98, size * 0.17, ink)
    glyph = round(size * 0.115)
    font = ImageFont.truetype(_font_path(), glyph)
    arc = math.radians(250)
    for index, char in enumerate(name):
        angle = -arc / 2 + arc * (index + 0.5) / len(name)  # 0 = straight up
        tile = Image.new("RGBA", (glyph * 2, glyph * 2), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text((glyph, glyph), char, font=font, fill=ink, anchor="mm")
        tile = tile.rotate(-math.degrees(angle), resample=Image.Resampling.BICUBIC)
        distance = radius - glyph * 0.95
        x = centre + distance * math.sin(angle) - glyph
        y = centre - distance * math.cos(angle) - glyph
        image.alpha_composite(tile, (round(x), round(y)))
    small = ImageFont.truetype(_font_path(), round(size * 0.085))
    draw.text((centre, size * 0.74), center_text, font=small, fill=ink, anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _font_path() -> str:
    path = finders.find(FONT)
    if not path:
        raise RuntimeError(f"{FONT} not found among the static files")
    return path


def _draw_star(draw, cx, cy, r, fill):
    points = []
    for k in range(10):
        radius = r if k % 2 == 0 else r * 0.382
        angle = math.radians(-90 + 36 * k)
        points.append((cx + radius * math.cos(angle), cy + radius * math.sin(angle)))
    draw.polygon(points, fill=fill)


def demo_seal_install(*, actor) -> DocumentSeal:
    """Install the drawn demo seal (seed_demo), unless a seal is already there."""
    seal = current_seal()
    if seal is not None:
        return seal
    content, width, height = seal_png(Image.open(io.BytesIO(draw_demo_seal())))
    return seal_save(
        content=content, width=width, height=height, actor=actor, note="演示数据自动生成，仅供演示。"
    )
