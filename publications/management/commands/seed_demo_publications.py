"""Demo content for the publications app: a published issue, a book, an exhibition (idempotent)."""

import datetime

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from core.scoping import scopes_disabled
from members.models import Member
from publications.isbn import isbn13_check_digit
from publications.models import Article, Book, BookDistribution, Exhibition, NewsletterIssue, Work
from publications.models.books import SERIES_NAME
from publications.services import SYSTEM, issue_publish, issue_submit


def issue_number(month: datetime.date) -> int:
    """The monthly magazine's running number: No. 20 came out in November 2021."""
    return 20 + (month.year - 2021) * 12 + (month.month - 11)


def demo_months(today: datetime.date) -> list[datetime.date]:
    """The demo's issues: last month's and this month's (published), inside the current year."""
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    return [m for m in (last_month, this_month) if m.year == today.year]


ARTICLES = [
    (
        Article.Category.MEETING,
        "市劳模工匠协会召开{year}年度分会工作交流会",
        "协会秘书处",
        "<p>日前，杭州市劳模工匠协会在市职工文化中心召开{year}年度分会工作交流会，"
        "13个区县(市)分会和10个产业分会的负责人参加会议。</p>"
        "<p>会议总结了今年“双百”送课、技术攻关和走访慰问等工作，部署了明年的重点任务。</p>",
    ),
    (
        Article.Category.STORY,
        "三十年磨一剑：记汽轮机装配钳工的匠心人生",
        "记者 王晓明",
        "<p>在杭州汽轮动力集团的装配车间里，他一干就是三十年。从学徒到<strong>首席技师</strong>，"
        "他带出的徒弟已有四十多人。</p><h3>把每一道工序做到极致</h3>"
        "<p>“精度差一丝，机组就要多抖一分。”这是他常挂在嘴边的一句话。</p>",
    ),
    (
        Article.Category.TALENT,
        "翰墨飘香：劳模工匠书画篆刻作品展开幕",
        "西湖区分会",
        "<p>本次展览共展出44位劳模工匠创作的书法、绘画、篆刻作品82件，展期两周。</p>",
    ),
    (
        Article.Category.NOTICE,
        "关于开展{next_year}年劳模疗休养报名工作的通知",
        "协会办公室",
        "<p>各分会：{next_year}年度劳模疗休养报名工作即日启动，请于12月20日前报送名单。</p>"
        '<p>详情见<a href="https://www.hzgh.org/">杭州市总工会网站</a>。</p>',
    ),
]


EARLIER_ARTICLES = [
    (
        Article.Category.STORY,
        "一根焊枪三十年：记电力检修焊工的坚守",
        "记者 李晓燕",
        "<p>从变电站到输电线路，他把每一道焊缝都当作作品。</p><p>“焊缝不会说谎。”他常这样对徒弟说。</p>",
    ),
    (
        Article.Category.MEETING,
        "{year}年“双百”送课进校园活动启动",
        "协会秘书处",
        "<p>首批劳模工匠讲师走进职业院校，为学生讲授工艺与职业成长课程。</p>",
    ),
    (
        Article.Category.TALENT,
        "劳模工匠摄影作品征集启事",
        "协会办公室",
        "<p>以“劳动之美”为主题，征集劳模工匠及其家属的摄影作品。</p>",
    ),
]
THEMES = ["匠心筑梦 劳模风采", "技能报国 工匠精神", "劳动创造 奋斗有我", "传承技艺 薪火相传"]


def demo_isbn(serial: int) -> str:
    first12 = f"97875213{serial:04d}"
    return first12 + isbn13_check_digit(first12)


