"""Model permissions of the two staff roles, kept in step with the models after every migrate."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP


def officer_actions(model) -> tuple[str, ...]:
    """What an officer may do with a model: a model narrows it with ``officer_actions``.

    Models that are not branch-owned (no ``branch_path``) are association-only.
    """
    if not hasattr(model, "branch_path"):
        return ()
    return getattr(model, "officer_actions", ("view", "add", "change", "delete"))


def sync_role_groups() -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    association, _ = Group.objects.get_or_create(name=ASSOCIATION_GROUP)
    officer, _ = Group.objects.get_or_create(name=OFFICER_GROUP)
    association_perms, officer_perms = [], []
    for app_label in settings.PORTAL_APPS:
        try:
            config = apps.get_app_config(app_label)
        except LookupError:
            continue
        for model in config.get_models():
            ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
            perms = {p.codename: p for p in Permission.objects.filter(content_type=ct)}
            association_perms.extend(perms.values())
            for action in officer_actions(model):
                perm = perms.get(f"{action}_{model._meta.model_name}")
                if perm:
                    officer_perms.append(perm)
    association.permissions.add(*association_perms)
    officer.permissions.set(officer_perms)
