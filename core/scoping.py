"""Scoping: what part of the registry a user may see, decided in one place and failing closed.

Association staff see every branch; a branch officer sees the branch of their OfficerProfile;
everybody else (members, anonymous, a staff user without a role or a branch, a session that
skipped its second factor) sees no branch-owned rows at all.
"""

from dataclasses import dataclass

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
