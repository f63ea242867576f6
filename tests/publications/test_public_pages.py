"""Public /news/ pages: only published content, previews for its editors, Open Graph tags, search."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from publications.models import Article
from publications.services import issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(xihu):
    issue = f.NewsletterIssueFactory(number=20, title="匠心筑梦")
    article = f.ArticleFactory(issue=issue, title="三十年磨一剑", body="<p>汽轮机装配钳工的匠心人生。</p>")
    from publications.services import SYSTEM, issue_publish

    issue_submit(issue=issue, actor=SYSTEM)
    issue_publish(issue=issue, actor=SYSTEM)
    article.refresh_from_db()
    return article


@pytest.fixture
def draft(xihu):
    issue = f.NewsletterIssueFactory(number=21, branch=xihu)
    return f.ArticleFactory(issue=issue, title="草稿中的文章", body="<p>尚未发布的汽轮机报道。</p>")


@pytest.fixture
def in_review(xihu, xihu_officer):
    issue = f.NewsletterIssueFactory(number=22, branch=xihu)
    article = f.ArticleFactory(issue=issue, title="审核中的文章")
    issue_submit(issue=issue, actor=xihu_officer)
    return article


def _urls(article):
    return [
        reverse("publications:article", args=[article.pk]),
        reverse("publications:issue", args=[article.issue.number]),
        reverse("publications:issue_pdf", args=[article.issue.number]),
    ]


def test_published_issue_and_article_are_public(client, published):
    for url in _urls(published)[:2]:
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("state", ["draft", "in_review"])
def test_unpublished_content_is_404_for_the_public(client, request, state):
    article = request.getfixturevalue(state)
    for url in _urls(article):
        assert client.get(url).status_code == 404


def test_unpublished_content_is_404_for_a_member(client, draft, xihu_member):
    client.force_login(f.member_user(xihu_member))
    for url in _urls(draft):
        assert client.get(url).status_code == 404


def test_unpublished_content_is_404_for_another_branch_officer(client, draft, binjiang_officer):
    client.force_login(binjiang_officer)
    for url in _urls(draft):
        assert client.get(url).status_code == 404


def test_unpublished_content_is_404_for_an_officer_without_branch(client, draft):
    client.force_login(f.officer(None, username="nobranch"))
    assert client.get(_urls(draft)[0]).status_code == 404


def test_unknown_number_answers_like_unpublished(client, draft):
    unknown = client.get(reverse("publications:issue", args=[999]))
    hidden = client.get(reverse("publications:issue", args=[draft.issue.number]))
    assert unknown.status_code == hidden.status_code == 404


def test_editors_get_a_marked_noindex_preview(client, draft, xihu_officer, staff_user):
    for user in (xihu_officer, staff_user):
        client.force_login(user)
        response = client.get(_urls(draft)[0])
        assert response.status_code == 200
        html = response.content.decode()
        assert "预览" in html and 'content="noindex, nofollow"' in html


def test_published_page_is_not_marked_preview(client, published):
    html = client.get(_urls(published)[0]).content.decode()
    assert "noindex" not in html and "preview-banner" not in html


def test_index_lists_only_published_issues_and_articles(client, published, draft, in_review):
    html = client.get(reverse("publications:index")).content.decode()
    assert "三十年磨一剑" in html and "第20期" in html
    assert "草稿中的文章" not in html and "审核中的文章" not in html
    assert "第21期" not in html and "第22期" not in html


def test_index_filters_by_column(client, published):
    f.ArticleFactory(issue=published.issue, title="关于疗休养报名的通知", category=Article.Category.NOTICE)
    html = client.get(reverse("publications:index"), {"category": "notice"}).content.decode()
    assert "关于疗休养报名的通知" in html and "三十年磨一剑" not in html


def test_index_ignores_an_unknown_column(client, published):
    html = client.get(reverse("publications:index"), {"category": "<script>"}).content.decode()
    assert "三十年磨一剑" in html and "<script>" not in html


def test_withdrawn_issue_disappears_from_public_pages(client, published, staff_user):
    from publications.services import issue_withdraw

    issue_withdraw(issue=published.issue, actor=staff_user)
    assert client.get(_urls(published)[0]).status_code == 404
    assert "三十年磨一剑" not in client.get(reverse("publications:index")).content.decode()


def _og(html):
    return dict(re.findall(r'<meta property="og:(\w+)" content="([^"]*)">', html))


def test_article_page_has_open_graph_tags_with_absolute_urls(client, published):
    photo = f.ArticlePhotoFactory(article=published)
    og = _og(client.get(_urls(published)[0]).content.decode())
    assert og["title"] == "三十年磨一剑"
    assert og["description"] == "汽轮机装配钳工的匠心人生。"
    assert og["image"] == f"http://testserver{photo.image.url}"
    assert og["url"] == f"http://testserver/news/articles/{published.pk}/"


def test_open_graph_prefers_the_written_summary(client, published):
    published.summary = "一位钳工的三十年"
    published.save()
    assert _og(client.get(_urls(published)[0]).content.decode())["description"] == "一位钳工的三十年"


def test_open_graph_image_falls_back_to_the_issue_cover_then_the_default(client, published):
    og = _og(client.get(_urls(published)[0]).content.decode())
    assert og["image"] == "http://testserver/static/publications/og-default.png"
    published.issue.cover.save("cover.png", f.png_file(), save=True)
    og = _og(client.get(_urls(published)[0]).content.decode())
    assert og["image"] == f"http://testserver{published.issue.cover.url}"


def test_issue_and_index_pages_have_open_graph_tags(client, published):
    for url in (reverse("publications:index"), _urls(published)[1]):
        og = _og(client.get(url).content.decode())
        assert {"title", "description", "image", "url"} <= og.keys()
        assert og["url"].startswith("http://testserver/news/")


def test_pages_extend_the_mobile_first_base(client, published):
    html = client.get(_urls(published)[0]).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "/static/publications/news.css" in html


def test_article_page_links_neighbours_in_the_issue(client, published):
    second = f.ArticleFactory(issue=published.issue, title="第二篇", position=5)
    html = client.get(_urls(published)[0]).content.decode()
    assert f'href="/news/articles/{second.pk}/"' in html


# ---------------------------------------------------------------------------------------
# search
# ---------------------------------------------------------------------------------------


def test_search_finds_titles(client, published):
    html = client.get(reverse("publications:search"), {"q": "磨一剑"}).content.decode()
    assert "三十年磨一剑" in html and "共找到 1 篇" in html


def test_search_finds_words_in_bodies(client, published):
    html = client.get(reverse("publications:search"), {"q": "钳工"}).content.decode()
    assert "三十年磨一剑" in html


def test_search_never_returns_unpublished_articles(client, published, draft):
    html = client.get(reverse("publications:search"), {"q": "汽轮机"}).content.decode()
    assert "三十年磨一剑" in html and "草稿中的文章" not in html


def test_search_requires_every_word(client, published):
    assert "共找到 1 篇" in client.get(reverse("publications:search"), {"q": "钳工 匠心"}).content.decode()
    assert "共找到 0 篇" in client.get(reverse("publications:search"), {"q": "钳工 足球"}).content.decode()


def test_search_does_not_match_markup(client, published):
    # The body is stored as HTML; search reads its text, so tag names do not match.
    assert "共找到 0 篇" in client.get(reverse("publications:search"), {"q": "<p>"}).content.decode()


def test_search_escapes_the_term(client, published):
    html = client.get(reverse("publications:search"), {"q": '"><script>alert(1)</script>'}).content.decode()
    assert "<script>alert(1)</script>" not in html


def test_search_queryset_is_case_insensitive(published):
    f.ArticleFactory(issue=published.issue, title="CNC数控技能大赛")
    assert [a.title for a in Article.objects.published().search("cnc")] == ["CNC数控技能大赛"]


def test_readable_by_anonymous_is_published_only(published, draft, in_review):
    assert list(Article.objects.readable_by(AnonymousUser())) == [published]


def _many_articles(count):
    from publications.services import SYSTEM, issue_publish

    issue = f.NewsletterIssueFactory(cover=f.png_file("cover.png"))
    for i in range(count):
        article = f.ArticleFactory(issue=issue, title=f"第{i}篇")
        f.ArticlePhotoFactory(article=article)
    issue_submit(issue=issue, actor=SYSTEM)
    issue_publish(issue=issue, actor=SYSTEM)
    return issue


@pytest.mark.parametrize("name", ["index", "issue", "search"])
def test_list_pages_use_a_constant_number_of_queries(client, django_assert_max_num_queries, name):
    issue = _many_articles(8)
    urls = {
        "index": reverse("publications:index"),
        "issue": reverse("publications:issue", args=[issue.number]),
        "search": reverse("publications:search") + "?q=篇",
    }
    with django_assert_max_num_queries(6):
        response = client.get(urls[name])
    assert response.status_code == 200 and "第7篇" in response.content.decode()
