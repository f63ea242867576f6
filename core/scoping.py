"""Scoping: what part of the registry a user may see, decided in one place and failing closed.

Association staff see every branch; a branch officer sees the branch of their OfficerProfile;
everybody else (members, anonymous, a staff user without a role or a branch, a session that
skipped its second factor) sees no branch-owned rows at all.

Queries that fail closed by construction: a branch-owned model's default manager refuses to
run without a scope.

The scope is django-scopes' context variable (``django_scopes.scope`` / ``scopes_disabled`` /
``get_scope`` / ``ScopeError``), with one dimension, ``branch``:

- ``branch_scope(user_scope(user))`` is what every door enters: the request middleware
  (``core.middleware.ScopeMiddleware``) for the session user, the API base viewset again
  for the user DRF authenticated (a token is only read inside the view);
- an officer's scope filters every query of a branch-owned model by ``Model.branch_path``;
- the empty scope (``NOTHING``: a member, the public, a staff login without a role) gives no rows;
- association staff get every row without any ``IN`` list (``ALL_BRANCHES``);
- no scope at all: the query raises ``ScopeError`` when it would run. System jobs (tasks,
  commands, the member's own pages, the public verification page, global uniqueness checks)
  say so in an explicit, greppable ``with scopes_disabled():`` block with a comment why.

Why not django-scopes' own ``ScopedManager``: its refusing queryset is a plain ``QuerySet``
that drops the model's queryset methods (``visible_to``, ``in_branch``, ``search`` ...), and it
lets ``exists()``, ``in_bulk()``, ``contains()`` and ``exclude()`` run unscoped; and
``scope(branch=None)`` there means "no filter", the opposite of fail-closed (docs/security.md, "Branch scoping through every door"). The
manager below keeps the model's queryset class, refuses every statement that would reach the
database (rows, counts, existence, aggregates, updates, deletes, subqueries), and treats a
missing branch as nothing.

Saves, ``refresh_from_db``, forward foreign keys and deletion cascades go through Django's
``_base_manager``, which stays unscoped: they act on an object already in hand. Reverse
relations and prefetches use the default manager's class, so they are scoped too.
"""

from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache

from django.db import models
from django_scopes import ScopeError, get_scope, scope, scopes_disabled

from core.roles import is_association_staff, officer_branch_id
from core.second_factor import second_factor_required


@dataclass(frozen=True)
class Scope:
    """What part of the registry a user may see: all of it, one branch, or nothing."""

    all_branches: bool = False
    branch_id: int | None = None

    @property
    def is_empty(self) -> bool:
        return not self.all_branches and self.branch_id is None


NOTHING = Scope()
EVERYTHING = Scope(all_branches=True)


def _session_lacks_second_factor(user) -> bool:
    """A request's user whose session skipped the second factor the policy asks of them.

    OTPMiddleware gives a request's user ``is_verified``; a user loaded elsewhere (a task,
    a command, a token the API accepted only after a verified code) has none and is not
    held back here.
    """
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None:
        return False
    return second_factor_required(user) and not is_verified()


def user_scope(user) -> Scope:
    """The one answer to 'what may this user see?'; fails closed.

    A session that has not presented the second factor its user must use sees nothing,
    through every door that scopes (admin, API, files, previews), not only the admin's.
    """
    if user is None:
        return NOTHING
    if is_association_staff(user):
        scope = EVERYTHING
    else:
        branch_id = officer_branch_id(user)
        scope = Scope(branch_id=branch_id) if branch_id is not None else NOTHING
    if not scope.is_empty and _session_lacks_second_factor(user):
        return NOTHING
    return scope


__all__ = [
    "ALL_BRANCHES",
    "BranchScopedManager",
    "ScopeError",
    "branch_scope",
    "scope_active",
    "scoped_manager",
    "scopes_disabled",
    "user_scope_for_request",
]

DIMENSION = "branch"


class _AllBranches:
    """The scope of association staff: every branch, no filter."""

    def __repr__(self):
        return "ALL_BRANCHES"


ALL_BRANCHES = _AllBranches()


def _scope_value(portal_scope: Scope):
    if portal_scope.all_branches:
        return ALL_BRANCHES
    if portal_scope.branch_id is None:
        return ()  # nothing: never None, which django-scopes reads as "no filter"
    return portal_scope.branch_id


