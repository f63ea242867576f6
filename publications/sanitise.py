"""Rich text of articles: the one sanitiser (nh3) and the plain-text view of a body.

Staff paste text from Word and WeChat; what survives is structure only: paragraphs,
headings, emphasis, lists, quotes, simple tables and http(s)/mailto links. Scripts,
styles, event handlers, images and ``javascript:`` URLs never reach the database.
"""

import html
import re

import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
TAG_LIKE = re.compile(r"<\s*/?\s*[a-zA-Z!]")
BLOCK_END = re.compile(r"</(p|h[2-4]|li|blockquote|tr|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)
SPACES = re.compile(r"[ \t\r\f\v]+")


def clean_html(value: str) -> str:
    """Sanitise an article body; plain text (no tags at all) becomes paragraphs."""
    value = (value or "").strip()
    if not value:
        return ""
    if not TAG_LIKE.search(value):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n|\n", value) if p.strip()]
        return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return nh3.clean(
        value,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    ).strip()


def html_to_text(value: str) -> str:
    """The words of a (sanitised) body, for search and summaries."""
    with_breaks = BLOCK_END.sub("\n", value or "")
    text = nh3.clean(with_breaks, tags=set(), attributes={})
    text = html.unescape(text)
    lines = [SPACES.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def summarise(text: str, length: int = 120) -> str:
    """The first ``length`` characters of a plain text, on one line."""
    flat = SPACES.sub(" ", (text or "").replace("\n", " ")).strip()
    return flat if len(flat) <= length else flat[: length - 1].rstrip() + "…"
