"""The one second-factor policy of every door: the admin login, any other session login, the
API token and session-authenticated API requests.

A user must present a one-time password (django-otp TOTP) when they have enrolled a confirmed
device (then always), or when ``OTP_REQUIRED_FOR_ASSOCIATION`` is on and they are a superuser
or association staff (then without a device they cannot log in at all). Each door asks
``second_factor_required`` and refuses what ``second_factor_satisfied`` does not accept; none
decides on its own.
"""

from django.conf import settings
from django_otp import user_has_device

from core.roles import is_association_staff

# Shown wherever an account that must use a second factor has no authenticator yet.
NOT_ENROLLED_MESSAGE = (
    "此账号必须使用两步验证登录，但尚未绑定验证器。请联系协会管理员重新发送账号邀请："
    "打开邀请链接设置密码并绑定验证器后即可登录。"
)


def second_factor_required(user) -> bool:
    """Must this user present a one-time password to get a session or a token?"""
    if not getattr(user, "is_authenticated", False):
        return False
    # Cached on the user object for the request: the admin asks several times per page.
    cached = getattr(user, "_laomo_otp_required", None)
    if cached is None:
        cached = user_has_device(user, confirmed=True) or (
            settings.OTP_REQUIRED_FOR_ASSOCIATION and (user.is_superuser or is_association_staff(user))
        )
        user._laomo_otp_required = cached
    return cached


def second_factor_satisfied(request_or_user) -> bool:
    """Does this request's user (or this user, as OTPMiddleware left it) meet the policy?

    A user the policy does not concern always does; one it concerns only once OTPMiddleware
    has found a confirmed device of theirs verified in the session (``user.is_verified()``).
    A user object that did not pass through OTPMiddleware counts as unverified.
    """
    is_user = hasattr(request_or_user, "is_authenticated")
    user = request_or_user if is_user else request_or_user.user
    if not second_factor_required(user):
        return True
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified is not None and is_verified())


def second_factor_mandatory(user) -> bool:
    """Must this user have an authenticator whether or not they enrolled one (the role decides)?

    Superusers and association staff while ``OTP_REQUIRED_FOR_ASSOCIATION`` is on. Such a user
    enrols through their invitation link and cannot remove their last device.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(settings.OTP_REQUIRED_FOR_ASSOCIATION and (user.is_superuser or is_association_staff(user)))
