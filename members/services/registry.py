"""Writes of the registry: one function per business action.

``member_create``/``member_update`` and ``honor_create``/``honor_update``/``honor_delete``
are the one write path of a member and its honours: the admin, the API and the importer
(which batches, through the same rule functions) all go through them. They hold the rules
once: the branch of a new member (``branch_for_new_row``), what each role may write
(``member_fields_check``), the 身份证号 and what it gives (``full_clean``, ``parse_id_number``),
the category after an honour changes (``member_refresh_category``) and the history user.
"""

from django.db import transaction

from core.access import access_object, branch_for_new_row
from core.errors import DomainError
from core.idcard import normalise
from core.roles import is_association_staff

from ..models import Honor, Member

# What a door may write on a member. ``recovery_mobile`` is absent on purpose: only the
# member proves it (services.accounts); ``gender``/``birth_date`` follow the 身份证号 and
# ``category``/``top_honor_level`` follow the honours.
MEMBER_FIELDS = frozenset(
    {"name", "id_number", "ethnicity", "political_status", "mobile", "address", "employer", "position",
     "industry", "branch", "status", "notes", "user"}
)  # fmt: skip
HONOR_FIELDS = frozenset({"member", "kind", "level", "title", "year", "awarding_body", "document_number"})
RECOVERY_MOBILE_REFUSED = "本人确认的手机号只能由会员本人通过短信验证码确认，不能在此填写。"
USER_STAFF_ONLY = "只有协会工作人员可以关联登录账号。"
ID_NUMBER_FIXED = "身份证号登记后只能由协会工作人员更正。"
BRANCH_BY_TRANSFER = "更换所属分会请使用名单转移。"


def category_for_kinds(kinds) -> str:
    """The derived category (劳模 / 工匠 / both) for a set of honour kinds."""
    kinds = set(kinds)
    model_worker = bool(kinds & set(Honor.MODEL_WORKER_KINDS))
    craftsman = Honor.Kind.CRAFTSMAN in kinds
    if model_worker and craftsman:
        return Member.Category.BOTH
    if model_worker:
        return Member.Category.MODEL_WORKER
    if craftsman:
        return Member.Category.CRAFTSMAN
    return Member.Category.NONE


def member_refresh_category(*, member_id: int) -> str:
    """Recompute a member's stored category and top honour level from its honours.

    Called after every honour write (signals) so that the stored values never disagree.
    """
    rows = list(Honor.objects.filter(member_id=member_id).values_list("kind", "level"))
    category = category_for_kinds(kind for kind, _ in rows)
    top_level = min((level for _, level in rows), default=None)
    Member.objects.filter(pk=member_id).update(category=category, top_honor_level=top_level)
    return category


def members_refresh_categories(*, member_ids) -> None:
    """Bulk form of member_refresh_category, for imports and demo data."""
    kinds_by_member: dict[int, set] = {pk: set() for pk in member_ids}
    top_by_member: dict[int, int | None] = {pk: None for pk in member_ids}
    rows = Honor.objects.filter(member_id__in=member_ids).values_list("member_id", "kind", "level")
    for member_id, kind, level in rows:
        kinds_by_member[member_id].add(kind)
        current = top_by_member[member_id]
        top_by_member[member_id] = level if current is None else min(current, level)
    groups: dict[tuple, list[int]] = {}
    for member_id, kinds in kinds_by_member.items():
        groups.setdefault((category_for_kinds(kinds), top_by_member[member_id]), []).append(member_id)
    with transaction.atomic():
        for (category, top_level), ids in groups.items():
            Member.objects.filter(pk__in=ids).update(category=category, top_honor_level=top_level)


def access_member(user, pk, *, for_update: bool = False) -> Member:
    """The member ``pk`` (an id or an instance) if ``user`` may see it, else ``NotFoundError``.

    Another branch's member and an id that does not exist get the same answer.
    """
    return access_object(Member, user, pk, for_update=for_update)


def require_visible_member(*, member, actor) -> None:
    """Refuse to act on a member outside the actor's scope: the same answer as a missing one."""
    access_member(actor, member)


