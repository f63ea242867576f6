"""The one PDF renderer: our own auto-escaped templates → WeasyPrint → bytes; and the one merger.

It fetches nothing but the project's own static files (fonts, images, CSS) and ``data:``
URLs; any other URL (``file:///etc/passwd``, ``http://…``) raises and is not embedded.
Images that are not static files (QR codes, photos) go in as ``data:`` URLs.

Fonts: the project's own face (``static/pdf/fonts.css`` → ``static/fonts/``) is registered
once per process in a shared ``FontConfiguration``; registering it per document would cost
reading and indexing a 12 MB font each time. Rendering holds a lock because that
configuration (fontconfig/Pango state) is shared between threads.

Merging (``merge_pdfs``, pypdf) joins stored or rendered PDFs page by page for printing,
without rendering them again.
"""

import base64
import contextlib
import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from pypdf import PdfWriter
from pypdf.errors import PyPdfError
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

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
