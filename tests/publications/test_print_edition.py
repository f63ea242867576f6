"""The print edition: the whole issue as a multi-page PDF through the one renderer."""

import subprocess

import pytest
from django.urls import reverse

from core import documents
from publications.services import SYSTEM, issue_print_context, issue_print_pdf, issue_publish, issue_submit
from tests import factories as f

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "issue.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_pages(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "info.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def pdf_image_count(pdf: bytes, tmp_path) -> int:
    path = tmp_path / "images.pdf"
    path.write_bytes(pdf)
    listing = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return len(listing.strip().splitlines()) - 2  # two header lines


@pytest.fixture
def issue():
    issue = f.NewsletterIssueFactory(number=20, title="匠心筑梦")
    story = f.ArticleFactory(issue=issue, title="三十年磨一剑", category="story", position=1)
    f.ArticleFactory(issue=issue, title="分会工作交流会召开", category="meeting", position=2)
    f.ArticlePhotoFactory(article=story, caption="在装配车间")
    issue_submit(issue=issue, actor=SYSTEM)
    return issue_publish(issue=issue, actor=SYSTEM)


def test_print_pdf_opens_and_pdftotext_finds_the_article_titles(issue, tmp_path):
    pdf = issue_print_pdf(issue=issue)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf, tmp_path)
    assert "三十年磨一剑" in text and "分会工作交流会召开" in text
    assert "劳模工匠坊" in text and "第20期" in text


def test_print_pdf_has_a_front_page_with_contents_then_the_articles(issue, tmp_path):
    pdf = issue_print_pdf(issue=issue)
    assert pdf_pages(pdf, tmp_path) >= 2
    path = tmp_path / "pages.pdf"
    path.write_bytes(pdf)

    def page(n):
        args = ["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"]
        return subprocess.run(args, capture_output=True, text=True, check=True).stdout

    assert "本期目录" in page(1) and "正文第一段" not in page(1)
    assert "三十年磨一剑" in page(2) and "正文第一段" in page(2)


def test_a_long_issue_runs_over_many_pages(tmp_path):
    issue = f.NewsletterIssueFactory()
    for i in range(6):
        f.ArticleFactory(
            issue=issue, title=f"长文{i}", body="<p>" + "劳模精神、劳动精神、工匠精神。" * 120 + "</p>"
        )
    text = pdf_text(pdf := issue_print_pdf(issue=issue), tmp_path)
    assert pdf_pages(pdf, tmp_path) > 6
    assert all(f"长文{i}" in text for i in range(6))


def test_photos_go_in_as_data_urls_and_are_embedded(issue, tmp_path):
    context = issue_print_context(issue)
    photos = [p for item in context["articles"] for p in item["photos"]]
    assert photos and all(p["src"].startswith("data:image/png;base64,") for p in photos)
    assert pdf_image_count(issue_print_pdf(issue=issue), tmp_path) == 1
    assert "在装配车间" in pdf_text(issue_print_pdf(issue=issue), tmp_path)


def test_print_pdf_goes_through_the_one_renderer(issue, monkeypatch):
    calls = []
    real = documents.render_pdf

    def spy(template_name, context):
        calls.append(template_name)
        return real(template_name, context)

    monkeypatch.setattr("publications.services.print_edition.render_pdf", spy)
    issue_print_pdf(issue=issue)
    assert calls == ["publications/pdf/issue.html"]


def test_print_pdf_is_cached_until_the_issue_changes(issue, monkeypatch):
    calls = []
    real = documents.render_pdf
    monkeypatch.setattr(
        "publications.services.print_edition.render_pdf", lambda t, c: calls.append(t) or real(t, c)
    )
    issue_print_pdf(issue=issue)
    issue_print_pdf(issue=issue)
    assert len(calls) == 1
    article = issue.articles.first()
    article.title = "改过的标题"
    article.save()
    issue_print_pdf(issue=issue)
    assert len(calls) == 2


def test_a_link_to_a_local_file_in_a_body_is_not_embedded(tmp_path):
    issue = f.NewsletterIssueFactory()
    f.ArticleFactory(
        issue=issue, body='<p>正文</p><a href="file:///etc/passwd">x</a><img src="file:///etc/passwd">'
    )
    pdf = issue_print_pdf(issue=issue)
    assert b"root:" not in pdf and "root:" not in pdf_text(pdf, tmp_path)


def test_public_pdf_download(client, issue, tmp_path):
    response = client.get(reverse("publications:issue_pdf", args=[20]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "laomo-gongjiangfang-020.pdf" in response["Content-Disposition"]
    assert "三十年磨一剑" in pdf_text(response.content, tmp_path)


def test_preview_pdf_for_editors_is_not_cached_by_browsers(client, xihu, xihu_officer):
    draft = f.NewsletterIssueFactory(branch=xihu)
    f.ArticleFactory(issue=draft)
    client.force_login(xihu_officer)
    response = client.get(reverse("publications:issue_pdf", args=[draft.number]))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
