"""Reads of the publications app: scoped querysets and the public views of published content."""

from django.db.models import Q

from core.querysets import ScopedQuerySet


class NewsletterIssueQuerySet(ScopedQuerySet):
    """Issues: ``visible_to(user)`` for the admin, ``published()`` for everybody else."""

    def published(self):
        """Issues the public may read."""
        return self.filter(status="published")

    def readable_by(self, user):
        """Published issues, plus (for preview) whatever the user may see in the admin."""
        return self.filter(Q(status="published") | Q(pk__in=self.visible_to(user).values("pk")))


class ArticleQuerySet(ScopedQuerySet):
    """Articles follow their issue: public when the issue is published."""

    def published(self):
        """Articles of published issues."""
        return self.filter(issue__status="published")

    def readable_by(self, user):
        """Published articles, plus (for preview) whatever the user may see in the admin."""
        return self.filter(Q(issue__status="published") | Q(pk__in=self.visible_to(user).values("pk")))

    def search(self, term: str):
        """Articles whose title, author or body text contains every word of ``term``."""
        qs = self
        for word in (term or "").split()[:8]:
            qs = qs.filter(
                Q(title__icontains=word) | Q(body_text__icontains=word) | Q(author__icontains=word)
            )
        return qs

    def featuring(self, member):
        """Articles that feature one member of the registry."""
        return self.filter(featured_members=member)

    def for_listing(self):
        """What list pages show: the issue, newest first."""
        return self.select_related("issue").order_by("-issue__month", "-issue__number", "position", "pk")


class ArticlePhotoQuerySet(ScopedQuerySet):
    pass


class ExhibitionQuerySet(ScopedQuerySet):
    pass


class WorkQuerySet(ScopedQuerySet):
    pass
