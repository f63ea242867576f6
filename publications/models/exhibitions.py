"""Exhibitions of members' calligraphy, painting, seal carving, photography and crafts.

An exhibition belongs to a branch when a branch officer records it and to the association
when ``branch`` is empty (same rule as newsletter issues); works reach it through the
exhibition.
"""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from core.parsing import validate_reasonable_date
from core.scoping import scoped_manager
from core.uploads import validate_image
from members.models import Branch, Member

from ..querysets import ExhibitionQuerySet, WorkQuerySet
from .uploads import work_path


class Exhibition(models.Model):
    """An exhibition with its dates and venue."""

    title = models.CharField("展览名称", max_length=150)
    start_date = models.DateField("开幕日期", validators=[validate_reasonable_date])
    end_date = models.DateField("闭幕日期", validators=[validate_reasonable_date])
    venue = models.CharField("地点", max_length=150)
    organiser = models.CharField("主办单位", max_length=150, blank=True)
    description = models.TextField("简介", blank=True)
    branch = models.ForeignKey(
        Branch,
        verbose_name="主办分会",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exhibitions",
        help_text="留空表示协会主办；分会工作人员新建的展览自动归属本分会。",
    )

    history = HistoricalRecords()

    branch_path = "branch"
    objects = scoped_manager(ExhibitionQuerySet)

    class Meta:
        verbose_name = "展览"
        verbose_name_plural = "展览"
        ordering = ["-start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="exhibition_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "闭幕日期不能早于开幕日期。"})


class Work(models.Model):
    """One exhibited work, by a member of the registry or by a guest artist."""

    class Kind(models.TextChoices):
        CALLIGRAPHY = "calligraphy", "书法"
        PAINTING = "painting", "绘画"
        SEAL = "seal", "篆刻"
        PHOTOGRAPHY = "photography", "摄影"
        CRAFT = "craft", "工美"

    exhibition = models.ForeignKey(
        Exhibition, verbose_name="展览", on_delete=models.CASCADE, related_name="works"
    )
    artist = models.ForeignKey(
        Member,
        verbose_name="作者（劳模工匠）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exhibited_works",
    )
    guest_artist = models.CharField(
        "作者（特邀）", max_length=50, blank=True, help_text="作者不在名册中时填写姓名。"
    )
    kind = models.CharField("类别", max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField("作品名称", max_length=150)
    image = models.ImageField("作品图片", upload_to=work_path, blank=True, validators=[validate_image])
    size = models.CharField("尺寸", max_length=50, blank=True, help_text="如“138×69厘米”。")
    position = models.PositiveSmallIntegerField("展出顺序", default=0)

    history = HistoricalRecords()

    branch_path = "exhibition__branch"
    objects = scoped_manager(WorkQuerySet)

    class Meta:
        verbose_name = "展品"
        verbose_name_plural = "展品"
        ordering = ["exhibition", "position", "pk"]
        constraints = [
            # Exactly one author: a member of the registry or a guest's name.
            models.CheckConstraint(
                condition=(models.Q(artist__isnull=False) & models.Q(guest_artist=""))
                | (models.Q(artist__isnull=True) & ~models.Q(guest_artist="")),
                name="work_exactly_one_artist",
            ),
        ]

    def __str__(self):
        return f"{self.artist_name}《{self.title}》"

    @property
    def artist_name(self) -> str:
        return self.artist.name if self.artist_id else self.guest_artist

    def clean(self):
        super().clean()
        self.guest_artist = (self.guest_artist or "").strip()
        if self.artist_id and self.guest_artist:
            raise ValidationError("作者请二选一：名册中的劳模工匠，或特邀作者姓名。")
        if not self.artist_id and not self.guest_artist:
            raise ValidationError({"guest_artist": "请选择名册中的作者，或填写特邀作者姓名。"})
