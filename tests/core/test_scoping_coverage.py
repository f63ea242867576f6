"""Meta-tests: no branch-owned model is served by the admin or the API without the scoping
mechanism. Generated from the model registry, the admin site and the API router: a new
branch-owned model, admin or viewset is covered (and fails) without being listed here."""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin import RelatedFieldListFilter, RelatedOnlyFieldListFilter
from django.db import transaction
from django.test import Client
from django_scopes import ScopeError, scope

from core.admin.base import ScopedInline, ScopedModelAdmin, ScopedRelatedFieldListFilter
from core.querysets import ScopedQuerySet, is_branch_owned
from core.scoping import BranchScopedManager, Scope, branch_scope
from laomo_portal.api import router


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


# ---------------------------------------------------------------------------------------
# Fail closed by construction: the default manager, every admin and every API viewset
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", branch_owned_models(), ids=lambda m: m._meta.label)
def test_default_manager_of_a_branch_owned_model_refuses_without_a_scope(model):
    assert isinstance(model._default_manager, BranchScopedManager), (
        f"{model._meta.label}: objects = scoped_manager(<its queryset>)"
    )
    with scope():  # scoping on, no branch: a worker or a shell
        with pytest.raises(ScopeError):
            list(model._default_manager.all())
        with pytest.raises(ScopeError):
            model._default_manager.exists()


def router_entries():
    return [(prefix, viewset) for prefix, viewset, _ in router.registry]


def _served_model(viewset):
    queryset = getattr(viewset, "queryset", None)
    assert queryset is not None, (
        f"{viewset.__name__}: declare queryset (its model) for the schema and this test"
    )
    return queryset.model


def test_every_router_entry_declares_its_model():
    assert router_entries()
    for _, viewset in router_entries():
        _served_model(viewset)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """tests/adversarial's world (an object of every branch-owned model in 滨江区, the logins of
    every role), built once and rolled back at the end of the module."""
    from tests.adversarial.world import build_world

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            built = build_world()
            built.clients = {}
            for role in ("officer_xihu", "binjiang_officer", "officer_nobranch", "staff_norole", "member",
                         "staff_verified"):  # fmt: skip
                client = Client(raise_request_exception=False)
                client.force_login(built.users[role])
                built.clients[role] = client
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# Roles outside 滨江区: none of them may see its rows through any door.
OUTSIDERS = ("officer_xihu", "officer_nobranch", "staff_norole", "member")


def _rows(response):
    body = response.json()
    return body["results"] if isinstance(body, dict) and "results" in body else body


def _ids(response) -> set:
    rows = _rows(response)
    return {row.get("id") for row in rows} if isinstance(rows, list) else set()


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "viewset"), router_entries(), ids=[p for p, _ in router_entries()])
def test_api_viewset_serves_only_the_scopes_rows(world, prefix, viewset):
    model = _served_model(viewset)
    if not is_branch_owned(model):
        return
    other = world.obj(model)
    assert other is not None, f"no {model._meta.label} in the test world"
    with branch_scope(Scope(branch_id=world.binjiang.pk)):
        assert model._default_manager.filter(pk=other.pk).exists()  # it is 滨江区's
    list_url, detail_url = f"/api/{prefix}/", f"/api/{prefix}/{other.pk}/"
    for role in OUTSIDERS:
        client = world.clients[role]
        listed = client.get(list_url)
        assert listed.status_code in (200, 403), (role, list_url, listed.status_code)
        if listed.status_code == 200:
            assert other.pk not in _ids(listed), f"{role} lists 滨江区's {model._meta.label} at {list_url}"
        detail = client.get(detail_url)
        assert detail.status_code in (403, 404), f"{role} reads 滨江区's {model._meta.label} at {detail_url}"
    # Control: the door works, and those in scope do see the row.
    insiders = ("binjiang_member",) if prefix.startswith("me/") else ("staff_verified", "binjiang_officer")
    seen = False
    for role in insiders:
        client = world.clients.get(role)
        if client is None:
            client = Client(raise_request_exception=False)
            client.force_login(world.users[role])
        listed = client.get(list_url)
        if listed.status_code == 200 and other.pk in _ids(listed):
            assert client.get(detail_url).status_code == 200
            seen = True
    assert seen, f"nobody in scope sees {model._meta.label} at {list_url}: the control is void"


def admin_entries():
    return [m for m in admin.site._registry if is_branch_owned(m)]


@pytest.mark.django_db
@pytest.mark.parametrize("model", admin_entries(), ids=lambda m: m._meta.label)
def test_admin_serves_only_the_scopes_rows(world, model):
    other = world.obj(model)
    assert other is not None, f"no {model._meta.label} in the test world"
    opts = model._meta
    changelist = f"/admin/{opts.app_label}/{opts.model_name}/"
    change = f"{changelist}{other.pk}/change/"
    for role in OUTSIDERS:
        client = world.clients[role]
        listed = client.get(changelist)
        assert listed.status_code in (200, 302, 403), (role, changelist, listed.status_code)
        if listed.status_code == 200 and listed.context and "cl" in listed.context:
            assert other.pk not in {obj.pk for obj in listed.context["cl"].result_list}, (
                f"{role} lists 滨江区's {opts.label} in the admin"
            )
        detail = client.get(change)
        # Out of scope answers like a missing id: a redirect to the admin index, or refused.
        assert detail.status_code in (302, 403, 404), f"{role} opens 滨江区's {opts.label} in the admin"
    listed = world.clients["staff_verified"].get(changelist)
    if listed.status_code == 200 and listed.context and "cl" in listed.context:
        assert other.pk in {obj.pk for obj in listed.context["cl"].result_list}, "the control is void"
