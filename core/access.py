"""Permission-checked fetches and the branch of new rows: the scoping rules every write path shares.

``access_object`` resolves a row through the user's scope (``visible_to``), so another
branch's row and an id that does not exist give the same answer: ``NotFoundError``, one
Chinese message, 404 through the API (its exception handler) and the admin (it is an
``Http404``). ``branch_for_new_row`` is the one place that decides which branch a new
branch-owned row gets: an officer's own, whatever the door.
"""

from django.core.exceptions import ValidationError
from django.http import Http404

from core.errors import DomainError
from core.scoping import user_scope

NOT_FOUND = "找不到该记录。"
OTHER_BRANCH = "只能在本分会新增，不能选择其他分会。"
BRANCH_REQUIRED = "请选择所属分会。"


class NotFoundError(DomainError, Http404):
    """Missing or outside the user's scope: one answer for both (404 in the API and the admin)."""

    code = "not_found"
    status = 404

    def __init__(self, message: str = NOT_FOUND, *, code: str | None = None):
        super().__init__(message, code=code)


def access_object(source, user, pk, *, for_update: bool = False):
    """The row ``pk`` (an id or an instance) of ``source`` (a model or a queryset) that ``user`` may see.

    Raises ``NotFoundError`` when the row does not exist, lies outside the user's scope or
    ``pk`` cannot be an id at all. ``for_update`` locks the row (inside a transaction).
    Only branch-owned models (those with ``visible_to``) are accepted: no unscoped fetch.
    """
    queryset = source._default_manager.all() if isinstance(source, type) else source
    if not hasattr(queryset, "visible_to"):
        raise TypeError(f"{queryset.model.__name__} is not branch-owned: access_object needs visible_to()")
    queryset = queryset.visible_to(user)
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    try:
        found = queryset.filter(pk=getattr(pk, "pk", pk)).first()
    except (TypeError, ValueError, ValidationError):
        found = None
    if found is None:
        raise NotFoundError()
    return found


def branch_for_new_row(actor, requested=None, *, required: bool = False) -> int | None:
    """The branch id a new branch-owned row written by ``actor`` gets; every door asks here.

    - Association staff: the branch they chose (``requested``, a Branch or an id); with
      ``required`` an empty choice is refused (``ValidationError`` on ``branch``).
    - A branch officer: always their own branch. Naming another branch is refused (never
      honoured); naming none gives their own.
    - Anyone else (no role, an officer without a branch): ``NotFoundError``, writes nothing.
    """
    scope = user_scope(actor)
    requested_id = getattr(requested, "pk", requested)
    if scope.all_branches:
        if requested_id is None and required:
            raise ValidationError({"branch": [BRANCH_REQUIRED]})
        return requested_id
    if scope.branch_id is None:
        raise NotFoundError()
    if requested_id is not None and requested_id != scope.branch_id:
        raise ValidationError({"branch": [OTHER_BRANCH]})
    return scope.branch_id
