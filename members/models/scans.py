"""Scanned registration forms (登记表) attached to a member."""

import uuid

from django.conf import settings
from django.db import models

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from core.storage import private_storage
from core.uploads import validate_scan


def scan_path(instance, filename):
    # The stored name never carries the uploaded name (it often holds the ID number).
    return f"scans/{instance.member_id}/{uuid.uuid4().hex}"


class RegistrationScan(models.Model):
    """One scanned page or document of a member's 登记表 (PDF, JPEG or PNG, checked by content)."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"

    member = models.ForeignKey(
        "members.Member", verbose_name="劳模工匠", on_delete=models.CASCADE, related_name="scans"
    )
    file = models.FileField(
        "扫描件", upload_to=scan_path, storage=private_storage, validators=[validate_scan]
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, editable=False)
    original_name = models.CharField("原文件名", max_length=200, blank=True, editable=False)
    size = models.PositiveIntegerField("大小（字节）", default=0, editable=False)
    note = models.CharField("说明", max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    branch_path = "member__branch"
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        verbose_name = "登记表扫描件"
        verbose_name_plural = "登记表扫描件"
        ordering = ["member", "pk"]

    def __str__(self):
        return f"登记表扫描件 #{self.pk}"
