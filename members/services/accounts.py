"""Member accounts: invitation, claim with an SMS code, password reset by SMS, mobile confirmation.

Only the owner of a login sets its password (docs/security.md, "Accounts and logins"):

* ``member_login_reachable`` is the one rule for every door that sets a password or signs a
  member in without the admin: the login is active and is a member's login only (not staff,
  not superuser, in no group, no permission of its own). Staff who deactivated a login, or a
  login that can do more than a member can, are never reachable by invitation, claim, reset
  or the member login page.
* Invitations and claims are for a member without an opened login: none at all, or one the
  invitation created that never had a usable password and was never used.
* Recovery by SMS and login by mobile use ``Member.recovery_mobile``, the number the member
  proved with a code (claim, or confirming on /me/); never ``Member.mobile``, which officers edit.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.errors import ConflictError, DomainError
from core.idcard import normalise
from core.scoping import scopes_disabled

from ..models import Member
from ..tokens import activation_token
from .registry import require_visible_member

ALREADY_OPENED = "该会员已开通账号，请本人直接登录或通过短信找回密码。"
NOT_REACHABLE = "该会员关联的登录账号为工作人员账号或已停用，不能通过邀请、开通或找回密码设置密码。"


def member_login_reachable(user) -> bool:
    """True when ``user`` is an active login that can do no more than a member can.

    Invitation, activation, claim, password reset and /me/login/ all ask this one question.
    """
    if user is None or not user.is_active or user.is_staff or user.is_superuser:
        return False
    return not user.groups.exists() and not user.user_permissions.exists()


def member_login_unopened(user) -> bool:
    """True for a reachable login that never had a usable password and was never used."""
    return member_login_reachable(user) and not user.has_usable_password() and user.last_login is None


def _require_invitable(member) -> None:
    """Raise unless the member has no login, or only the unopened one an invitation made."""
    user = member.user if member.user_id else None
    if user is None or member_login_unopened(user):
        return
    if member_login_reachable(user) and (user.has_usable_password() or user.last_login is not None):
        raise ConflictError(ALREADY_OPENED, code="already_opened")
    raise ConflictError(NOT_REACHABLE, code="login_not_reachable")


def member_invite(*, member, actor) -> str:
    """Create (or reuse) the member's unopened login and return a one-time activation path.

    Refused (``ConflictError``) for a member whose login is opened, staff, grouped or
    deactivated. The link stops working once used: the token is bound to the password hash,
    which activation changes, and to the login's flags (``members.tokens``).
    """
    require_visible_member(member=member, actor=actor)
    with transaction.atomic():
        user = _member_user(member)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("members:activate", args=[uid, activation_token.make_token(user)])


def _member_user(member):
    """The member's unopened login, created without a usable password if missing.

    Raises ``ConflictError`` when the member's login is opened or not reachable.
    """
    member = Member.objects.select_for_update(of=("self",)).select_related("user").get(pk=member.pk)
    _require_invitable(member)
    if member.user_id:
        return member.user
    user = get_user_model().objects.create_user(username=f"m{member.pk:07d}", password=None)
    member.user = user
    member.save(update_fields=["user"])
    return user


def member_activation_user(user):
    """The login an activation link may set a password for, or None (the view answers 404)."""
    if user is None or not hasattr(user, "member") or not member_login_unopened(user):
        return None
    return user


def member_account_set_password(*, user, password: str) -> None:
    """Set a member's password after Django's validators (activation, claim, reset).

    Only for a reachable login; it never changes ``is_active`` (a login staff deactivated
    stays deactivated).
    """
    if not member_login_reachable(user):
        raise ConflictError(NOT_REACHABLE, code="login_not_reachable")
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.save(update_fields=["password"])


def member_claim_match(*, name: str, id_number: str, mobile: str):
    """The unclaimed member whose name, ID number and mobile all match, or None.

    A member whose login is opened, staff, grouped or deactivated is never claimable.
    """
    # Self-service claim (the public's scope is empty): one lookup by name + ID number, any branch.
    with scopes_disabled():
        member = (
            Member.objects.filter(id_number=normalise(id_number or ""), name=(name or "").strip())
            .exclude(mobile="")
            .select_related("user")
            .first()
        )
    if member is None or member.mobile != (mobile or "").strip():
        return None
    if member.user_id and not member_login_unopened(member.user):
        return None
    return member


def member_claim_complete(*, member, mobile: str, password: str):
    """Open the member's login with the chosen password; ``mobile`` got the SMS code.

    The proved mobile becomes the recovery mobile, but only while it is still the registry
    mobile (an officer changing it between the two steps voids the claim).
    """
    # Self-service claim (the public's scope is empty): this one member, proved by the SMS code.
    with transaction.atomic(), scopes_disabled():
        user = _member_user(member)
        locked = Member.objects.get(pk=member.pk)
        if locked.mobile != mobile:
            raise ConflictError("登记的手机号已变更，请重新开通。", code="mobile_changed")
        member_account_set_password(user=user, password=password)
        locked.recovery_mobile = mobile
        locked.save(update_fields=["recovery_mobile"])
    return user


def member_for_recovery(mobile: str):
    """The member whose confirmed mobile this is and whose login is reachable, or None.

    Only when exactly one such member exists: a number shared by two records opens neither.
    """
    mobile = (mobile or "").strip()
    if not mobile:
        return None
    # Login and password reset by mobile (the public's scope is empty): any branch's member.
    with scopes_disabled():
        found = list(
            Member.objects.filter(recovery_mobile=mobile, user__isnull=False).select_related("user")[:5]
        )
    candidates = [m for m in found if member_login_reachable(m.user)]
    return candidates[0] if len(candidates) == 1 else None


def member_confirm_recovery_mobile(*, member, mobile: str) -> None:
    """The member proved ``mobile`` by SMS on /me/: it becomes their recovery mobile.

    Refused when the registry mobile is no longer the number the code went to.
    """
    # The member's own row on /me/ (their scope is empty).
    with transaction.atomic(), scopes_disabled():
        locked = Member.objects.select_for_update().get(pk=member.pk)
        if not mobile or locked.mobile != mobile:
            raise ConflictError("登记的手机号已变更，请重新获取验证码。", code="mobile_changed")
        locked.recovery_mobile = mobile
        locked.save(update_fields=["recovery_mobile"])
