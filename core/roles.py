"""Roles: who a user is to the portal, decided in one place.

ASSOCIATION_GROUP staff see every branch; OFFICER_GROUP staff see the branch named in
their OfficerProfile; everybody else (members, anonymous, a staff user without a role or
without a branch) sees no branch-owned rows at all.
"""

ASSOCIATION_GROUP = "协会工作人员"
OFFICER_GROUP = "分会工作人员"


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
