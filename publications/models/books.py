"""The book series 《杭州劳模工匠系列丛书》 and where its copies went (association-only)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.uploads import validate_image

from ..isbn import format_isbn13, normalise_isbn, to_isbn13, validate_isbn
from .uploads import cover_path

SERIES_NAME = "杭州劳模工匠系列丛书"


class Book(models.Model):
    """One volume of a book series; the ISBN is stored in its 13-digit form."""

    series = models.CharField("丛书名", max_length=100, default=SERIES_NAME)
    volume = models.PositiveSmallIntegerField("分册", help_text="丛书中的册次，如第3册填3。")
    title = models.CharField("书名", max_length=150)
    editor = models.CharField("编著者", max_length=150, blank=True)
    publisher = models.CharField("出版社", max_length=100)
    isbn = models.CharField(
        "ISBN",
        max_length=17,
        unique=True,
        validators=[validate_isbn],
        help_text="10位或13位，可带连字符；保存为13位。",
    )
    year = models.PositiveSmallIntegerField("出版年份")
    cover = models.ImageField("封面", upload_to=cover_path, blank=True, validators=[validate_image])
    description = models.TextField("内容简介", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "丛书"
        verbose_name_plural = "丛书"
        ordering = ["series", "volume"]
        constraints = [
            models.UniqueConstraint(fields=["series", "volume"], name="book_series_volume_unique"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1949) & models.Q(year__lte=2100), name="book_year_range"
            ),
            models.CheckConstraint(condition=models.Q(volume__gte=1), name="book_volume_positive"),
        ]

    def __str__(self):
        return f"《{self.title}》"

    def save(self, *args, **kwargs):
        normalised = normalise_isbn(self.isbn)
        if len(normalised) in (10, 13):
            self.isbn = to_isbn13(normalised) if len(normalised) == 10 else normalised
        super().save(*args, **kwargs)

    @property
    def isbn_display(self) -> str:
        return format_isbn13(self.isbn) if self.isbn else ""

    def clean(self):
        super().clean()
        if self.year and self.year > datetime.date.today().year + 1:
            raise ValidationError({"year": "出版年份不能晚于明年。"})
        if self.isbn:
            try:
                validate_isbn(self.isbn)
            except ValidationError:
                return  # the field validator reports it
            self.isbn = to_isbn13(self.isbn)


class BookDistribution(models.Model):
    """Copies of a book given to a school or university on a date."""

    class RecipientKind(models.TextChoices):
        UNIVERSITY = "university", "高等院校"
        VOCATIONAL = "vocational", "职业院校"
        SCHOOL = "school", "中小学"
        OTHER = "other", "其他单位"

    book = models.ForeignKey(
        Book, verbose_name="图书", on_delete=models.PROTECT, related_name="distributions"
    )
    recipient = models.CharField("受赠单位", max_length=150)
    recipient_kind = models.CharField("单位类别", max_length=20, choices=RecipientKind.choices)
    copies = models.PositiveIntegerField("册数")
    date = models.DateField("赠送日期", validators=[validate_reasonable_date])
    contact = models.CharField("接收人", max_length=50, blank=True)
    notes = models.CharField("备注", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "赠书记录"
        verbose_name_plural = "赠书记录"
        ordering = ["-date", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(copies__gte=1), name="distribution_copies_positive"),
        ]

    def __str__(self):
        return f"{self.recipient} {self.copies}册"

    def clean(self):
        super().clean()
        if self.date and self.date > datetime.date.today():
            raise ValidationError({"date": "赠送日期不能晚于今天。"})
