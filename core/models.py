"""The one access log of personal data, and the abstract photo and attachment of a branch.

``BranchPhoto`` and ``BranchAttachment`` are the one shape of every file a branch keeps beside
its records (photos of houses, activities, service events and condolence visits; assessment
attachments): kept in ``STORAGES["branch_files"]`` (served by ``/files/`` through
``visible_to``), under an unguessable name, checked by content, with a caption of up to 200
characters and the time of upload. The concrete models add the object they belong to.
"""

import re
import uuid
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models

from core.storage import branch_file_storage
from core.uploads import validate_image, validate_upload


def branch_file_path(instance, filename: str) -> str:
    """``<upload_folder>/<random>.<suffix>``: the uploader's file name (often a person's) is not kept.

    The suffix is the uploaded one when the model allows it (``/files/`` picks the content
    type by it), otherwise the model's first; the content itself is checked by the validator.
    """
    suffix = re.sub(r"[^a-z0-9.]", "", PurePosixPath(filename).suffix.lower())
    if suffix not in instance.upload_suffixes:
        suffix = instance.upload_suffixes[0]
    folder = instance.upload_folder or f"{instance._meta.app_label}/{instance._meta.model_name}"
    return f"{folder}/{uuid.uuid4().hex}{suffix}"


class BranchFile(models.Model):
    """Abstract: a file a branch keeps beside one of its records (see the module docstring)."""

    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    upload_folder: str | None = None  # default: <app_label>/<model_name>
    upload_suffixes: tuple[str, ...] = (".pdf", ".jpg", ".jpeg", ".png")

    class Meta:
        abstract = True
        ordering = ["pk"]


class BranchPhoto(BranchFile):
    """Abstract: a photo (JPEG or PNG up to 10 MB) with an optional caption."""

    image = models.ImageField(
        "照片", upload_to=branch_file_path, validators=[validate_image], storage=branch_file_storage
    )
    caption = models.CharField("说明", max_length=200, blank=True)

    upload_suffixes = (".jpg", ".jpeg", ".png")

    class Meta(BranchFile.Meta):
        abstract = True

    def __str__(self):
        return self.caption or f"照片{self.pk}"


class BranchAttachment(BranchFile):
    """Abstract: a named document (PDF, JPEG or PNG up to 20 MB)."""

    title = models.CharField("名称", max_length=100)
    file = models.FileField(
        "文件", upload_to=branch_file_path, validators=[validate_upload], storage=branch_file_storage
    )

    class Meta(BranchFile.Meta):
        abstract = True

    def __str__(self):
        return self.title


class AccessLog(models.Model):
    """An append-only record of who touched personal data, when, from where and how much."""

    class Action(models.TextChoices):
        EXPORT = "export", "导出"
        DOWNLOAD = "download", "下载"
        VIEW_ID = "view_id", "查看完整身份证号"
        IMPORT = "import", "导入"

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField("用户名", max_length=150, blank=True)
    action = models.CharField("操作", max_length=20, choices=Action.choices, db_index=True)
    target = models.CharField("对象", max_length=200, help_text="如“劳模工匠名册”“劳模证明 HZLM-2026-000123”")
    detail = models.JSONField(
        "详情", default=dict, blank=True, help_text="筛选条件、格式等；不含身份证号明文"
    )
    row_count = models.PositiveIntegerField("行数", null=True, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = "个人信息访问记录"
        verbose_name_plural = "个人信息访问记录"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.username} {self.get_action_display()} {self.target}"
