"""``POST /api/token/``: an API token for a username, a password and, where the one
second-factor policy (``core.second_factor``) requires it, a one-time password.

The password is checked by ``authenticate(request=...)``, so django-axes counts failures and
locks the pair (username, client IP) as on every other login. A user the policy concerns gets
a token only with an ``otp_token`` a confirmed TOTP device of theirs accepts, and the token key
records that (``core.api.authentication``); such a user without a device gets none.
Whatever the body, the answer is a 200 with a token or a 400 with a Chinese message.
"""

from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction
from django_otp import devices_for_user, user_has_device
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import ParseError, UnsupportedMediaType
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api.authentication import second_factor_token_key, token_has_second_factor
from core.audit import LOGIN_NAME_MAX
from core.second_factor import NOT_ENROLLED_MESSAGE, second_factor_required

MALFORMED_MESSAGE = (
    "请求格式不正确：请以 JSON 或表单提交 username 和 password（需要两步验证的账号另加 otp_token）。"
)
MISSING_MESSAGE = "请填写用户名和密码。"
WRONG_CREDENTIALS_MESSAGE = "用户名或密码不正确，或账号已停用。"
OTP_REQUIRED_MESSAGE = "此账号需要两步验证：请同时提交验证器上的6位动态验证码 otp_token。"
OTP_INVALID_MESSAGE = "动态验证码不正确或已过期，请重试。"
OTP_THROTTLED_MESSAGE = "验证码错误次数过多，请稍后再试。"

# No password a person types is anywhere near this; login names are cut like django-axes' own.
MAX_USERNAME_LENGTH = LOGIN_NAME_MAX
MAX_PASSWORD_LENGTH = 1024


def _text(data, name, max_length):
    """The field as a clean string, "" when absent or empty, or None when it cannot be one."""
    value = data.get(name, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > max_length or "\x00" in value:
        return None
    try:
        value.encode("utf-8")  # a lone surrogate from JSON ("\ud800") cannot be stored or hashed
    except UnicodeEncodeError:
        return None
    return value


def _refuse(message):
    return Response({"detail": message}, status=status.HTTP_400_BAD_REQUEST)


def _verifying_device(user, otp_token):
    """(device, None) for the confirmed device that accepts the token, else (None, message)."""
    otp_token = otp_token.strip()
    if not (otp_token.isascii() and otp_token.isdigit() and 6 <= len(otp_token) <= 8):
        return None, OTP_INVALID_MESSAGE
    throttled = False
    with transaction.atomic():  # devices are locked for the check, as django-otp asks
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            allowed, _ = device.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if device.verify_token(otp_token):
                return device, None
    return None, OTP_THROTTLED_MESSAGE if throttled else OTP_INVALID_MESSAGE


def _token_for(user, device):
    """The user's token; with a device, one whose key records that device's verification."""
    token = Token.objects.filter(user=user).first()
    if token is not None and (device is None or token_has_second_factor(token)):
        return token
    try:
        with transaction.atomic():
            Token.objects.filter(user=user).delete()  # issued without the second factor
            key = second_factor_token_key(user, device) if device is not None else Token.generate_key()
            return Token.objects.create(user=user, key=key)
    except IntegrityError:  # a concurrent request created it first
        return Token.objects.get(user=user)


_detail = inline_serializer("TokenErrorResponse", {"detail": serializers.CharField()})


@extend_schema(
    summary="获取接口令牌",
    description=(
        "提交用户名和密码换取接口令牌，之后在请求头中携带 `Authorization: Token <令牌>`。"
        "需要两步验证的账号（已绑定验证器的账号，以及开启 OTP_REQUIRED_FOR_ASSOCIATION 时的协会工作人员）"
        "还须提交验证器上的6位动态验证码 `otp_token`，否则不签发令牌；此前未经两步验证签发的令牌对这类账号无效。"
        "连续输错密码会按“用户名 + 客户端地址”暂时锁定。"
    ),
    auth=[],
    request=inline_serializer(
        "TokenRequest",
        {
            "username": serializers.CharField(help_text="用户名"),
            "password": serializers.CharField(help_text="密码"),
            "otp_token": serializers.CharField(
                required=False, help_text="验证器上的6位动态验证码（需要两步验证的账号必填）"
            ),
        },
    ),
    responses={
        200: inline_serializer("TokenResponse", {"token": serializers.CharField(help_text="接口令牌")}),
        400: OpenApiResponse(_detail, description="请求格式不正确、用户名或密码错误、缺少或错误的动态验证码"),
    },
    examples=[
        OpenApiExample(
            "需要两步验证的账号",
            value={"username": "staff", "password": "******", "otp_token": "123456"},
            request_only=True,
        )
    ],
)
class ObtainTokenView(APIView):
    """Username + password (+ otp_token where required) → the user's API token."""

    authentication_classes = []  # a login door: no session (and no CSRF) or token in play
    permission_classes = []
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def post(self, request):
        try:
            data = request.data
        except (ParseError, UnsupportedMediaType):
            return _refuse(MALFORMED_MESSAGE)
        if not hasattr(data, "get"):  # a JSON list, string or number
            return _refuse(MALFORMED_MESSAGE)
        username = _text(data, "username", MAX_USERNAME_LENGTH)
        password = _text(data, "password", MAX_PASSWORD_LENGTH)
        otp_token = _text(data, "otp_token", 64)
        if username is None or password is None or otp_token is None:
            return _refuse(MALFORMED_MESSAGE)
        if not username or not password:
            return _refuse(MISSING_MESSAGE)

        user = authenticate(request=request._request, username=username, password=password)
        if user is None:
            return _refuse(WRONG_CREDENTIALS_MESSAGE)

        device = None
        if second_factor_required(user):
            if not user_has_device(user, confirmed=True):
                return _refuse(NOT_ENROLLED_MESSAGE)
            if not otp_token:
                return _refuse(OTP_REQUIRED_MESSAGE)
            device, message = _verifying_device(user, otp_token)
            if device is None:
                return _refuse(message)
        return Response({"token": _token_for(user, device).key})