def member_fields_check(*, actor, fields, member: Member | None = None) -> None:
    """Refuse what ``actor`` may not write on a member, through any door (importer included).

    ``fields``: the names (or a dict of new values) a door writes; ``member``: the stored row
    for an update. Raises ``DomainError``; an unknown field name is a programming error.
    """
    names = set(fields)
    if "recovery_mobile" in names:
        raise DomainError(RECOVERY_MOBILE_REFUSED, code="recovery_mobile")
    unknown = names - MEMBER_FIELDS
    if unknown:
        raise TypeError(f"not member fields a door may write: {sorted(unknown)}")
    if is_association_staff(actor):
        return
    if "user" in names:
        raise DomainError(USER_STAFF_ONLY, code="staff_only")
    if member is None or not isinstance(fields, dict):
        return
    if "id_number" in fields and normalise(fields["id_number"] or "") != member.id_number:
        raise DomainError(ID_NUMBER_FIXED, code="id_number_fixed")
    if "branch" in fields and getattr(fields["branch"], "pk", fields["branch"]) != member.branch_id:
        raise DomainError(BRANCH_BY_TRANSFER, code="transfer_required")


def _save_member(member: Member, *, actor) -> Member:
    """The 身份证号 normalised, then full_clean (birth date and gender derived, choices, uniqueness), then save."""
    member.id_number = normalise(member.id_number or "")
    member.full_clean()
    member._history_user = actor
    member.save()
    return member


def member_create(*, actor, member: Member | None = None, **fields) -> Member:
    """Register a member: ``fields`` are the values (see MEMBER_FIELDS) typed at the door.

    The branch: an officer's own whatever was asked, association staff must choose one
    (``branch_for_new_row``). ``member``: an unsaved instance to fill (the admin's form built
    it and its inlines point at it); a new one otherwise. Raises ``ValidationError`` or
    ``DomainError``; writes nothing then.
    """
    member_fields_check(actor=actor, fields=fields)
    requested = fields.pop("branch", None)
    member = Member() if member is None else member
    for name, value in fields.items():
        setattr(member, name, value)
    member.branch_id = branch_for_new_row(actor, requested if requested is not None else member.branch_id,
                                          required=True)  # fmt: skip
    with transaction.atomic():
        return _save_member(member, actor=actor)


def member_update(member: Member, *, actor, **fields) -> Member:
    """Change a member ``actor`` may see; the same rules as ``member_create``.

    Officers never change the branch (a transfer does), the 身份证号 or the login. The row is
    re-read under a lock through the actor's scope: out of scope answers like a missing one.
    """
    with transaction.atomic():
        stored = access_member(actor, member, for_update=True)
        member_fields_check(actor=actor, fields=fields, member=stored)
        for name, value in fields.items():
            setattr(member, name, value)
        return _save_member(member, actor=actor)


def _save_honor(honor: Honor, *, actor) -> Honor:
    honor.full_clean()
    honor._history_user = actor
    honor.save()
    return honor


def honor_create(*, actor, member, honor: Honor | None = None, **fields) -> Honor:
    """Add an honour to a member ``actor`` may see; the member's category follows.

    ``honor``: an unsaved instance to fill (the admin's form built it). Another branch's
    member answers like a missing one.
    """
    _check_honor_fields(fields)
    honor = Honor() if honor is None else honor
    with transaction.atomic():
        honor.member = access_member(actor, member, for_update=True)
        for name, value in fields.items():
            setattr(honor, name, value)
        _save_honor(honor, actor=actor)
        member_refresh_category(member_id=honor.member_id)
    return honor


def honor_update(honor: Honor, *, actor, **fields) -> Honor:
    """Change an honour ``actor`` may see (moving it only to a member they may see); categories follow."""
    _check_honor_fields(fields)
    with transaction.atomic():
        stored = access_object(Honor, actor, honor, for_update=True)
        if "member" in fields:
            fields["member"] = access_member(actor, fields["member"])
        for name, value in fields.items():
            setattr(honor, name, value)
        _save_honor(honor, actor=actor)
        for member_id in {stored.member_id, honor.member_id}:
            member_refresh_category(member_id=member_id)
    return honor


def honor_delete(honor: Honor, *, actor) -> None:
    """Delete an honour ``actor`` may see; the member's category follows."""
    with transaction.atomic():
        stored = access_object(Honor, actor, honor, for_update=True)
        stored._history_user = actor
        stored.delete()
        member_refresh_category(member_id=stored.member_id)


def _check_honor_fields(fields) -> None:
    unknown = set(fields) - HONOR_FIELDS
    if unknown:
        raise TypeError(f"not honour fields a door may write: {sorted(unknown)}")
