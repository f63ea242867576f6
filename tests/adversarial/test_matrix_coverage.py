"""Meta-tests of the adversarial matrix: every URL pattern is a door of the matrix, every door
is planned for every role, every branch-owned model has a binjiang object to attack.

A new URL pattern (an admin view, an API route, a page) is picked up by the generator; if the
generator cannot fill its URL (an unknown parameter) or cannot classify it, these fail until
the generator learns it. Nothing may be left out without a written reason.
"""

import pytest
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from .doors import PAYLOAD_CLASSES, all_doors
from .matrix import ROLES, known_slot, plan, slot_values
from .size import matrix_size
from .world import MARKER, branch_owned_models

# Doors deliberately left out of the matrix, with the reason. Empty: everything is attacked.
EXCLUDED: dict[str, str] = {}

KINDS = {
    "admin_changelist",
    "admin_add",
    "admin_change",
    "admin_delete",
    "admin_history",
    "admin_history_form",
    "admin_object_redirect",
    "admin_custom",
    "admin_site",
    "api_list",
    "api_detail",
    "api_extra",
    "api_view",
    "custom",
}


def _independent_walk(patterns, prefix=""):
    """The URL patterns, counted without the generator's code."""
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            found += _independent_walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            found.append(prefix + str(entry.pattern))
    return found


def test_every_url_pattern_is_a_door():
    routes = _independent_walk(get_resolver().url_patterns)
    doors = [door.route for door in all_doors()]
    assert len(doors) == len(routes)
    missing = set(routes) - set(doors) - set(EXCLUDED)
    assert not missing, f"URL patterns outside the matrix: {sorted(missing)}"


def test_exclusions_have_reasons_and_exist():
    routes = set(_independent_walk(get_resolver().url_patterns))
    for route, reason in EXCLUDED.items():
        assert reason.strip(), f"{route} excluded without a reason"
        assert route in routes, f"stale exclusion {route}"


@pytest.mark.parametrize("door", all_doors(), ids=lambda d: d.route)
def test_door_is_classified_and_its_slots_known(door):
    assert door.kind in KINDS, door
    unknown = [slot for slot in door.slots if not known_slot(door, slot)]
    assert not unknown, f"{door.route}: the generator does not know how to fill {unknown}"
    if door.kind.startswith("admin_") and door.kind not in ("admin_site",):
        assert door.model_admin is not None
    if door.kind in ("api_list", "api_detail", "api_extra"):
        assert door.viewset is not None and door.model is not None


def test_every_model_admin_and_router_route_is_covered():
    doors = all_doors()
    admins = {id(door.model_admin) for door in doors if door.model_admin is not None}
    for model, model_admin in admin.site._registry.items():
        assert id(model_admin) in admins, f"admin of {model._meta.label} has no door"
        kinds = {door.kind for door in doors if door.model_admin is model_admin}
        assert {"admin_changelist", "admin_add", "admin_change", "admin_delete", "admin_history"} <= kinds

    from laomo_portal.api import router

    viewsets = {door.viewset for door in doors if door.viewset is not None}
    for prefix, viewset, _basename in router.registry:
        assert viewset in viewsets, f"API route {prefix} has no door"


@pytest.mark.django_db
def test_the_world_has_a_marked_binjiang_object_of_every_branch_owned_model(world):
    for model in branch_owned_models():
        obj = world.obj(model)
        assert obj is not None, model._meta.label
        path = model.branch_path
        row = model._base_manager.filter(pk=obj.pk)
        assert row.filter(**{path: world.binjiang.pk}).exists(), f"{model._meta.label} not in binjiang"
    assert MARKER in world.binjiang_member.name


@pytest.mark.django_db
def test_every_door_is_planned_for_every_role(world):
    for door in all_doors():
        urls = slot_values(door, "other", world)
        assert set(urls) == set(door.slots)
        for role in ROLES:
            requests = plan(door, role, world, world.discoveries.get(door.id) or _empty())
            assert requests, f"{door.route} × {role}: no request"
            assert any(r.method == "GET" for r in requests)


def _empty():
    from .matrix import Discovery

    return Discovery()


@pytest.mark.django_db
def test_matrix_size(world, capsys):
    """Prints the size (run with -s): doors × roles × payload classes and the requests sent."""
    size = matrix_size(world)
    assert size["doors"] == len(all_doors())
    assert size["payload_classes"] == len(PAYLOAD_CLASSES) == 7
    assert size["requests"] >= size["tests"]
    with capsys.disabled():
        print("\nadversarial matrix:", ", ".join(f"{k}={v}" for k, v in size.items()))
