"""双百工程: progress toward a hundred teachers and a hundred classes."""

import datetime

import pytest

from tests import factories as f
from volunteering.statistics import DoubleHundredProgress, double_hundred_progress

pytestmark = pytest.mark.django_db


def given(course, team, status="done", date=datetime.date(2025, 4, 1)):
    return f.ServiceEventFactory(team=team, category="class", course=course, status=status, date=date)


def test_progress_counts_classes_and_distinct_teachers(staff_user, xihu, xihu_team):
    teacher_a, teacher_b = f.MemberFactory(branch=xihu), f.MemberFactory(branch=xihu)
    welding = f.CourseFactory(teacher=teacher_a)
    lean = f.CourseFactory(teacher=teacher_a)
    safety = f.CourseFactory(teacher=teacher_b)
    given(welding, xihu_team)
    given(welding, xihu_team)
    given(lean, xihu_team)
    given(safety, xihu_team, date=datetime.date(2024, 9, 1))
    given(safety, xihu_team, status="planned")  # not given yet
    f.ServiceEventFactory(team=xihu_team, category="class")  # a class outside the catalogue
    progress = double_hundred_progress(user=staff_user)
    assert (progress.classes, progress.teachers) == (4, 2)
    assert (progress.class_percent, progress.teacher_percent) == (4, 2)
    assert (progress.catalogue_courses, progress.catalogue_teachers) == (3, 2)
    assert not progress.achieved
    in_2025 = double_hundred_progress(user=staff_user, year=2025)
    assert (in_2025.classes, in_2025.teachers) == (3, 1)


def test_goal_is_reached_at_a_hundred_each_and_percent_is_capped():
    assert DoubleHundredProgress(
        teachers=100, classes=130, catalogue_courses=0, catalogue_teachers=0
    ).achieved
    over = DoubleHundredProgress(teachers=99, classes=130, catalogue_courses=0, catalogue_teachers=0)
    assert not over.achieved and over.class_percent == 100 and over.teacher_percent == 99


def test_officer_sees_own_branch_progress(xihu_officer, xihu, binjiang, xihu_team, binjiang_team):
    given(f.CourseFactory(teacher=f.MemberFactory(branch=xihu)), xihu_team)
    given(f.CourseFactory(teacher=f.MemberFactory(branch=binjiang)), binjiang_team)
    progress = double_hundred_progress(user=xihu_officer)
    assert (progress.classes, progress.teachers, progress.catalogue_courses) == (1, 1, 1)
    nobody = double_hundred_progress(user=f.officer(None))
    assert (nobody.classes, nobody.teachers, nobody.catalogue_courses) == (0, 0, 0)


def test_course_changelist_shows_progress(client, staff_user, xihu, xihu_team):
    given(f.CourseFactory(teacher=f.MemberFactory(branch=xihu), subject="焊接工艺与质量控制"), xihu_team)
    client.force_login(staff_user)
    response = client.get("/admin/volunteering/course/")
    body = response.content.decode()
    assert "双百工程" in body and "焊接工艺与质量控制" in body
    assert response.context["progress"].classes == 1
