"""How members get in: login (django-axes sees it), invitation links, claim by SMS, reset by SMS.

Which logins these doors reach, and which mobile counts, is decided in
``members.services.accounts`` (``member_login_reachable``, ``member_for_recovery``): staff,
grouped and deactivated logins never; the registry mobile only once the member confirmed it.
"""

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from core.audit import client_ip
from core.errors import DomainError
from core.notifications import SmsError
from core.scoping import scopes_disabled
from core.second_factor import second_factor_required
from core.throttle import CacheUnavailable, one_time_code_check, one_time_code_send, throttle_hit

from . import services
from .forms import ClaimForm, CodeForm, CodePasswordForm, LoginForm, PasswordForm, ResetStartForm
from .models import Member
from .services.accounts import (
    member_activation_user,
    member_confirm_recovery_mobile,
    member_for_recovery,
    member_login_reachable,
)
from .tokens import activation_token
from .views import own_member

BACKEND = "django.contrib.auth.backends.ModelBackend"
HOUR = 3600
TOO_MANY = "尝试次数过多，请一小时后再试。"
UNAVAILABLE = "验证码服务暂时不可用，请稍后再试。"
STAFF_ELSEWHERE = "工作人员请从管理后台登录。"
WRONG_CODE = "验证码错误或已过期。"


def _login_username(value: str) -> str:
    """Members sign in with the mobile they confirmed (or their username).

    Only a confirmed mobile of exactly one member login counts; anything else is taken as a
    username as typed.
    """
    value = value.strip()
    member = member_for_recovery(value)
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
        if user is not None and (not member_login_reachable(user) or second_factor_required(user)):
            # The password was right, but staff (and anyone the one second-factor policy
            # covers) sign in only through the admin, which asks for the code: no session here.
            form.add_error(None, STAFF_ELSEWHERE)
        elif user is not None:
            login(request, user)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                target = "members:me"
            return redirect(target)
        else:
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
    if user is not None and not activation_token.check_token(user, token):
        user = None
    user = member_activation_user(user)
    if user is None:
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
                    one_time_code_send(
                        purpose="claim", subject=f"{member.pk}:{member.mobile}", mobile=member.mobile
                    )
                except CacheUnavailable:
                    form.add_error(None, UNAVAILABLE)
                    status = 503
                except SmsError:
                    form.add_error(None, "短信发送失败，请稍后再试。")
                    status = 503
                else:
                    request.session["claim_member_id"] = member.pk
                    request.session["claim_mobile"] = member.mobile
                    return redirect("members:claim_confirm")
    return render(request, "members/me/claim.html", {"form": form}, status=status)


@sensitive_post_parameters("code", "password1", "password2")
@never_cache
def claim_confirm(request):
    """Step 2: the SMS code and a password; then the account exists and the member is in."""
    member_id = request.session.get("claim_member_id")
    mobile = request.session.get("claim_mobile")
    if not member_id or not mobile:
        return redirect("members:claim")
    form = CodePasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subject = f"{member_id}:{mobile}"  # the code proves this number, nothing else
        if not one_time_code_check(purpose="claim", subject=subject, code=form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
        else:
            with scopes_disabled():  # the member this session's claim matched (public scope is empty)
                member = Member.objects.get(pk=member_id)
            try:
                user = services.member_claim_complete(
                    member=member, mobile=mobile, password=form.cleaned_data["password1"]
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                request.session.pop("claim_member_id", None)
                request.session.pop("claim_mobile", None)
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
            member = member_for_recovery(mobile)
            if member is not None:
                try:
                    one_time_code_send(purpose="reset", subject=f"{member.user_id}:{mobile}", mobile=mobile)
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
        member = member_for_recovery(mobile)
        ok = member is not None and one_time_code_check(
            purpose="reset", subject=f"{member.user_id}:{mobile}", code=form.cleaned_data["code"]
        )
        if not ok:
            form.add_error("code", WRONG_CODE)
        else:
            try:
                services.member_account_set_password(
                    user=member.user, password=form.cleaned_data["password1"]
                )
            except DomainError as exc:
                form.add_error("password1", exc.message)
            else:
                axes_reset(username=member.user.get_username())
                request.session.pop("reset_mobile", None)
                messages.success(request, "密码已重设，请登录。")
                return redirect("members:login")
    return render(request, "members/me/reset_confirm.html", {"form": form, "mobile": mobile})


@never_cache
@login_required
def confirm_mobile(request):
    """/me/mobile/confirm/: the member proves the registry mobile by SMS; it becomes the recovery mobile.

    A number typed by an officer or staff counts for login and password reset only after this.
    POST ``send`` sends a code to the registry mobile (throttled like claim and reset); POST
    ``code`` checks it. The code is bound to the number it went to.
    """
    member = own_member(request.user)
    form = CodeForm(request.POST if "code" in request.POST else None)
    status = 200
    error = ""
    subject = f"{member.pk}:{member.mobile}"
    if request.method == "POST" and member.mobile and "send" in request.POST:
        refusal = _refusal(request, "confirm_mobile", extra=str(member.pk))
        if refusal:
            error, status = refusal
        else:
            try:
                one_time_code_send(purpose="confirm_mobile", subject=subject, mobile=member.mobile)
            except CacheUnavailable:
                error, status = UNAVAILABLE, 503
            except SmsError:
                error, status = "短信发送失败，请稍后再试。", 503
            else:
                messages.info(request, "验证码已发送，请查收短信。")
                return redirect("members:confirm_mobile")
    elif request.method == "POST" and member.mobile and form.is_valid():
        if not one_time_code_check(purpose="confirm_mobile", subject=subject, code=form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
        else:
            try:
                member_confirm_recovery_mobile(member=member, mobile=member.mobile)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "手机号已确认，今后可用它登录和找回密码。")
                return redirect("members:me")
    context = {"member": member, "form": form if form.is_bound else CodeForm(), "error": error}
    return render(request, "members/me/confirm_mobile.html", context, status=status)
