"""How members get in: login (django-axes sees it), invitation links, claim by SMS, reset by SMS."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import services
from .audit import client_ip
from .errors import DomainError
from .forms import ClaimForm, CodePasswordForm, LoginForm, PasswordForm, ResetStartForm
from .models import Member
from .notifications import SmsError
from .throttle import CacheUnavailable, one_time_code_check, one_time_code_send, throttle_hit
from .tokens import activation_token

BACKEND = "django.contrib.auth.backends.ModelBackend"
HOUR = 3600
TOO_MANY = "尝试次数过多，请一小时后再试。"
UNAVAILABLE = "验证码服务暂时不可用，请稍后再试。"


def _login_username(value: str) -> str:
    """Members sign in with their mobile; staff with their username."""
    value = value.strip()
    member = Member.objects.filter(mobile=value, user__isnull=False).select_related("user").first()
    return member.user.get_username() if member else value


@sensitive_post_parameters("password")
@never_cache
def login_view(request):
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # authenticate(request=…) so django-axes counts the failure against (username, IP).
        user = authenticate(
            request=request,
            username=_login_username(form.cleaned_data["login"]),
            password=form.cleaned_data["password"],
        )
        if user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "admin:index" if user.is_staff else "members:me"
            return redirect(target)
        form.add_error(None, "手机号或密码不正确。")
    return render(request, "members/me/login.html", {"form": form})


@require_POST
def logout_view(request):
    logout(request)
    messages.info(request, "已退出登录。")
    return redirect("members:login")


@sensitive_post_parameters("password1", "password2")
@never_cache
def activate(request, uidb64, token):
    """The one-time link from an invitation: set a password, then in."""
    try:
        user = get_user_model().objects.get(pk=force_str(urlsafe_base64_decode(uidb64)))
    except (ValueError, TypeError, OverflowError, get_user_model().DoesNotExist):
        user = None
    if user is None or not activation_token.check_token(user, token) or not hasattr(user, "member"):
        return render(request, "members/me/activate.html", {"invalid": True}, status=404)
    form = PasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_account_set_password(user=user, password=form.cleaned_data["password1"])
        except DomainError as exc:
            form.add_error("password1", exc.message)
        else:
            login(request, user, backend=BACKEND)
            messages.success(request, "账号已开通。")
            return redirect("members:me")
    return render(request, "members/me/activate.html", {"form": form, "member": user.member})


def _refusal(request, action: str, extra: str = "") -> tuple[str, int] | None:
    """(message, status) when this attempt must be refused: too many tries, or no way to count them.

    Claim and reset fail closed: without the cache there is neither a throttle nor a place for
    the one-time code, so the page says the service is unavailable before anything else.
    """
    limit = settings.CLAIM_RATE_LIMIT
    try:
        allowed = throttle_hit(f"{action}:ip:{client_ip(request)}", limit=limit, window=HOUR)
        if extra:
            allowed = throttle_hit(f"{action}:{extra}", limit=limit, window=HOUR) and allowed
    except CacheUnavailable:
        return UNAVAILABLE, 503
    return None if allowed else (TOO_MANY, 429)


@sensitive_post_parameters("id_number")
@never_cache
def claim(request):
    """Step 1: name + 身份证号 + mobile must match the registry; a code goes to that mobile."""
    form = ClaimForm(request.POST or None)
    status = 200
    if request.method == "POST":
        refusal = _refusal(request, "claim", extra=request.POST.get("mobile", "")[:20])
        if refusal:
            context = {"form": ClaimForm(), "error": refusal[0]}
            return render(request, "members/me/claim.html", context, status=refusal[1])
        if form.is_valid():
            member = services.member_claim_match(**form.cleaned_data)
            if member is None:
                form.add_error(None, "信息与登记资料不一致，或该会员已开通账号。请核对，或联系所在分会。")
                status = 400
            else:
                try:
                    one_time_code_send(purpose="claim", subject=str(member.pk), mobile=member.mobile)
                except CacheUnavailable:
                    form.add_error(None, UNAVAILABLE)
                    status = 503
                except SmsError:
                    form.add_error(None, "短信发送失败，请稍后再试。")
                    status = 503
                else:
                    request.session["claim_member_id"] = member.pk
                    return redirect("members:claim_confirm")
    return render(request, "members/me/claim.html", {"form": form}, status=status)


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def claim_confirm(request):
    """Step 2: the SMS code and a password; then the account exists and the member is in."""
    member_id = request.session.get("claim_member_id")
    if not member_id:
        return redirect("members:claim")
    form = CodePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not one_time_code_check(purpose="claim", subject=str(member_id), code=form.cleaned_data["code"]):
            form.add_error("code", "验证码错误或已过期。")
        else:
            member = Member.objects.get(pk=member_id)
            try:
                user = services.member_claim_complete(member=member, password=form.cleaned_data["password1"])
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session.pop("claim_member_id", None)
                login(request, user, backend=BACKEND)
                messages.success(request, "账号已开通。")
                return redirect("members:me")
    return render(request, "members/me/claim_confirm.html", {"form": form})


@never_cache
def password_reset(request):
    """Step 1: a mobile; a code goes out only if it belongs to a member account (same answer either way)."""
    form = ResetStartForm(request.POST or None)
    if request.method == "POST":
        refusal = _refusal(request, "reset", extra=request.POST.get("mobile", "")[:20])
        if refusal:
            context = {"form": ResetStartForm(), "error": refusal[0]}
            return render(request, "members/me/reset.html", context, status=refusal[1])
        if form.is_valid():
            mobile = form.cleaned_data["mobile"]
            member = Member.objects.filter(mobile=mobile, user__isnull=False, user__is_active=True).first()
            if member is not None:
                try:
                    one_time_code_send(purpose="reset", subject=str(member.user_id), mobile=mobile)
                except CacheUnavailable:
                    context = {"form": ResetStartForm(), "error": UNAVAILABLE}
                    return render(request, "members/me/reset.html", context, status=503)
                except SmsError:
                    pass
            request.session["reset_mobile"] = mobile
            return redirect("members:password_reset_confirm")
    return render(request, "members/me/reset.html", {"form": form})


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def password_reset_confirm(request):
    mobile = request.session.get("reset_mobile")
    if not mobile:
        return redirect("members:password_reset")
    form = CodePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = Member.objects.filter(mobile=mobile, user__isnull=False).select_related("user").first()
        ok = member is not None and one_time_code_check(
            purpose="reset", subject=str(member.user_id), code=form.cleaned_data["code"]
        )
        if not ok:
            form.add_error("code", "验证码错误或已过期。")
        else:
            try:
                services.member_account_set_password(
                    user=member.user, password=form.cleaned_data["password1"]
                )
            except DomainError as exc:
                form.add_error("password1", exc.message)
            else:
                from axes.utils import reset as axes_reset

                axes_reset(username=member.user.get_username())
                request.session.pop("reset_mobile", None)
                messages.success(request, "密码已重设，请登录。")
                return redirect("members:login")
    return render(request, "members/me/reset_confirm.html", {"form": form, "mobile": mobile})
