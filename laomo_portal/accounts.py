"""Staff accounts outside Django's admin views: accepting an invitation, one's own 两步验证 page.

* ``/admin/invitation/<uid>/<token>/``: the owner of a new staff login (first administrator or a
  branch officer) sets their own password; where the second-factor policy requires one
  (``core.second_factor.second_factor_mandatory``) they enrol an authenticator on the same
  page, so nobody who must use two-step login ends at a login form they cannot pass.
* ``/admin/two-factor/``: a signed-in staff member adds, confirms and removes their own
  authenticators (never anyone else's); removing needs the password again, and the last one
  stays where policy requires it.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.authenticators import (
    authenticator_confirm,
    authenticator_confirmed,
    authenticator_pending,
    authenticator_pending_existing,
    authenticator_remove,
    qr_svg,
    secret_text,
)
from core.errors import DomainError
from core.second_factor import second_factor_mandatory
from members.services.staff_accounts import staff_invitation_accept, staff_invitation_user
from members.tokens import staff_invitation_hours

BACKEND = "django.contrib.auth.backends.ModelBackend"


class InvitationForm(forms.Form):
    password1 = forms.CharField(
        label="设置密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password2 = forms.CharField(
        label="再次输入密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    otp_token = forms.CharField(
        label="验证器上的6位数字",
        required=False,
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "两次输入的密码不一致。")
        return cleaned


class ConfirmForm(forms.Form):
    otp_token = forms.CharField(
        label="验证器上的6位数字",
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    name = forms.CharField(label="验证器名称", max_length=64, required=False, initial="手机验证器")


class RemoveForm(forms.Form):
    device = forms.CharField(max_length=20)
    password = forms.CharField(label="当前密码", strip=False, widget=forms.PasswordInput)


def _device_context(device) -> dict:
    return {"device": device, "qr_svg": qr_svg(device), "secret": secret_text(device)}


@sensitive_post_parameters("password1", "password2", "otp_token")
@never_cache
def staff_invitation(request, uidb64, token):
    user = staff_invitation_user(uidb64, token)
    context = {**admin.site.each_context(request), "title": "设置账号密码", "hours": staff_invitation_hours()}
    if user is None:
        return render(request, "laomo_portal/invitation.html", {**context, "invalid": True}, status=404)
    mandatory = second_factor_mandatory(user)
    device = authenticator_pending(user) if mandatory else None
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            confirmed = staff_invitation_accept(
                user=user,
                password=form.cleaned_data["password1"],
                device=device,
                code=form.cleaned_data["otp_token"],
            )
        except DomainError as exc:
            form.add_error(
                "otp_token" if exc.code in ("wrong_code", "no_device") else "password1", exc.message
            )
        else:
            if confirmed is not None:
                user.otp_device = confirmed  # django-otp marks the session verified on login
            login(request, user, backend=BACKEND)
            messages.success(request, "密码已设置，账号已开通。" + ("两步验证已开启。" if confirmed else ""))
            return redirect("admin:index")
    context.update(
        {"form": form, "account": user, "mandatory": mandatory, **(_device_context(device) if device else {})}
    )
    return render(request, "laomo_portal/invitation.html", context)


@sensitive_post_parameters("password", "otp_token")
@never_cache
def two_factor(request):
    """The signed-in staff member's own authenticators (admin.site.admin_view wraps it).

    Reading the page changes nothing: a new secret (an unconfirmed device) is made only when
    the person asks for one (``start``, or ``renew`` to replace a secret someone else saw).
    """
    user = request.user
    pending = authenticator_pending_existing(user)
    confirm_form = ConfirmForm(request.POST if request.POST.get("action") == "confirm" else None)
    remove_form = RemoveForm(request.POST if request.POST.get("action") == "remove" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "start":
            authenticator_pending(user)
            return redirect(f"{reverse('two_factor')}#confirm-form")
        if action == "renew":
            TOTPDevice.objects.filter(user=user, confirmed=False).delete()
            authenticator_pending(user)
            messages.info(request, "已生成新的二维码，请重新扫描。")
            return redirect("two_factor")
        if action == "confirm" and confirm_form.is_valid() and pending is None:
            confirm_form.add_error("otp_token", "请先点击“绑定手机验证器”生成二维码，扫描后再输入验证码。")
        elif action == "confirm" and confirm_form.is_valid():
            try:
                device = authenticator_confirm(
                    user=user,
                    device=pending,
                    code=confirm_form.cleaned_data["otp_token"],
                    name=confirm_form.cleaned_data["name"],
                )
            except DomainError as exc:
                confirm_form.add_error("otp_token", exc.message)
            else:
                otp_login(request, device)  # this session has just proved the device
                messages.success(
                    request, f"验证器“{device.name}”已绑定。今后登录须输入验证器上的动态验证码。"
                )
                return redirect("two_factor")
        if action == "remove" and remove_form.is_valid():
            if not user.check_password(remove_form.cleaned_data["password"]):
                remove_form.add_error("password", "密码不正确。")
            else:
                try:
                    authenticator_remove(user=user, device_id=remove_form.cleaned_data["device"])
                except DomainError as exc:
                    remove_form.add_error(None, exc.message)
                else:
                    messages.success(request, "验证器已移除。")
                    return redirect("two_factor")
    devices = authenticator_confirmed(user)
    context = {
        **admin.site.each_context(request),
        "title": "两步验证",
        "devices": devices,
        "mandatory": second_factor_mandatory(user),
        "confirm_form": confirm_form,
        "remove_form": remove_form,
        "pending": pending,
        **(_device_context(pending) if pending else {}),
    }
    return render(request, "laomo_portal/two_factor.html", context)
