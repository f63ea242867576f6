"""Import jobs: an uploaded file, its validation report, and the outcome of the write."""

from django.conf import settings
from django.db import models

from core.querysets import ScopedQuerySet
from core.scoping import scoped_manager
from core.storage import private_storage


class MemberImport(models.Model):
    """One import of the registry from a spreadsheet: preview first, then confirm."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "校验中"
        INVALID = "invalid", "有错误"
        READY = "ready", "待确认"
        WRITING = "writing", "写入中"
        DONE = "done", "已导入"
        FAILED = "failed", "失败"

    TRANSITIONS = {
        Status.VALIDATING: {Status.INVALID, Status.READY, Status.FAILED},
        Status.READY: {Status.WRITING, Status.INVALID, Status.FAILED},
        Status.WRITING: {Status.DONE, Status.INVALID, Status.FAILED},
    }

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="导入人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    branch = models.ForeignKey(
        "members.Branch", verbose_name="分会", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+", help_text="分会工作人员的导入限于本分会；协会导入为空",
    )  # fmt: skip
    file = models.FileField("文件", upload_to="imports/%Y/%m/", storage=private_storage, blank=True)
    filename = models.CharField("文件名", max_length=200)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.VALIDATING)
    total_rows = models.PositiveIntegerField("数据行数", default=0)
    report = models.JSONField("校验报告", default=dict, blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    branch_path = "branch"
    officer_actions = ("view", "add")
    objects = scoped_manager(ScopedQuerySet)

    class Meta:
        verbose_name = "导入记录"
        verbose_name_plural = "导入记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"
