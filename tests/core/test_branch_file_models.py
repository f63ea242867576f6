"""core.models.BranchPhoto / BranchAttachment: one shape for every photo and attachment of a branch."""

import pytest
from django.apps import apps

from core.models import BranchAttachment, BranchFile, BranchPhoto, branch_file_path
from core.storage import storage_alias

PUBLIC_BY_DESIGN = {"publications.ArticlePhoto"}  # printed and shared once the issue is published


def concrete(base):
    return [m for m in apps.get_models() if issubclass(m, base)]


def test_every_photo_and_attachment_model_stands_on_the_kernel_base():
    labels = {m._meta.label for m in concrete(BranchFile)}
    assert labels == {
        "workshops.WorkshopPhoto",
        "workshops.ActivityPhoto",
        "workshops.AssessmentAttachment",
        "volunteering.EventPhoto",
        "wellbeing.CondolenceVisitPhoto",
        "publications.ArticlePhoto",
    }


@pytest.mark.parametrize("model", concrete(BranchPhoto), ids=lambda m: m._meta.label)
def test_photos_have_one_shape(model):
    assert model._meta.get_field("caption").max_length == 200
    assert model._meta.get_field("uploaded_at").auto_now_add
    expected = None if model._meta.label in PUBLIC_BY_DESIGN else "branch_files"
    assert storage_alias(model._meta.get_field("image")) == expected


@pytest.mark.parametrize("model", concrete(BranchAttachment), ids=lambda m: m._meta.label)
def test_attachments_are_kept_in_branch_storage(model):
    assert storage_alias(model._meta.get_field("file")) == "branch_files"
    assert model._meta.get_field("uploaded_at").auto_now_add


@pytest.mark.parametrize(
    ("model_label", "filename", "folder", "suffix"),
    [
        ("wellbeing.CondolenceVisitPhoto", "张三病床前.PNG", "wellbeing/visits/", ".png"),
        ("volunteering.EventPhoto", "李四.exe", "volunteering/photos/", ".jpg"),
        ("workshops.AssessmentAttachment", "评分表.pdf", "workshops/assessments/", ".pdf"),
        ("workshops.AssessmentAttachment", "noext", "workshops/assessments/", ".pdf"),
    ],
)
def test_stored_names_are_random_with_an_allowed_suffix(model_label, filename, folder, suffix):
    name = branch_file_path(apps.get_model(model_label)(), filename)
    stem = name.removeprefix(folder).removesuffix(suffix)
    assert name.startswith(folder) and name.endswith(suffix)
    assert len(stem) == 32 and stem.isalnum()  # nothing of the uploader's file name
    assert branch_file_path(apps.get_model(model_label)(), filename) != name
