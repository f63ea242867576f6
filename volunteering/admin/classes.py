"""Admin of the 双百工程 course catalogue, with the programme's progress above the list."""

from django.contrib import admin
from django.contrib.admin import RelatedOnlyFieldListFilter

from core.admin.base import ScopedModelAdmin
from core.admin.exporting import ExcelExportMixin

from ..models import Course
from ..statistics import double_hundred_progress
from .resources import CourseResource


@admin.register(Course)
class CourseAdmin(ExcelExportMixin, ScopedModelAdmin):
    resource_classes = [CourseResource]
    change_list_template = "volunteering/admin/course_change_list.html"
    list_display = ["subject", "teacher", "audience", "duration_hours", "classes_given", "active"]
    list_filter = ["audience", "active", ("teacher__branch", RelatedOnlyFieldListFilter)]
    search_fields = ["subject", "teacher__name"]
    autocomplete_fields = ["teacher"]
    list_select_related = ["teacher"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate_deliveries()

    @admin.display(description="已授课次数", ordering="classes_given")
    def classes_given(self, obj):
        return obj.classes_given

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "progress": double_hundred_progress(user=request.user)}
        return super().changelist_view(request, extra_context)
