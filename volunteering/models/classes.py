"""The 双百工程 catalogue: a hundred model workers giving a hundred classes at the grassroots."""

from django.db import models
from simple_history.models import HistoricalRecords

from core.scoping import scoped_manager
from members.models import Member

from ..querysets import CourseQuerySet


class Course(models.Model):
    """A class in the 双百 catalogue; each time it is given is a 送课 ServiceEvent linked to it."""

    class Audience(models.TextChoices):
        WORKERS = "workers", "一线职工"
        STUDENTS = "students", "职业院校学生"
        PUPILS = "pupils", "中小学生"
        COMMUNITY = "community", "社区居民"
        CONTESTANTS = "contestants", "技能竞赛选手"
        CADRES = "cadres", "工会干部"

    teacher = models.ForeignKey(
        Member, verbose_name="授课劳模工匠", on_delete=models.PROTECT, related_name="courses"
    )
    subject = models.CharField("课程名称", max_length=200)
    audience = models.CharField("面向对象", max_length=20, choices=Audience.choices)
    summary = models.TextField("课程简介", blank=True)
    duration_hours = models.DecimalField("课时（小时）", max_digits=4, decimal_places=1, default=2)
    active = models.BooleanField("可预约", default=True)

    history = HistoricalRecords()

    branch_path = "teacher__branch"
    objects = scoped_manager(CourseQuerySet)

    class Meta:
        verbose_name = "双百课程"
        verbose_name_plural = "双百课程"
        ordering = ["subject"]
        constraints = [
            models.UniqueConstraint(fields=["teacher", "subject"], name="course_unique_subject_per_teacher"),
            models.CheckConstraint(condition=models.Q(duration_hours__gt=0), name="course_duration_positive"),
        ]

    def __str__(self):
        return f"{self.subject}（{self.teacher}）"
