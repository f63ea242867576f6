"""Models of the publications app, one module per aggregate."""

from .books import Book, BookDistribution
from .exhibitions import Exhibition, Work
from .newsletter import Article, ArticlePhoto, NewsletterIssue

__all__ = ["Article", "ArticlePhoto", "Book", "BookDistribution", "Exhibition", "NewsletterIssue", "Work"]