class Command(BaseCommand):
    help = "创建《劳模工匠坊》演示期刊（已发布，含文章）、一册丛书和一次展览（可重复运行，不会重复创建）。"

    @transaction.atomic
    @scopes_disabled()  # system job: demo data for every branch
    def handle(self, *args, **options):
        issue = self.seed_issue()
        book = self.seed_book()
        exhibition = self.seed_exhibition()
        self.stdout.write(
            self.style.SUCCESS(
                f"{issue}（{issue.get_status_display()}，{issue.articles.count()}篇文章）；"
                f"丛书{book}；展览“{exhibition}”（{exhibition.works.count()}件作品）。"
            )
        )

    def seed_issue(self) -> NewsletterIssue:
        today = timezone.localdate()
        issue = None
        for month in demo_months(today):
            issue = self.seed_one_issue(month, today)
        return issue

    def seed_one_issue(self, month: datetime.date, today: datetime.date) -> NewsletterIssue:
        issue, created = NewsletterIssue.objects.get_or_create(
            number=issue_number(month), defaults={"month": month, "title": THEMES[month.month % len(THEMES)]}
        )
        if created:
            cover = settings.BASE_DIR / "static" / "publications" / "og-default.png"
            issue.cover.save("cover.png", ContentFile(cover.read_bytes()), save=True)
            members = list(Member.objects.order_by("pk")[:2])
            words = {"year": month.year, "month": month.month, "next_year": month.year + 1}
            articles = ARTICLES if month == today.replace(day=1) else EARLIER_ARTICLES
            for position, (category, title, author, body) in enumerate(articles, start=1):
                article = Article.objects.create(
                    issue=issue, category=category, title=title.format(**words), author=author,
                    body=body.format(**words), position=position,
                )  # fmt: skip
                if category == Article.Category.STORY and members:
                    article.featured_members.add(*members)
        if issue.status == NewsletterIssue.Status.DRAFT:
            issue = issue_submit(issue=issue, actor=SYSTEM)
        if issue.status == NewsletterIssue.Status.REVIEW:
            issue = issue_publish(issue=issue, actor=SYSTEM)
            # Published on the fifth of its month (or today, for this month's issue before then).
            published = timezone.make_aware(
                datetime.datetime.combine(min(month.replace(day=5), today), datetime.time(9))
            )
            NewsletterIssue.objects.filter(pk=issue.pk).update(published_at=published)
        return issue

    def seed_book(self) -> Book:
        book, created = Book.objects.get_or_create(
            series=SERIES_NAME,
            volume=1,
            defaults={
                "title": "匠心：杭州工匠的故事",
                "editor": "杭州市劳模工匠协会 编",
                "publisher": "浙江人民出版社",
                "isbn": demo_isbn(1),
                "year": 2020,
            },
        )
        if created:
            for recipient, kind, copies, day in [
                ("浙江工业大学", BookDistribution.RecipientKind.UNIVERSITY, 200, datetime.date(2020, 11, 5)),
                ("杭州技师学院", BookDistribution.RecipientKind.VOCATIONAL, 150, datetime.date(2020, 11, 20)),
                ("杭州市长寿桥小学", BookDistribution.RecipientKind.SCHOOL, 60, datetime.date(2021, 4, 23)),
            ]:
                BookDistribution.objects.create(
                    book=book, recipient=recipient, recipient_kind=kind, copies=copies, date=day
                )
        return book

    def seed_exhibition(self) -> Exhibition:
        exhibition, created = Exhibition.objects.get_or_create(
            title="劳模工匠书画篆刻作品展",
            start_date=datetime.date(2020, 9, 28),
            defaults={
                "end_date": datetime.date(2020, 10, 11),
                "venue": "杭州市职工文化中心",
                "organiser": "杭州市劳模工匠协会",
            },
        )
        if created:
            members = list(Member.objects.order_by("pk")[:2])
            works = [
                (Work.Kind.CALLIGRAPHY, "行书·劳动最光荣", members[0] if members else None, "特邀书家"),
                (Work.Kind.PAINTING, "西湖春晓", members[1] if len(members) > 1 else None, "特邀画家"),
                (Work.Kind.SEAL, "匠心独运", None, "陈篆刻"),
            ]
            for position, (kind, title, artist, guest) in enumerate(works, start=1):
                Work.objects.create(
                    exhibition=exhibition,
                    kind=kind,
                    title=title,
                    artist=artist,
                    guest_artist="" if artist else guest,
                    position=position,
                )
        return exhibition
