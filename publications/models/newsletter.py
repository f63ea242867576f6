"""The newsletter 《劳模工匠坊》: issues, their articles and the articles' photos.

Scoping: an issue belongs to a branch when a branch officer prepares it, and to the
association when ``branch`` is empty. ``branch_path = "branch"`` puts both under the one
mechanism: association staff see every issue (their own and every branch's), an officer
sees only its branch's issues, and nobody else sees any in the admin. Articles and photos
reach the branch through their issue. The public reads published issues only.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from core.models import BranchPhoto
from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from core.uploads import validate_image
from members.models import Branch, Member

from ..querysets import ArticlePhotoQuerySet, ArticleQuerySet, NewsletterIssueQuerySet
from ..sanitise import clean_html, html_to_text, summarise
from .uploads import cover_path, photo_path

NEWSLETTER_NAME = "劳模工匠坊"


class NewsletterIssue(models.Model):
    """One monthly issue of 《劳模工匠坊》; its life cycle is in ``TRANSITIONS``."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        REVIEW = "review", "审核"
        PUBLISHED = "published", "已发布"

    number = models.PositiveIntegerField("期号", unique=True, help_text="全刊连续编号，如第20期填20。")
    month = models.DateField(
        "出版月份", help_text="任选该月中的一天，保存为该月1日。", validators=[validate_reasonable_date]
    )
    title = models.CharField("本期主题", max_length=100, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    cover = models.ImageField(
        "封面",
        upload_to=cover_path,
        blank=True,
        validators=[validate_image],
        help_text="JPEG或PNG，10MB以内。",
    )
    branch = models.ForeignKey(
        Branch,
        verbose_name="编辑分会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="newsletter_issues",
        help_text="留空表示由协会编辑；分会工作人员新建的期刊自动归属本分会。",
    )
    review_note = models.CharField("审核意见", max_length=500, blank=True, editable=False)
    submitted_at = models.DateTimeField("提交审核时间", null=True, blank=True, editable=False)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    branch_path = "branch"
    objects = scoped_manager(NewsletterIssueQuerySet)

    # The life cycle: submit for review, send back, publish, withdraw a published issue.
    TRANSITIONS = {
        Status.DRAFT: {Status.REVIEW},
        Status.REVIEW: {Status.DRAFT, Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }

    class Meta:
        verbose_name = "《劳模工匠坊》期刊"
        verbose_name_plural = "《劳模工匠坊》期刊"
        ordering = ["-month", "-number"]
        constraints = [
            models.CheckConstraint(condition=models.Q(number__gte=1), name="newsletter_number_positive"),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_at__isnull=False),
                name="newsletter_published_has_date",
            ),
        ]

    def __str__(self):
        return f"《{NEWSLETTER_NAME}》第{self.number}期"

    def save(self, *args, **kwargs):
        if self.month:
            self.month = self.month.replace(day=1)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publications:issue", args=[self.number])

    @property
    def month_label(self) -> str:
        return f"{self.month.year}年{self.month.month}月" if self.month else ""

    @property
    def owner_label(self) -> str:
        return self.branch.name if self.branch_id else "协会"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def clean(self):
        super().clean()
        if self.month:
            self.month = self.month.replace(day=1)
            if self.month > datetime.date.today().replace(day=1) + datetime.timedelta(days=366):
                raise ValidationError({"month": "出版月份不能晚于明年。"})
            if self.month.year < 2000:
                raise ValidationError({"month": "出版月份有误，请核对。"})


class Article(models.Model):
    """One article of an issue; its body is sanitised rich text."""

    class Category(models.TextChoices):
        MEETING = "meeting", "会议活动"
        STORY = "story", "劳模故事"
        TALENT = "talent", "才艺展示"
        NOTICE = "notice", "通知公告"

    issue = models.ForeignKey(
        NewsletterIssue, verbose_name="所属期刊", on_delete=models.CASCADE, related_name="articles"
    )
    title = models.CharField("标题", max_length=120)
    author = models.CharField("作者", max_length=100, blank=True, help_text="如“记者 王小明”或“西湖区分会”。")
    category = models.CharField("栏目", max_length=20, choices=Category.choices, db_index=True)
    summary = models.CharField(
        "摘要", max_length=200, blank=True, help_text="分享到微信时显示；留空则取正文开头。"
    )
    body = models.TextField(
        "正文",
        help_text="可直接粘贴文字（空行分段），或使用 HTML：段落、标题、加粗、列表、引用、表格、链接。"
        "脚本、样式、图片标签和事件属性会被自动清除；图片请在下方“照片”中上传。",
    )
    body_text = models.TextField("正文纯文本", blank=True, editable=False)
    position = models.PositiveSmallIntegerField(
        "版面顺序", default=0, help_text="本期内的排列顺序，小的在前。"
    )
    featured_members = models.ManyToManyField(
        Member,
        verbose_name="报道的劳模工匠",
        blank=True,
        related_name="featured_in_articles",
        help_text="与名册关联后，文章会出现在本人的“我的”页面。",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "body_text"], m2m_fields=[featured_members])

    branch_path = "issue__branch"
    objects = scoped_manager(ArticleQuerySet)

    class Meta:
        verbose_name = "文章"
        verbose_name_plural = "文章"
        ordering = ["issue", "position", "pk"]
        indexes = [models.Index(fields=["issue", "position"], name="article_issue_position")]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # Whatever writes an article (admin, service, command, fixture), the body is clean.
        self.body = clean_html(self.body)
        self.body_text = html_to_text(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_text"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("publications:article", args=[self.pk])

    @property
    def lead(self) -> str:
        """The summary shown in lists and shared links."""
        return self.summary or summarise(self.body_text)


class ArticlePhoto(BranchPhoto):
    """A photo printed with an article (and used as its shared-link image).

    The one branch photo that is public by design: a published issue's photos are printed and
    shared, so the image lives in public media (under a random name, see ``uploads``), not in
    the branch-files storage.
    """

    article = models.ForeignKey(Article, verbose_name="文章", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to=photo_path, validators=[validate_image])
    position = models.PositiveSmallIntegerField("顺序", default=0)

    history = HistoricalRecords()

    branch_path = "article__issue__branch"
    objects = scoped_manager(ArticlePhotoQuerySet)

    class Meta(BranchPhoto.Meta):
        verbose_name = "文章照片"
        verbose_name_plural = "文章照片"
        ordering = ["article", "position", "pk"]

    def __str__(self):
        return self.caption or f"照片{self.position or ''}".strip()
