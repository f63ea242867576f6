"""seed_demo_publications: a published demo issue with articles, a book, an exhibition; idempotent."""

import io

import pytest
from django.core.management import call_command

from publications.models import Article, Book, BookDistribution, Exhibition, NewsletterIssue, Work
from publications.sanitise import clean_html

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (NewsletterIssue, Article, Book, BookDistribution, Exhibition, Work)]


def current_issue():
    """This month's issue (the demo also keeps last month's, so the index has a back issue)."""
    return NewsletterIssue.objects.order_by("-month", "-number").first()


def test_seed_creates_last_and_this_months_published_issues_with_articles(xihu_member):
    call_command("seed_demo_publications", stdout=io.StringIO())
    assert NewsletterIssue.objects.count() == 2
    assert not NewsletterIssue.objects.exclude(status=NewsletterIssue.Status.PUBLISHED).exists()
    issue = current_issue()
    assert issue.articles.count() == 4
    assert set(issue.articles.values_list("category", flat=True)) == set(Article.Category.values)
    assert issue.cover
    story = issue.articles.get(category=Article.Category.STORY)
    assert list(story.featured_members.all()) == [xihu_member]


def test_seed_is_idempotent():
    call_command("seed_demo_publications", stdout=io.StringIO())
    before = counts()
    call_command("seed_demo_publications", stdout=io.StringIO())
    assert counts() == before == [2, 7, 1, 3, 1, 3]


def test_seed_republishes_a_withdrawn_demo_issue(staff_user):
    from publications.services import issue_withdraw

    call_command("seed_demo_publications", stdout=io.StringIO())
    withdrawn = current_issue()
    issue_withdraw(issue=withdrawn, actor=staff_user)
    call_command("seed_demo_publications", stdout=io.StringIO())
    withdrawn.refresh_from_db()
    assert withdrawn.status == NewsletterIssue.Status.PUBLISHED


def test_seeded_bodies_are_clean_and_book_isbn_valid():
    from publications.isbn import is_valid_isbn

    call_command("seed_demo_publications", stdout=io.StringIO())
    for article in Article.objects.all():
        assert clean_html(article.body) == article.body
    assert is_valid_isbn(Book.objects.get().isbn)
