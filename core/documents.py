"""The one PDF renderer: our own auto-escaped templates → WeasyPrint → bytes; and the one merger.

It fetches nothing but the project's own static files (fonts, images, CSS) and ``data:``
URLs; any other URL (``file:///etc/passwd``, ``http://…``) raises and is not embedded.
Images that are not static files (QR codes, photos) go in as ``data:`` URLs.

Fonts: the project's own faces (``static/pdf/fonts.css`` → ``static/fonts/``) are registered
once per process in a shared ``FontConfiguration``; registering them per document would cost
reading and indexing 48 MB of fonts each time. Rendering holds a lock because that
configuration (fontconfig/Pango state) is shared between threads. The stylesheets name no
system font, so a character none of the faces has would print as a box (or, on a machine
with a CJK font, silently in that font): ``require_printable`` refuses such text before a
document is issued, from the same font files (their ``cmap`` tables, read once).

Merging (``merge_pdfs``, pypdf) joins stored or rendered PDFs page by page for printing,
without rendering them again.
"""

import base64
import contextlib
import logging
import mimetypes
import re
import threading
import unicodedata
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from pypdf import PdfWriter
from pypdf.errors import PyPdfError
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from core.errors import DomainError

logger = logging.getLogger(__name__)


class RefusedFetch(ValueError):
    """A document asked for a resource outside the project's static files."""


def allowed_roots() -> list[Path]:
    return [Path(p).resolve() for p in settings.STATICFILES_DIRS]


class StaticOnlyFetcher(URLFetcher):
    """Serves ``file:`` URLs inside the static roots and ``data:`` URLs; refuses the rest."""

    def __init__(self):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, timeout=2)

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            logger.warning("PDF renderer refused %s", url[:200])
            raise RefusedFetch(f"refused: {url[:200]}")
        path = Path(url2pathname(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in allowed_roots()) or not path.is_file():
            logger.warning("PDF renderer refused %s", url[:200])
            raise RefusedFetch(f"refused: {url[:200]}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), headers={"Content-Type": mime})


def data_url(content: bytes, mime: str) -> str:
    """Embed bytes (a QR code, a photo) as a data: URL."""
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


FONTS_STYLESHEET = "pdf/fonts.css"
_render_lock = threading.Lock()
_fonts: tuple[FontConfiguration, CSS] | None = None


def _font_setup() -> tuple[FontConfiguration, CSS]:
    """The process-wide font configuration with the project's faces registered (once)."""
    global _fonts
    if _fonts is None:
        font_config = FontConfiguration()
        stylesheet = CSS(
            url=static_base_url() + FONTS_STYLESHEET,
            url_fetcher=StaticOnlyFetcher(),
            font_config=font_config,
        )
        _fonts = (font_config, stylesheet)
    return _fonts


def static_base_url() -> str:
    return allowed_roots()[0].as_uri() + "/"


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render ``templates/<app>/pdf/...`` to PDF bytes through the restricted fetcher."""
    html = render_to_string(template_name, context)
    with _render_lock:
        font_config, fonts_stylesheet = _font_setup()
        document = HTML(string=html, base_url=static_base_url(), url_fetcher=StaticOnlyFetcher())
        return document.write_pdf(stylesheets=[fonts_stylesheet], font_config=font_config)


_cmap_lock = threading.Lock()
_printable: frozenset[int] | None = None
_FONT_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")
# Pango shapes these with the neighbouring character's face and HarfBuzz hides or maps them:
# they never need a glyph of their own (variation selectors: a face without the variant
# prints the base character).
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}
_VARIATION_SELECTORS = ((0x180B, 0x180F), (0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def font_files() -> list[Path]:
    """The font files ``static/pdf/fonts.css`` registers, in its order."""
    stylesheet = allowed_roots()[0] / FONTS_STYLESHEET
    css = re.sub(r"/\*.*?\*/", "", stylesheet.read_text(encoding="utf-8"), flags=re.S)
    return list(dict.fromkeys((stylesheet.parent / url).resolve() for url in _FONT_URL.findall(css)))


def printable_codepoints() -> frozenset[int]:
    """Every character some project face has (the union of their cmaps), read once per process."""
    global _printable
    if _printable is None:
        with _cmap_lock:
            if _printable is None:
                codepoints: set[int] = set()
                for path in font_files():
                    with TTFont(str(path), lazy=True) as font:  # reads the cmap table only
                        codepoints.update(font.getBestCmap())
                _printable = frozenset(codepoints)
    return _printable


def _invisible(char: str) -> bool:
    code = ord(char)
    return unicodedata.category(char) in _INVISIBLE_CATEGORIES or any(
        lo <= code <= hi for lo, hi in _VARIATION_SELECTORS
    )


def unprintable_characters(*texts: str) -> list[str]:
    """The characters of ``texts`` no project face has, each once, in order of appearance.

    Whitespace, control and format characters and variation selectors are ignored: they
    print as nothing anyway.
    """
    printable = printable_codepoints()
    found = dict.fromkeys(
        char for text in texts for char in (text or "") if ord(char) not in printable and not _invisible(char)
    )
    return list(found)


def require_printable(text: str, *, label: str = "", document: str = "证明") -> None:
    """Refuse (``DomainError``) text that would print with a box instead of a character.

    ``label`` names the field (姓名, 荣誉称号…), ``document`` what is being issued.
    """
    missing = unprintable_characters(text)
    if missing:
        chars = "、".join(f"“{char}”（U+{ord(char):04X}）" for char in missing[:5])
        more = f"等{len(missing)}个字" if len(missing) > 5 else ""
        raise DomainError(
            f"{label}「{text}」中的{chars}{more}无法打印：{document}所用字体不含此字。请联系协会系统管理员。",
            code="unprintable_character",
        )


class UnreadablePdf(ValueError):
    """A stored PDF could not be read for merging (damaged or not a PDF)."""


def merge_pdfs(sources, out) -> int:
    """Write the pages of ``sources`` (opened binary files, in order) into ``out`` as one PDF.

    The stored documents are copied as they are (pypdf), not rendered again: the merged file
    prints exactly what was issued. Each source stays open until the whole file is written
    (pypdf reads pages lazily) and is closed after. Returns the number of pages.
    """
    writer = PdfWriter()
    with contextlib.ExitStack() as stack:
        try:
            for source in sources:
                stack.enter_context(source)
                writer.append(source)
            writer.write(out)
        except PyPdfError as exc:
            raise UnreadablePdf(str(exc)[:200]) from exc
        return len(writer.pages)
