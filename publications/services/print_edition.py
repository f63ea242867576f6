"""The print edition of an issue: one multi-page PDF, cached under a fingerprint of its content."""

from django.core.cache import cache
from django.db.models import Count, Max

from core.documents import data_url, render_pdf

from ..models import Article, ArticlePhoto, NewsletterIssue
from ..models.newsletter import NEWSLETTER_NAME

# ---------------------------------------------------------------------------------------
# The print edition
# ---------------------------------------------------------------------------------------

PRINT_CACHE_SECONDS = 24 * 3600


def _image_data_url(field) -> str | None:
    """A stored image as a data: URL for the renderer (None when the file is missing)."""
    if not field:
        return None
    try:
        with field.open("rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return None
    mime = "image/png" if content.startswith(b"\x89PNG") else "image/jpeg"
    return data_url(content, mime)


def _print_fingerprint(issue: NewsletterIssue) -> str:
    articles = issue.articles.aggregate(n=Count("pk"), changed=Max("updated_at"))
    photos = ArticlePhoto.objects.filter(article__issue=issue).aggregate(n=Count("pk"), last=Max("pk"))
    parts = [
        issue.pk,
        issue.updated_at,
        issue.status,
        articles["n"],
        articles["changed"],
        photos["n"],
        photos["last"],
    ]
    return ":".join(str(p) for p in parts).replace(" ", "_")


def issue_print_context(issue: NewsletterIssue) -> dict:
    """Everything the print template needs, photos inlined as data: URLs."""
    articles = []
    for article in issue.articles.order_by("position", "pk").prefetch_related("photos", "featured_members"):
        photos = [
            {"src": src, "caption": photo.caption}
            for photo in article.photos.all()
            if (src := _image_data_url(photo.image))
        ]
        articles.append({"article": article, "photos": photos})
    return {
        "issue": issue,
        "newsletter_name": NEWSLETTER_NAME,
        "cover_src": _image_data_url(issue.cover),
        "articles": articles,
        "categories": Article.Category,
    }


def issue_print_pdf(*, issue: NewsletterIssue) -> bytes:
    """The whole issue as a multi-page PDF through the project's one renderer.

    The bytes are cached under a fingerprint of the issue, its articles and photos, so
    any edit renders a fresh edition and repeated downloads do not re-render.
    """
    key = f"publications:print:{_print_fingerprint(issue)}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = render_pdf("publications/pdf/issue.html", issue_print_context(issue))
        cache.set(key, pdf, PRINT_CACHE_SECONDS)
    return pdf
