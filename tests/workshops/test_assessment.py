"""Assessments against the 建设规范 as data: weights, pass mark, dimension minimums, locking."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.errors import DomainError
from tests import factories as f
from workshops.models import Assessment, AssessmentScore, Criterion, Dimension, Standard
from workshops.scoring import StandardSpec, compute
from workshops.services import assessment_record, standard_activate, standard_copy, workshop_transition

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def two_dimensions(db):
    """60% 建家基础 (criteria of 10 and 30 points), 40% 阵地建设 (one of 20 points); pass mark 80."""
    standard = Standard.objects.create(name="测试规范", version="v1", pass_mark=D(80))
    base = Dimension.objects.create(standard=standard, name="建家基础", weight=D(60), min_score=D(0), order=1)
    site = Dimension.objects.create(
        standard=standard, name="阵地建设", weight=D(40), min_score=D(50), order=2
    )
    a = Criterion.objects.create(dimension=base, text="领衔劳模", max_score=D(10), order=1)
    b = Criterion.objects.create(dimension=base, text="工作计划", max_score=D(30), order=2)
    c = Criterion.objects.create(dimension=site, text="场所面积", max_score=D(20), order=1)
    return standard, a, b, c


def test_weighted_total_uses_criterion_points_and_dimension_weights(two_dimensions):
    standard, a, b, c = two_dimensions
    # 建家基础: (10 + 20) / 40 = 75; 阵地建设: 15 / 20 = 75; weighted total 75 < 80.
    result = compute(StandardSpec.load(standard), {a.pk: D(10), b.pk: D(20), c.pk: D(15)})
    assert [d.score for d in result.dimensions] == [D("75.00"), D("75.00")]
    assert result.total == D("75.00")
    assert result.passed is False


def test_weights_decide_between_strong_and_weak_dimensions(two_dimensions):
    standard, a, b, c = two_dimensions
    # 建家基础 100 (weight 60), 阵地建设 55 (weight 40): 60 + 22 = 82 → pass.
    result = compute(StandardSpec.load(standard), {a.pk: D(10), b.pk: D(30), c.pk: D(11)})
    assert result.total == D("82.00") and result.passed
    # Swap the weights: 40 + 33 = 73 → fail.
    Dimension.objects.filter(name="建家基础").update(weight=D(40))
    Dimension.objects.filter(name="阵地建设").update(weight=D(60))
    result = compute(StandardSpec.load(standard), {a.pk: D(10), b.pk: D(30), c.pk: D(11)})
    assert result.total == D("73.00") and not result.passed


def test_exactly_the_pass_mark_passes(two_dimensions):
    standard, a, b, c = two_dimensions
    # 建家基础 (8 + 24) / 40 = 80; 阵地建设 16 / 20 = 80.
    result = compute(StandardSpec.load(standard), {a.pk: D(8), b.pk: D(24), c.pk: D(16)})
    assert result.total == D("80.00") and result.passed


def test_dimension_below_its_minimum_fails_despite_a_high_total(two_dimensions):
    standard, a, b, c = two_dimensions
    # 建家基础 100 (weight 90) and 阵地建设 45 (weight 10, minimum 50): total 94.5, yet it fails.
    Dimension.objects.filter(name="建家基础").update(weight=D(90))
    Dimension.objects.filter(name="阵地建设").update(weight=D(10))
    result = compute(StandardSpec.load(standard), {a.pk: D(10), b.pk: D(30), c.pk: D(9)})
    assert result.total == D("94.50")
    assert result.passed is False
    assert "阵地建设" in result.reasons[0]


def test_assessment_record_stores_total_and_pass(two_dimensions, staff_user, xihu):
    standard, a, b, c = two_dimensions
    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    assessment = Assessment(
        workshop=workshop,
        standard=standard,
        purpose="acceptance",
        assessed_on=datetime.date(2021, 5, 1),
        assessors="组",
    )
    assessment_record(assessment=assessment, scores={a.pk: D(10), b.pk: D(30), c.pk: D(11)}, actor=staff_user)
    assessment.refresh_from_db()
    assert (assessment.total_score, assessment.passed, assessment.recorded_by) == (
        D("82.00"),
        True,
        staff_user,
    )
    assert AssessmentScore.objects.filter(assessment=assessment).count() == 3


@pytest.mark.parametrize(
    "scores, message",
    [
        ({"a": 10, "b": 30}, "未评分"),
        ({"a": 11, "b": 30, "c": 10}, "得分应在0至10之间"),
        ({"a": -1, "b": 1, "c": 1}, "得分应在"),
    ],
)
def test_missing_or_out_of_range_scores_write_nothing(two_dimensions, staff_user, xihu, scores, message):
    standard, a, b, c = two_dimensions
    ids = {"a": a.pk, "b": b.pk, "c": c.pk}
    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    assessment = Assessment(
        workshop=workshop,
        standard=standard,
        purpose="acceptance",
        assessed_on=datetime.date(2021, 5, 1),
        assessors="组",
    )
    with pytest.raises(DomainError, match=message):
        assessment_record(
            assessment=assessment, scores={ids[k]: D(v) for k, v in scores.items()}, actor=staff_user
        )
    assert not Assessment.objects.exists()


def test_acceptance_assessment_only_for_a_house_awaiting_acceptance(standard, staff_user, xihu, assess):
    with pytest.raises(DomainError, match="初审通过、待验收"):
        assess(f.WorkshopFactory(branch=xihu, status="applied"))


def test_annual_review_assessment_only_for_a_named_house(standard, staff_user, xihu, assess):
    with pytest.raises(DomainError, match="已命名"):
        assess(f.WorkshopFactory(branch=xihu, status="accepted"), purpose="annual_review", review_year=2022)


def test_officer_cannot_record_an_assessment(two_dimensions, xihu_officer, xihu):
    standard, a, b, c = two_dimensions
    assessment = Assessment(
        workshop=f.WorkshopFactory(branch=xihu, status="reviewed"), standard=standard, purpose="acceptance",
        assessed_on=datetime.date(2021, 5, 1), assessors="组",
    )  # fmt: skip
    with pytest.raises(DomainError, match="协会工作人员"):
        assessment_record(
            assessment=assessment, scores={a.pk: D(1), b.pk: D(1), c.pk: D(1)}, actor=xihu_officer
        )


def test_assessment_used_by_a_transition_is_locked(xihu, staff_user, assess):
    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    assessment = assess(workshop)
    workshop_transition(workshop=workshop, to_status="accepted", actor=staff_user)
    scores = dict(assessment.scores.values_list("criterion_id", "score"))
    with pytest.raises(DomainError, match="不能再修改"):
        assessment_record(assessment=assessment, scores=scores, actor=staff_user)


def test_standard_with_weights_not_adding_to_100_cannot_be_activated(two_dimensions, staff_user):
    standard = two_dimensions[0]
    Dimension.objects.filter(name="阵地建设").update(weight=D(30))
    with pytest.raises(DomainError, match="权重之和为90，应为100"):
        standard_activate(standard=standard, actor=staff_user)
    standard.refresh_from_db()
    assert standard.is_active is False


def test_activating_a_standard_retires_the_previous_one(standard, two_dimensions, staff_user):
    new = two_dimensions[0]
    standard_activate(standard=new, actor=staff_user)
    assert list(Standard.objects.filter(is_active=True)) == [new]


def test_copy_makes_an_editable_version_with_the_same_criteria(standard, staff_user):
    copy = standard_copy(standard=standard, actor=staff_user, version="2026版")
    assert copy.is_active is False
    assert [d.weight for d in copy.dimensions.all()] == [d.weight for d in standard.dimensions.all()]
    assert (
        Criterion.objects.filter(dimension__standard=copy).count()
        == Criterion.objects.filter(dimension__standard=standard).count()
    )


def test_demo_standard_has_five_dimensions_weighing_100(standard):
    names = list(standard.dimensions.values_list("name", flat=True))
    assert names == ["建家基础", "机制建设", "活动组织", "阵地建设", "经费补助"]
    assert sum(standard.dimensions.values_list("weight", flat=True)) == 100


# --- the admin form: one field per criterion, computed result, frozen standard ------------------


def _post_data(workshop, standard, share):
    data = {
        "workshop": workshop.pk, "purpose": "acceptance", "assessed_on": "2021-05-01", "assessors": "评估组",
        "conclusion": "", "attachments-TOTAL_FORMS": 0, "attachments-INITIAL_FORMS": 0,
    }  # fmt: skip
    for c in Criterion.objects.filter(dimension__standard=standard):
        data[f"score_{c.pk}"] = str((c.max_score * D(share)).quantize(D("0.01")))
    return data


def test_admin_add_form_scores_every_criterion_and_computes_the_result(client, staff_user, standard, xihu):
    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    client.force_login(staff_user)
    response = client.post(reverse("admin:workshops_assessment_add"), _post_data(workshop, standard, "0.9"))
    assert response.status_code == 302
    assessment = Assessment.objects.get()
    assert (assessment.total_score, assessment.passed, assessment.standard) == (D("90.00"), True, standard)


def test_admin_add_form_with_an_out_of_range_score_writes_nothing(client, staff_user, standard, xihu):
    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    client.force_login(staff_user)
    response = client.post(reverse("admin:workshops_assessment_add"), _post_data(workshop, standard, "1.5"))
    assert response.status_code == 200
    assert not Assessment.objects.exists()


def test_admin_refuses_an_acceptance_assessment_for_an_applied_house(client, staff_user, standard, xihu):
    workshop = f.WorkshopFactory(branch=xihu, status="applied")
    client.force_login(staff_user)
    response = client.post(reverse("admin:workshops_assessment_add"), _post_data(workshop, standard, "0.9"))
    assert "初审通过、待验收" in response.content.decode()
    assert not Assessment.objects.exists()


def test_standard_used_by_an_assessment_is_read_only_in_the_admin(client, staff_user, standard, xihu, assess):
    assess(f.WorkshopFactory(branch=xihu, status="reviewed"))
    client.force_login(staff_user)
    client.post(
        reverse("admin:workshops_standard_change", args=[standard.pk]),
        {"name": "改", "version": "x", "pass_mark": 10},
    )
    standard.refresh_from_db()
    assert (standard.name, standard.pass_mark) != ("改", D(10))


# --- attachments: checked by content, downloaded through the scope, logged ------------------------


@pytest.fixture
def attachment(xihu, assess, settings, tmp_path):
    from django.core.files.base import ContentFile

    from workshops.models import AssessmentAttachment

    settings.MEDIA_ROOT = tmp_path
    assessment = assess(f.WorkshopFactory(branch=xihu, status="reviewed"))
    row = AssessmentAttachment(assessment=assessment, title="评分表")
    row.file.save("sheet.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return row


def _attachment_url(row):
    return reverse("admin:workshops_assessment_attachment", args=[row.assessment_id, row.pk])


def test_attachment_download_is_logged(client, staff_user, attachment):
    from core.models import AccessLog

    client.force_login(staff_user)
    response = client.get(_attachment_url(attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert AccessLog.objects.filter(action="download", user=staff_user).exists()


def test_attachment_of_other_branch_is_404(client, binjiang_officer, attachment):
    client.force_login(binjiang_officer)
    assert client.get(_attachment_url(attachment)).status_code == 404


def test_own_branch_officer_downloads_attachment_and_page_links_to_the_scoped_view(
    client, xihu_officer, attachment
):
    client.force_login(xihu_officer)
    assert client.get(_attachment_url(attachment)).status_code == 200
    body = client.get(
        reverse("admin:workshops_assessment_change", args=[attachment.assessment_id])
    ).content.decode()
    assert attachment.file.url not in body


def test_attachment_file_url_is_the_scoped_files_view(client, xihu_officer, binjiang_officer, attachment):
    url = attachment.file.url
    assert url == reverse("branch_file", args=[attachment.file.name])
    client.force_login(binjiang_officer)
    assert client.get(url).status_code == 404
    client.force_login(xihu_officer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")


def test_attachment_with_a_faked_type_is_refused(client, staff_user, standard, xihu):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workshop = f.WorkshopFactory(branch=xihu, status="reviewed")
    client.force_login(staff_user)
    data = _post_data(workshop, standard, "0.9")
    fake = SimpleUploadedFile("minutes.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    data.update({"attachments-TOTAL_FORMS": 1, "attachments-0-title": "纪要", "attachments-0-file": fake})
    response = client.post(reverse("admin:workshops_assessment_add"), data)
    assert response.status_code == 200
    assert not Assessment.objects.exists()
