"""The association's electronic seal (电子印章): printed over the issuer and date of every
certificate and card. Association-only (no ``branch_path``), one row, kept with its history."""

import uuid

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from core.storage import private_storage


def seal_path(instance, filename) -> str:
    # A new name per upload: the replaced image stays in storage for the history.
    return f"seals/{uuid.uuid4().hex}.png"


class SealQuerySet(models.QuerySet):
    def current(self):
        """The seal in use, or None."""
        return self.filter(key=DocumentSeal.KEY).first()


class DocumentSeal(models.Model):
    """The seal image: a transparent PNG made from the upload by members.services.seals."""

    KEY = "association"

    key = models.CharField(max_length=20, default=KEY, editable=False, unique=True)
    image = models.FileField("印章图片", upload_to=seal_path, storage=private_storage)
    width_px = models.PositiveIntegerField("宽（像素）", editable=False)
    height_px = models.PositiveIntegerField("高（像素）", editable=False)
    note = models.CharField(
        "说明", max_length=200, blank=True, help_text="例如：2026年启用，由办公室提供扫描件。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+", editable=False,
    )  # fmt: skip

    history = HistoricalRecords()
    objects = SealQuerySet.as_manager()

    class Meta:
        verbose_name = "电子印章"
        verbose_name_plural = "电子印章"

    def __str__(self):
        return f"{settings.ASSOCIATION_NAME}电子印章"
