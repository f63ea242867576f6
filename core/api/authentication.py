"""The API's two authentication doors, both under the one second-factor policy
(``core.second_factor``).

Tokens. A token only counts for a user who must use a second factor if it was issued by
``POST /api/token/`` after that user's one-time password was verified. That fact is carried
by the token key itself: such a key is a random part followed by an HMAC (keyed with
``SECRET_KEY``) over the user, the device that verified the password and the random part. So:

- a token issued on the password alone (before the user enrolled an authenticator, before
  ``OTP_REQUIRED_FOR_ASSOCIATION`` was switched on or the user joined the association staff),
  or created in the admin or the shell, carries no valid mark and is refused;
- a token whose verifying device has since been removed or unconfirmed (a lost phone) is
  refused, as a verified session is;
- no table or migration is needed, and nothing has to remember to delete tokens when the
  requirement starts to apply.

Sessions. A session-authenticated API request is refused while the policy requires a second
factor and the session has not verified one (django-otp's ``OTPMiddleware`` decides
``is_verified()``), as the admin refuses it.
"""

import base64
import secrets

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp import devices_for_user
from drf_spectacular.authentication import SessionScheme
from rest_framework import authentication, exceptions

from core.second_factor import second_factor_required, second_factor_satisfied

_SALT = "core.api.authentication.second-factor-token"
_NONCE_LENGTH = 22  # secrets.token_urlsafe(16): 128 random bits
_TAG_LENGTH = 18  # 108 bits of the HMAC; the key is 40 characters, as DRF's Token.key allows

TOKEN_NOT_VERIFIED_MESSAGE = (
    "此账号需要两步验证，该令牌不是在两步验证后签发的，已不能使用。请向 /api/token/ 同时提交密码和"
    "验证器上的6位动态验证码 otp_token，重新获取令牌。"
)
SESSION_NOT_VERIFIED_MESSAGE = "此账号需要两步验证：请先在管理后台用动态验证码登录，或改用令牌访问接口。"


def _tag(user_pk, device_id: str, nonce: str, secret: str) -> str:
    digest = salted_hmac(_SALT, f"{user_pk}:{device_id}:{nonce}", secret=secret, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(digest).decode()[:_TAG_LENGTH]


def second_factor_token_key(user, device) -> str:
    """A new token key that records that ``device`` verified ``user``'s one-time password."""
    nonce = secrets.token_urlsafe(16)
    return nonce + _tag(user.pk, device.persistent_id, nonce, settings.SECRET_KEY)


def token_has_second_factor(token) -> bool:
    """Was this token issued after a confirmed device of its user verified a one-time password?"""
    key = token.key
    if len(key) != _NONCE_LENGTH + _TAG_LENGTH:
        return False
    nonce, tag = key[:_NONCE_LENGTH], key[_NONCE_LENGTH:]
    secrets_in_use = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for device in devices_for_user(token.user, confirmed=True):
        for secret in secrets_in_use:
            if constant_time_compare(tag, _tag(token.user_id, device.persistent_id, nonce, secret)):
                return True
    return False


class SecondFactorTokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, refusing a token that skipped a required second factor."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if second_factor_required(user) and not token_has_second_factor(token):
            raise exceptions.AuthenticationFailed(TOKEN_NOT_VERIFIED_MESSAGE)
        return user, token


class SecondFactorSessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication, refusing a session that skipped a required second factor."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        # request._request.user is the user OTPMiddleware has marked verified or not.
        if not second_factor_satisfied(request._request):
            raise exceptions.AuthenticationFailed(SESSION_NOT_VERIFIED_MESSAGE)
        return result


class SecondFactorSessionScheme(SessionScheme):
    """OpenAPI: our session authentication is Django's session cookie, as before."""

    target_class = "core.api.authentication.SecondFactorSessionAuthentication"
    priority = 0
