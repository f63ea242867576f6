"""Staff logins: going live (branches, first administrator) and invitations for officers.

Only the owner of a login sets its password (docs/security.md, "Accounts and logins"): a staff
login is created without a usable password and its owner sets one through a one-time link
(``members.tokens.staff_invitation_token``), sent by SMS to the mobile on the 分会工作人员 row
and shown once to the staff member who created it. Re-sending leaves a fresh unusable password,
which kills the link sent before; using the link sets the password, which kills it too.

Who may create which login:

* association staff (and superusers) create **branch officer** logins, from 分会工作人员;
* association staff logins and superusers only by ``manage.py setup_association`` (server access);
* officers create none (they have no permission on 分会工作人员 at all).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.authenticators import authenticator_confirm
from core.errors import ConflictError, DomainError
from core.idcard import mask_phone
from core.notifications import SmsError, send_sms
from core.permissions import sync_role_groups
from core.roles import ASSOCIATION_GROUP, OFFICER_GROUP, is_association_staff
from core.scoping import scopes_disabled
from core.second_factor import second_factor_mandatory

from ..models import Branch, OfficerProfile
from ..reference import branch_rows
from ..tokens import staff_invitation_hours, staff_invitation_token

ONLY_ASSOCIATION = "只有协会工作人员可以创建分会工作人员的登录账号。"
OPENED = "该登录账号已由本人设置密码并使用，不能再发送邀请。忘记密码请本人联系协会管理员处理。"
NOT_OFFICER_LOGIN = "该登录账号不是分会工作人员账号（协会工作人员或管理员账号），不能在这里发送邀请。"
NO_BRANCH = "请先为该工作人员选择所属分会并保存，再创建登录账号。"
USERNAME_TAKEN = "登录名“{}”已被使用，请换一个。"


# ---- going live -------------------------------------------------------------------------------


def branches_load() -> dict[str, int]:
    """Create or update the 23 branches of ``members.reference`` by code (idempotent).

    Returns counts: created, updated, unchanged. Branches added by hand are left alone.
    """
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    # Going live from the command line: the branch table itself, no request and no scope.
    with scopes_disabled(), transaction.atomic():
        for row in branch_rows():
            branch = Branch.objects.filter(code=row["code"]).first()
            if branch is None:
                Branch.objects.create(**row)
                counts["created"] += 1
                continue
            changed = [name for name in ("name", "kind", "sort_order") if getattr(branch, name) != row[name]]
            if changed:
                for name in changed:
                    setattr(branch, name, row[name])
                branch.save(update_fields=changed)
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
    return counts


def association_admin_create(*, username: str, name: str = "", email: str = "", mobile: str = ""):
    """The association's administrator: superuser, staff, in the association group, no password.

    Returns (user, created). An existing login of that name is left as it is (created=False).
    """
    sync_role_groups()
    User = get_user_model()
    username = _clean_username(username)
    with transaction.atomic():
        user = User.objects.filter(username=username).first()
        if user is not None:
            return user, False
        user = User(username=username, first_name=name[:150], email=email, is_staff=True, is_superuser=True)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=ASSOCIATION_GROUP))
    return user, True


# ---- invitations ------------------------------------------------------------------------------


def staff_invitation_url(user) -> str:
    """A fresh absolute one-time link for ``user`` (valid ``STAFF_INVITATION_HOURS``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("staff_invitation", args=[uid, staff_invitation_token.make_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def staff_invitation_reissue(user, *, reset: bool = False) -> str:
    """Kill every earlier link of an unopened staff login and return a new one.

    ``reset`` (``setup_association --reset``, server access only): also for an opened login,
    whose password and authenticators are removed, so that its owner sets them again (a lost
    phone, a forgotten password, or a second factor required after the login was opened).
    """
    if not reset and (user.has_usable_password() or user.last_login is not None):
        raise ConflictError(OPENED, code="opened")
    with transaction.atomic():
        user.set_unusable_password()  # a fresh random unusable hash: earlier links stop working
        user.save(update_fields=["password"])
        TOTPDevice.objects.filter(user=user, **({} if reset else {"confirmed": False})).delete()
    return staff_invitation_url(user)


def officer_login_suggestion(profile) -> str:
    """A free login name for a branch's officer: the branch code and a number (xihu01, xihu02…)."""
    User = get_user_model()
    base = (profile.branch.code if profile.branch_id else "officer").replace("-", "_")
    for number in range(1, 1000):
        candidate = f"{base}{number:02d}"
        if not User.objects.filter(username=candidate).exists():
            return candidate
    return f"{base}_{profile.pk}"


def _clean_username(username: str) -> str:
    username = (username or "").strip()
    if not username or len(username) > 150:
        raise DomainError("请填写登录名（最多150个字符）。", code="username")
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError("登录名只能包含字母、数字和 @ . + - _ 。", code="username") from None
    return username


def _officer_login_only(user) -> bool:
    groups = set(user.groups.values_list("name", flat=True))
    return (
        user.is_staff
        and not user.is_superuser
        and groups <= {OFFICER_GROUP}
        and not user.user_permissions.exists()
    )


def officer_invite(*, profile, actor, username: str = "", send_by_sms: bool = True) -> dict:
    """Create the officer's login (or re-issue its invitation) and send the one-time link.

    Returns ``{"url", "username", "sms": "sent" | "failed" | "none", "mobile": masked}``.
    Raises ``DomainError`` for an actor who is not association staff, a row without a branch,
    a taken login name, a login that is opened or is not an officer's.
    """
    if not is_association_staff(actor):
        raise DomainError(ONLY_ASSOCIATION, code="forbidden")
    if not profile.branch_id:
        raise DomainError(NO_BRANCH, code="no_branch")
    sync_role_groups()
    User = get_user_model()
    with transaction.atomic():
        profile = (
            # of=self: PostgreSQL locks no row of the outer-joined (nullable) user or branch.
            OfficerProfile.objects.select_for_update(of=("self",)).select_related("user", "branch").get(pk=profile.pk)
        )
        user = profile.user
        if user is None:
            username = _clean_username(username or officer_login_suggestion(profile))
            if User.objects.filter(username__iexact=username).exists():
                raise DomainError(USERNAME_TAKEN.format(username), code="username_taken")
            user = User(username=username, first_name=profile.name[:150], is_staff=True)
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=OFFICER_GROUP))
            profile.user = user
        elif not _officer_login_only(user):
            raise ConflictError(NOT_OFFICER_LOGIN, code="not_officer_login")
        url = staff_invitation_reissue(user)
        profile.invited_at = timezone.now()
        profile.save(update_fields=["user", "invited_at"])
    result = {
        "url": url,
        "username": user.get_username(),
        "sms": "none",
        "mobile": mask_phone(profile.mobile),
    }
    if send_by_sms and profile.mobile:
        text = (
            f"{profile.name or user.get_username()}您好：{settings.ASSOCIATION_NAME}已为您开通"
            f"{profile.branch.name}分会工作人员账号，登录名 {user.get_username()}。"
            f"请在{staff_invitation_hours()}小时内打开链接设置密码：{url}"
        )
        try:
            send_sms(mobile=profile.mobile, text=text)
        except SmsError:
            result["sms"] = "failed"
        else:
            result["sms"] = "sent"
    return result


def staff_invitation_user(uidb64: str, token: str):
    """The staff login a link may set a password for, or None (expired, used, re-sent, malformed)."""
    User = get_user_model()
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
        user = User.objects.filter(pk=pk).first() if 0 < pk < 2**63 else None
    except (ValueError, TypeError, OverflowError, UnicodeDecodeError):
        return None
    if user is None or not staff_invitation_token.check_token(user, token):
        return None
    # A login reset by ``setup_association --reset`` keeps its last login (the token is bound
    # to it, so signing in kills the link); an unusable password is what makes it invitable.
    if not (user.is_active and user.is_staff) or user.has_usable_password():
        return None
    return user


def staff_invitation_accept(*, user, password: str, device=None, code: str = "", device_name: str = ""):
    """The owner sets their password (and confirms their authenticator where policy needs one).

    Returns the confirmed device or None. Nothing is saved unless everything checks out.
    """
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), code="weak_password") from None
    confirmed = None
    if second_factor_mandatory(user) or (code or "").strip():
        if device is None:
            raise DomainError("请先用手机验证器扫描二维码。", code="no_device")
        # Not inside a transaction that the refusal rolls back: a wrong code counts against
        # the device's throttle (django-otp saves the failure).
        confirmed = authenticator_confirm(user=user, device=device, code=code, name=device_name)
    user.set_password(password)
    user.save(update_fields=["password"])
    return confirmed


def officer_account_state(profile) -> str:
    """The 分会工作人员 row's login as staff read it."""
    user = profile.user if profile.user_id else None
    if user is None:
        return "未创建登录账号"
    if not user.is_active:
        return "账号已停用"
    if user.has_usable_password() or user.last_login is not None:
        return "已开通"
    return "已邀请，等待本人设置密码"
