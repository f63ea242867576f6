"""Roles: who a user is to the portal, decided in one place.

ASSOCIATION_GROUP staff see every branch; OFFICER_GROUP staff see the branch named in
their OfficerProfile; everybody else (members, anonymous, a staff user without a role or
without a branch) sees no branch-owned rows at all.
"""

from dataclasses import dataclass

ASSOCIATION_GROUP = "协会工作人员"
OFFICER_GROUP = "分会工作人员"


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


def _group_names(user) -> frozenset[str]:
    # Cached on the user object for the request: scoping asks several times per page.
    cached = getattr(user, "_laomo_group_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._laomo_group_names = cached
    return cached


def is_association_staff(user) -> bool:
    """Superusers and active staff in the association group."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.is_staff and ASSOCIATION_GROUP in _group_names(user)


def officer_branch_id(user) -> int | None:
    """The branch of an active branch officer, or None (no role, no profile, no branch)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.is_staff:
        return None
    if OFFICER_GROUP not in _group_names(user):
        return None
    profile = getattr(user, "officer_profile", None)  # reverse one-to-one, may be missing
    if profile is None:
        return None
    return profile.branch_id


def _session_lacks_second_factor(user) -> bool:
    """A request's user whose session skipped the second factor the policy asks of them.

    OTPMiddleware gives a request's user ``is_verified``; a user loaded elsewhere (a task,
    a command, a token the API accepted only after a verified code) has none and is not
    held back here.
    """
    is_verified = getattr(user, "is_verified", None)
    if is_verified is None:
        return False
    from core.second_factor import second_factor_required  # it asks roles for the association

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
