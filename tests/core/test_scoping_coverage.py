"""Meta-tests: no branch-owned model is served by the admin without the scoping mechanism."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter, RelatedOnlyFieldListFilter

from core.admin.base import ScopedInline, ScopedModelAdmin, ScopedRelatedFieldListFilter, is_branch_owned
from core.querysets import ScopedQuerySet


def portal_models():
    return [m for label in settings.PORTAL_APPS for m in apps.get_app_config(label).get_models()]


def branch_owned_models():
    return [m for m in portal_models() if is_branch_owned(m)]


@pytest.mark.parametrize("model", branch_owned_models(), ids=lambda m: m._meta.label)
def test_branch_owned_model_has_scoped_default_manager(model):
    assert isinstance(model._default_manager.all(), ScopedQuerySet)
    path = model.branch_path
    if path != "pk":
        # The path must resolve to a Branch foreign key.
        target = model
        for part in path.split("__"):
            target = target._meta.get_field(part).related_model
        assert target._meta.label == "members.Branch"


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_registered_branch_owned_admin_is_scoped(model):
    model_admin = admin.site._registry[model]
    if not is_branch_owned(model):
        return
    assert isinstance(model_admin, ScopedModelAdmin), (
        f"{model._meta.label} is served without ScopedModelAdmin"
    )
    for inline in model_admin.inlines:
        if is_branch_owned(inline.model):
            assert issubclass(inline, ScopedInline), f"inline {inline.__name__} is not scoped"


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_related_list_filters_only_offer_visible_rows(model):
    model_admin = admin.site._registry[model]
    for entry in model_admin.list_filter:
        if isinstance(entry, (tuple, list)):
            field_path, filter_class = entry
            if issubclass(filter_class, RelatedFieldListFilter):
                assert issubclass(filter_class, (RelatedOnlyFieldListFilter, ScopedRelatedFieldListFilter)), (
                    f"{model}: {field_path}"
                )
            continue
        if isinstance(entry, str):
            field = _resolve(model, entry)
            if field is not None and field.is_relation and is_branch_owned(field.related_model):
                pytest.fail(f"{model._meta.label}.{entry}: use a scoped relation filter")


def _resolve(model, path):
    field = None
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:
            return None
        model = field.related_model or model
    return field


def test_every_portal_model_with_a_branch_fk_is_branch_owned():
    """A model holding a Branch foreign key (or a Member one) must declare branch_path.

    Historical models (django-simple-history) are the exception: they are never served on
    their own, only through the scoped object's history view (checked below).
    """
    for model in portal_models():
        if model.__name__.startswith("Historical"):
            assert model not in admin.site._registry
            continue
        for field in model._meta.get_fields():
            if field.is_relation and field.many_to_one and field.related_model is not None:
                if field.related_model._meta.label in ("members.Branch", "members.Member"):
                    assert is_branch_owned(model), f"{model._meta.label}.{field.name} without branch_path"


# Published on the public site by design: newsletter covers and photos, exhibition works.
PUBLIC_BY_DESIGN = {
    "publications.NewsletterIssue.cover",
    "publications.ArticlePhoto.image",
    "publications.Work.image",
}


@pytest.mark.parametrize("model", branch_owned_models(), ids=lambda m: m._meta.label)
def test_files_of_branch_owned_models_are_never_in_public_media(model):
    """A branch's files go to the private storage (logged downloads) or the branch-files storage
    (served by /files/ through visible_to); MEDIA_ROOT would serve them to anybody with the URL."""
    from django.db.models import FileField

    from core.storage import storage_alias

    for field in model._meta.concrete_fields:
        if isinstance(field, FileField) and f"{model._meta.label}.{field.name}" not in PUBLIC_BY_DESIGN:
            assert storage_alias(field) in ("private", "branch_files"), (
                f"{model._meta.label}.{field.name} is stored in public media"
            )
