"""Public newsletter pages never print an image without a source (an article or issue without a photo)."""

import re

import pytest

from publications.services import SYSTEM, issue_publish, issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def issue_without_pictures():
    return f.published_issue(number=7, articles=2)


@pytest.fixture
def issue_with_pictures():
    issue = f.NewsletterIssueFactory(number=8, cover=f.png_file("cover.png"))
    article = f.ArticleFactory(issue=issue, title="有照片的文章")
    f.ArticlePhotoFactory(article=article, caption="比赛现场")
    issue_submit(issue=issue, actor=SYSTEM)
    issue_publish(issue=issue, actor=SYSTEM)
    return issue


def _empty_sources(body: str) -> list[str]:
    return re.findall(r'<img[^>]*\bsrc=""[^>]*>|<img(?![^>]*\bsrc=)[^>]*>|content=""', body)


def test_pages_without_pictures_print_no_empty_image(client, issue_without_pictures):
    article = issue_without_pictures.articles.first()
    for url in ("/news/", f"/news/issues/{issue_without_pictures.number}/", f"/news/articles/{article.pk}/",
                "/news/search/?q=正文"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert _empty_sources(body) == [], url
        assert "<img" not in body, url


def test_pages_with_pictures_show_them(client, issue_with_pictures):
    article = issue_with_pictures.articles.get()
    body = client.get("/news/").content.decode()
    assert re.search(r'<img src="/media/[^"]+" alt="比赛现场"', body)
    assert _empty_sources(body) == []
    body = client.get(f"/news/articles/{article.pk}/").content.decode()
    assert "<figcaption>比赛现场</figcaption>" in body and _empty_sources(body) == []
