"""Member accounts: invitation, claim with an SMS code, password reset by SMS."""

from django.contrib.auth import get_user_model
from django.db import transaction

from ..errors import ConflictError, DomainError
from ..models import Member
from .registry import require_visible_member


def member_invite(*, member, actor) -> str:
    """Create (or reuse) the member's login and return a one-time activation path.

    The link stops working once used: the token is bound to the password hash, which
    activation changes (Django's password-reset token mechanism).
    """
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from ..tokens import activation_token

    require_visible_member(member=member, actor=actor)
    with transaction.atomic():
        user = _member_user(member)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("members:activate", args=[uid, activation_token.make_token(user)])


def _member_user(member):
    """The member's login, created without a usable password if missing."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.user_id:
        return member.user
    user = get_user_model().objects.create_user(username=f"m{member.pk:07d}", password=None)
    member.user = user
    member.save(update_fields=["user"])
    return user


def member_account_set_password(*, user, password: str) -> None:
    """Set a member's password after Django's validators (activation, claim, reset)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), code="weak_password") from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])


def member_claim_match(*, name: str, id_number: str, mobile: str):
    """The unclaimed member whose name, ID number and mobile all match, or None."""
    from ..idcard import normalise

    member = (
        Member.objects.filter(id_number=normalise(id_number or ""), name=(name or "").strip())
        .exclude(mobile="")
        .first()
    )
    if member is None or member.mobile != (mobile or "").strip():
        return None
    if member.user_id and member.user.has_usable_password():
        return None
    return member


def member_claim_complete(*, member, password: str):
    """Create the member's login with the chosen password (after the SMS code checked out)."""
    with transaction.atomic():
        user = _member_user(member)
        if user.has_usable_password():
            raise ConflictError("该会员已开通账号，请直接登录或找回密码。", code="already_claimed")
        member_account_set_password(user=user, password=password)
    return user
