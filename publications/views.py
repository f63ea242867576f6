"""Public pages of the newsletter: published content for everybody, previews for its editors.

Anything not published answers 404 to the public, exactly like a number that does not
exist. Staff who may see an unpublished issue in the admin (association staff; the
officers of its branch) get a marked, non-indexed preview instead.
"""

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from core.scoping import scopes_disabled
from members.models import Member

from .models import Article, NewsletterIssue
from .models.newsletter import NEWSLETTER_NAME
from .services import issue_print_pdf

PAGE_SIZE = 12
OG_DEFAULT_IMAGE = "publications/og-default.png"


def _og(request, *, title, description, image_url=None, url=None, kind="article"):
    """Open Graph tags: what WeChat and others show for a shared link (absolute URLs)."""
    image = image_url or static(OG_DEFAULT_IMAGE)
    return {
        "og_title": title,
        "og_description": description,
        "og_image": request.build_absolute_uri(image),
        "og_url": request.build_absolute_uri(url or request.path),
        "og_type": kind,
    }


def _category(request):
    value = request.GET.get("category", "")
    return value if value in Article.Category.values else ""


@require_GET
@scopes_disabled()  # public pages: published rows of any branch; previews only via readable_by(user)
def news_index(request):
    """Latest published articles (by column), the list of published issues."""
    category = _category(request)
    articles = Article.objects.published().for_listing().prefetch_related("photos")
    if category:
        articles = articles.filter(category=category)
    page = Paginator(articles, PAGE_SIZE).get_page(request.GET.get("page"))
    issues = NewsletterIssue.objects.published().order_by("-month", "-number")
    latest = issues.first()
    context = {
        "page": page,
        "issues": issues,
        "categories": Article.Category.choices,
        "category": category,
        "term": "",  # the search form shared with the search page
        "newsletter_name": NEWSLETTER_NAME,
        **_og(
            request,
            title=f"《{NEWSLETTER_NAME}》",
            description="杭州市劳模工匠协会会刊：会议活动、劳模故事、才艺展示、通知公告。",
            image_url=latest.cover.url if latest and latest.cover else None,
            kind="website",
        ),
    }
    return render(request, "publications/index.html", context)


@require_GET
@scopes_disabled()  # public pages: published rows of any branch; previews only via readable_by(user)
def news_search(request):
    """Published articles whose title, author or body contains every word of ``q``."""
    term = request.GET.get("q", "").strip()[:100]
    results = Article.objects.none()
    if term:
        results = Article.objects.published().search(term).for_listing().prefetch_related("photos")
    page = Paginator(results, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "term": term,
        "page": page,
        "newsletter_name": NEWSLETTER_NAME,
        **_og(
            request, title=f"搜索“{term}” · 《{NEWSLETTER_NAME}》", description="搜索《劳模工匠坊》的文章。"
        ),
    }
    return render(request, "publications/search.html", context)


def _readable_issue(request, number) -> NewsletterIssue:
    return get_object_or_404(
        NewsletterIssue.objects.readable_by(request.user).select_related("branch"), number=number
    )


@require_GET
@scopes_disabled()  # public pages: published rows of any branch; previews only via readable_by(user)
def issue_detail(request, number):
    """One issue: its cover and its articles grouped in print order."""
    issue = _readable_issue(request, number)
    articles = issue.articles.order_by("position", "pk").prefetch_related("photos")
    context = {
        "issue": issue,
        "articles": articles,
        "preview": not issue.is_published,
        "newsletter_name": NEWSLETTER_NAME,
        **_og(
            request,
            title=f"{issue}" + (f"：{issue.title}" if issue.title else ""),
            description=f"{issue.month_label}出版，共{len(articles)}篇："
            + "、".join(a.title for a in articles[:5]),
            image_url=issue.cover.url if issue.cover else None,
            url=issue.get_absolute_url(),
            kind="website",
        ),
    }
    return render(request, "publications/issue.html", context)


@require_GET
@scopes_disabled()  # public pages: published rows of any branch; previews only via readable_by(user)
def issue_pdf(request, number):
    """The print edition of an issue as a PDF (the public: published issues only)."""
    issue = _readable_issue(request, number)
    pdf = issue_print_pdf(issue=issue)
    response = HttpResponse(pdf, content_type="application/pdf")
    filename = f"laomo-gongjiangfang-{issue.number:03d}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    if not issue.is_published:
        response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@scopes_disabled()  # public pages: published rows of any branch; previews only via readable_by(user)
def article_detail(request, pk):
    """One article with its photos, the members it features and its neighbours in the issue."""
    queryset = Article.objects.readable_by(request.user).select_related("issue", "issue__branch")
    article = get_object_or_404(queryset, pk=pk)
    photos = list(article.photos.all())
    featured = (
        Member.objects.filter(featured_in_articles=article)
        .with_highest_honor()
        .only("pk", "name")
        .order_by("name")
    )
    siblings = list(article.issue.articles.order_by("position", "pk").only("pk", "title", "position"))
    index = next((i for i, a in enumerate(siblings) if a.pk == article.pk), None)
    if index is None:  # pragma: no cover - the article is in its own issue
        raise Http404
    context = {
        "article": article,
        "issue": article.issue,
        "photos": photos,
        "featured": featured,
        "previous": siblings[index - 1] if index > 0 else None,
        "next": siblings[index + 1] if index + 1 < len(siblings) else None,
        "preview": not article.issue.is_published,
        "newsletter_name": NEWSLETTER_NAME,
        **_og(
            request,
            title=article.title,
            description=article.lead,
            image_url=photos[0].image.url
            if photos
            else (article.issue.cover.url if article.issue.cover else None),
            url=article.get_absolute_url(),
        ),
    }
    return render(request, "publications/article.html", context)
