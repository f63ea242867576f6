"""factory_boy factories of publications: issues, articles, photos, books, exhibitions."""

import datetime

import factory


def png_bytes(size=(8, 8), color="red") -> bytes:
    """A small real PNG (uploads are checked by content)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def png_file(name="image.png", **kwargs):
    from django.core.files.base import ContentFile

    return ContentFile(png_bytes(**kwargs), name=name)


class NewsletterIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.NewsletterIssue"

    number = factory.Sequence(lambda n: n + 1)
    month = factory.Sequence(lambda n: datetime.date(2020 + n // 12 % 5, n % 12 + 1, 1))
    title = ""
    branch = None


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Article"
        skip_postgeneration_save = True

    issue = factory.SubFactory(NewsletterIssueFactory)
    title = factory.Sequence(lambda n: f"文章标题{n}")
    author = "通讯员 李明"
    category = "story"
    body = "<p>正文第一段。</p><p>正文第二段。</p>"

    @factory.post_generation
    def featured_members(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.featured_members.add(*extracted)


class ArticlePhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.ArticlePhoto"

    article = factory.SubFactory(ArticleFactory)
    image = factory.LazyFunction(lambda: png_file("photo.png"))
    caption = "活动现场"


def published_issue(**kwargs):
    """An issue with one article, moved through review to published by the services."""
    from publications.services import SYSTEM, issue_publish, issue_submit

    articles = kwargs.pop("articles", 1)
    issue = NewsletterIssueFactory(**kwargs)
    for _ in range(articles):
        ArticleFactory(issue=issue)
    issue_submit(issue=issue, actor=SYSTEM)
    return issue_publish(issue=issue, actor=SYSTEM)


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Book"

    volume = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"匠心故事{n}")
    publisher = "浙江人民出版社"
    isbn = factory.Sequence(lambda n: _isbn13(n))
    year = 2020


def _isbn13(n: int) -> str:
    from publications.isbn import isbn13_check_digit

    first12 = f"97875213{n % 10000:04d}"
    return first12 + isbn13_check_digit(first12)


class ExhibitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Exhibition"

    title = factory.Sequence(lambda n: f"劳模工匠书画展{n}")
    start_date = datetime.date(2020, 9, 28)
    end_date = datetime.date(2020, 10, 11)
    venue = "杭州市职工文化中心"
    branch = None


class WorkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "publications.Work"

    exhibition = factory.SubFactory(ExhibitionFactory)
    guest_artist = "特邀作者"
    kind = "calligraphy"
    title = factory.Sequence(lambda n: f"作品{n}")
