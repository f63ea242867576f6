"""The scoped queryset every branch-owned model uses."""

from django.db import models

from core.scoping import user_scope


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every branch-owned model.

    The model says once how it reaches its branch (``branch_path``, e.g. ``"branch"`` or
    ``"member__branch"``); ``visible_to(user)`` applies it and fails closed.
    """

    def visible_to(self, user):
        """Rows this user may see: all for association staff, one branch for an officer, else none."""
        scope = user_scope(user)
        if scope.all_branches:
            return self
        if scope.branch_id is None:
            return self.none()
        return self.in_branch(scope.branch_id)

    def in_branch(self, branch_id):
        """Rows that belong to one branch."""
        return self.filter(**{self.model.branch_path: branch_id})


def is_branch_owned(model) -> bool:
    """A model is branch-owned when it says how it reaches its branch."""
    return hasattr(model, "branch_path")


def scoped_queryset(model, user):
    """The rows of ``model`` a user may pick or see; non-branch-owned models are not narrowed."""
    manager = model._default_manager
    if is_branch_owned(model):
        return manager.visible_to(user)
    return manager.all()
