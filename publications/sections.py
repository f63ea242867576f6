"""The member's own page (/me/): the published articles that feature the member."""

from .models import Article


def featured_articles_context(member) -> dict:
    """Context of the /me/ section: published articles featuring this member, newest first."""
    articles = Article.objects.published().featuring(member).for_listing()
    return {"articles": list(articles[:50])}
