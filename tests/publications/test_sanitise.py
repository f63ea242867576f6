"""Article bodies are sanitised on save: stored XSS never reaches the database or a page."""

import pytest
from django.urls import reverse

from publications.models import Article
from publications.sanitise import clean_html, html_to_text, summarise
from tests import factories as f

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"><circle/></svg>',
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="JaVaScRiPt:alert(1)">点我</a>',
    '<a href="java&#x09;script:alert(1)">点我</a>',
    '<a href="&#106;avascript:alert(1)">点我</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">点我</a>',
    '<a href="vbscript:msgbox(1)">点我</a>',
    '<p onclick="alert(1)" onmouseover="alert(1)">段落</p>',
    '<iframe src="https://evil.example"></iframe>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<style>body{background:url("javascript:alert(1)")}</style>',
    '<p style="background:url(javascript:alert(1))">样式</p>',
    '<form action="https://evil.example"><input name="pw"></form>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<base href="https://evil.example/">',
    "<div><p>嵌套<script>alert(1)</script></p></div>",
    "<!--<script>alert(1)</script>-->",
]
FORBIDDEN = ("<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "vbscript:", "data:text",
             "<iframe", "<object", "<embed", "<style", "style=", "<form", "<input", "<meta", "<base", "<img", "<svg")  # fmt: skip


@pytest.mark.parametrize("payload", XSS)
def test_clean_html_removes_the_attack(payload):
    cleaned = clean_html(f"<p>前文</p>{payload}<p>后文</p>").lower()
    for needle in FORBIDDEN:
        assert needle not in cleaned, needle


@pytest.mark.django_db
@pytest.mark.parametrize("payload", XSS)
def test_stored_body_is_sanitised_on_save(payload):
    article = f.ArticleFactory(body=f"<p>前文</p>{payload}")
    stored = Article.objects.get(pk=article.pk).body.lower()
    for needle in FORBIDDEN:
        assert needle not in stored, needle


@pytest.mark.django_db
def test_save_with_update_fields_sanitises_too():
    article = f.ArticleFactory()
    article.body = "<p>新内容</p><script>alert(1)</script>"
    article.save(update_fields=["body"])
    article.refresh_from_db()
    assert article.body == "<p>新内容</p>"
    assert article.body_text == "新内容"


@pytest.mark.django_db
def test_admin_post_of_an_xss_body_stores_it_clean(client, staff_user):
    issue = f.NewsletterIssueFactory()
    client.force_login(staff_user)
    response = client.post(
        reverse("admin:publications_article_add"),
        {
            "issue": issue.pk,
            "position": 1,
            "title": "含脚本的投稿",
            "author": "",
            "category": "story",
            "summary": "",
            "body": '<p onclick="steal()">正文</p><script>alert(document.cookie)</script><a href="javascript:x()">链接</a>',
            "photos-TOTAL_FORMS": "0",
            "photos-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    article = Article.objects.get(title="含脚本的投稿")
    assert "script" not in article.body and "onclick" not in article.body and "javascript" not in article.body
    assert "<p>正文</p>" in article.body


@pytest.mark.django_db
def test_public_page_serves_the_sanitised_body(client):
    issue = f.NewsletterIssueFactory()
    article = f.ArticleFactory(issue=issue, body='<p>正文<img src=x onerror="alert(1)"></p>')
    from publications.services import SYSTEM, issue_publish, issue_submit

    issue_submit(issue=issue, actor=SYSTEM)
    issue_publish(issue=issue, actor=SYSTEM)
    html = client.get(reverse("publications:article", args=[article.pk])).content.decode()
    assert "onerror" not in html and "<p>正文</p>" in html


def test_safe_formatting_survives():
    body = (
        "<h3>小标题</h3><p><strong>加粗</strong><em>斜体</em></p><ul><li>一</li></ul>"
        '<blockquote>引用</blockquote><a href="https://www.hzgh.org/" title="总工会">链接</a>'
    )
    cleaned = clean_html(body)
    for kept in ("<h3>小标题</h3>", "<strong>加粗</strong>", "<li>一</li>", "<blockquote>引用</blockquote>"):
        assert kept in cleaned
    assert 'href="https://www.hzgh.org/"' in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_plain_text_becomes_escaped_paragraphs():
    assert clean_html("第一段 A&B\n\n第二段") == "<p>第一段 A&amp;B</p><p>第二段</p>"


def test_body_text_and_summary():
    text = html_to_text("<h3>标题</h3><p>第一段&amp;内容</p><p>第二段</p>")
    assert text == "标题\n第一段&内容\n第二段"
    assert summarise("一" * 200, 10) == "一" * 9 + "…"
