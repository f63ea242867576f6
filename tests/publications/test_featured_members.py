"""Articles linked to the registry: the member's /me/ section and the public article page."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from core.sections import _SECTIONS, member_sections
from publications.sections import featured_articles_context
from publications.services import SYSTEM, issue_publish, issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db


def publish(issue):
    issue_submit(issue=issue, actor=SYSTEM)
    return issue_publish(issue=issue, actor=SYSTEM)


@pytest.fixture
def story(xihu_member, binjiang_member):
    issue = f.NewsletterIssueFactory(number=20)
    article = f.ArticleFactory(issue=issue, title="三十年磨一剑", featured_members=[xihu_member])
    f.ArticleFactory(issue=issue, title="滨江的故事", featured_members=[binjiang_member])
    publish(issue)
    return article


def test_section_is_registered_for_the_member_page():
    section = _SECTIONS["publications"]
    assert (section.title, section.template) == ("报道我的文章", "publications/me/section.html")
    assert section.context is featured_articles_context


def test_section_lists_the_published_articles_featuring_the_member(story, xihu_member):
    assert [a.title for a in featured_articles_context(xihu_member)["articles"]] == ["三十年磨一剑"]


def test_section_leaves_out_unpublished_articles(story, xihu_member, xihu):
    draft = f.NewsletterIssueFactory(number=21, branch=xihu)
    f.ArticleFactory(issue=draft, title="还在草稿里", featured_members=[xihu_member])
    titles = [a.title for a in featured_articles_context(xihu_member)["articles"]]
    assert titles == ["三十年磨一剑"]


def test_section_lists_newest_issue_first(story, xihu_member):
    import datetime

    later = f.NewsletterIssueFactory(number=30, month=datetime.date(2030, 1, 1))
    f.ArticleFactory(issue=later, title="后来的报道", featured_members=[xihu_member])
    publish(later)
    assert [a.title for a in featured_articles_context(xihu_member)["articles"]] == [
        "后来的报道",
        "三十年磨一剑",
    ]


def test_section_template_renders_links_to_the_articles(story, xihu_member):
    html = render_to_string("publications/me/section.html", featured_articles_context(xihu_member))
    assert "三十年磨一剑" in html and f'href="/news/articles/{story.pk}/"' in html
    assert "滨江的故事" not in html


def test_section_template_says_when_there_is_nothing(xihu_member):
    html = render_to_string("publications/me/section.html", featured_articles_context(xihu_member))
    assert "还没有报道您的文章" in html


def test_member_sections_include_ours(story, xihu_member):
    sections = {s["key"]: s["context"] for s in member_sections(xihu_member)}
    assert [a.title for a in sections["publications"]["articles"]] == ["三十年磨一剑"]


def test_article_page_shows_featured_members_with_their_honour(client, story):
    html = client.get(reverse("publications:article", args=[story.pk])).content.decode()
    assert "本文报道的劳模工匠" in html
    assert "西湖甲" in html and "西湖工匠（2020年）" in html
    assert "滨江乙" not in html


def test_article_page_shows_no_personal_data_of_featured_members(client, story, xihu_member):
    html = client.get(reverse("publications:article", args=[story.pk])).content.decode()
    assert xihu_member.id_number not in html and xihu_member.mobile not in html
    assert xihu_member.employer not in html and xihu_member.address not in html


def test_featuring_queryset(story, xihu_member):
    from publications.models import Article

    assert list(Article.objects.featuring(xihu_member)) == [story]


def test_officer_edit_keeps_featured_members_of_other_branches(
    client, xihu, xihu_member, binjiang_member, xihu_officer
):
    issue = f.NewsletterIssueFactory(branch=xihu)
    article = f.ArticleFactory(issue=issue, featured_members=[xihu_member, binjiang_member])
    client.force_login(xihu_officer)
    response = client.post(
        reverse("admin:publications_article_change", args=[article.pk]),
        {
            "issue": issue.pk,
            "position": 0,
            "title": "改过的标题",
            "author": "",
            "category": "story",
            "summary": "",
            "body": "<p>正文</p>",
            "featured_members": [xihu_member.pk],
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "改过的标题"
    assert set(article.featured_members.all()) == {xihu_member, binjiang_member}


def test_featured_member_changes_are_in_history(xihu_member):
    article = f.ArticleFactory()
    article.featured_members.add(xihu_member)
    article.title = "新标题"
    article.save()
    latest = article.history.latest()
    assert [m.member for m in latest.featured_members.all()] == [xihu_member]
