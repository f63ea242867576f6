"""The one access log of personal data: exports, downloads, views of full ID numbers."""

from django.conf import settings
from django.db import models


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