@contextmanager
def branch_scope(portal_scope: Scope):
    """Enter a roles ``Scope`` (EVERYTHING, one branch, NOTHING) for the block.

    Also inside ``scopes_disabled()``: django-scopes' ``scope()`` re-enables scoping.
    """
    with scope(**{DIMENSION: _scope_value(portal_scope)}):
        yield


def user_scope_for_request(user):
    """The scope a door enters for a user: ``branch_scope(user_scope(user))``."""
    return branch_scope(user_scope(user))


def scope_active() -> bool:
    """Is a branch scope (or an explicit unscoped block) in force here?"""
    state = get_scope()
    return not state.get("_enabled", True) or DIMENSION in state


def _apply_scope(queryset):
    """``queryset`` narrowed to the scope in force, or made refusing when there is none."""
    state = get_scope()
    if not state.get("_enabled", True):
        return queryset  # inside scopes_disabled()
    if DIMENSION not in state:
        queryset.__class__ = _refusing_class(type(queryset))
        return queryset
    value = state[DIMENSION]
    if value is ALL_BRANCHES:
        return queryset
    if value is None or isinstance(value, list | tuple) and not value:
        return queryset.none()  # a missing branch means nothing (not django-scopes' "no filter")
    if isinstance(value, list | tuple):
        return queryset.filter(**{f"{queryset.model.branch_path}__in": list(value)})
    # The model's own rule for "belongs to this branch" (a transfer belongs to both of its branches).
    return queryset.in_branch(value)


class _RefusingQuerySetMixin:
    """A queryset built while no scope was active (a manager call outside any door, or a
    viewset's or form's class attribute at import time). It never runs as it is; chained
    (``.all()``, ``.filter()`` ...) once a scope is active, the clone takes that scope."""

    def _refuse(self, *args, **kwargs):
        raise ScopeError(
            f"{self.model._meta.label}: a branch scope must be active for this query "
            "(enter branch_scope(...) or an explicit scopes_disabled() block)."
        )

    _fetch_all = _refuse
    _iterator = _refuse
    aiterator = _refuse
    count = _refuse
    exists = _refuse
    aggregate = _refuse
    update = _refuse
    _update = _refuse
    delete = _refuse
    _raw_delete = _refuse
    explain = _refuse
    resolve_expression = _refuse  # used as a subquery of another query

    def _clone(self):
        clone = super()._clone()
        clone.__class__ = self._scoped_queryset_class
        if clone.query.is_sliced or clone.query.combinator:
            clone.__class__ = type(self)  # cannot be narrowed any more: stays refusing
            return clone
        return _apply_scope(clone)

    def none(self):
        # Like django-scopes: an empty queryset is safe without a scope (form fields start so).
        clone = super().none()
        clone.__class__ = self._scoped_queryset_class
        return clone


@cache
def _refusing_class(queryset_class):
    return type(
        f"Unscoped{queryset_class.__name__}",
        (_RefusingQuerySetMixin, queryset_class),
        {"_scoped_queryset_class": queryset_class, "__module__": __name__},
    )


class BranchScopedManager(models.Manager):
    """Default manager of a branch-owned model: the current branch scope, or ScopeError."""

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        if not cls._meta.abstract:
            _check_uniqueness_across_branches(cls)

    def get_queryset(self):
        return _apply_scope(super().get_queryset())


def scoped_manager(queryset_class):
    """``objects = scoped_manager(MemberQuerySet)``: the scoped default manager with the
    model's own queryset methods (``visible_to``, ``in_branch``, ``search`` ...)."""
    return BranchScopedManager.from_queryset(queryset_class)()


def _across_branches(method):
    def wrapper(self, *args, **kwargs):
        with scopes_disabled():  # global uniqueness: a row in any branch counts
            return method(self, *args, **kwargs)

    wrapper.__wrapped__ = method
    wrapper.__name__ = method.__name__
    wrapper.__doc__ = method.__doc__
    return wrapper


def _check_uniqueness_across_branches(model):
    """``validate_unique`` and ``validate_constraints`` of a branch-owned model look at every branch.

    Django runs both through ``_default_manager``. Under an officer's scope a 身份证号 (or any
    unique value) held by another branch would be invisible, the check would pass and the
    database's unique index would answer with an IntegrityError (a 500). Run unscoped, they
    give the form error they give for a duplicate in the officer's own branch; the forms and
    services that word that error neutrally keep doing so.
    """
    for name in ("validate_unique", "validate_constraints"):
        method = getattr(model, name)
        if not hasattr(method, "__wrapped__"):
            setattr(model, name, _across_branches(method))
