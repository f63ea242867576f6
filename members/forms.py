"""Forms of the member-facing pages (login, claim, activation, reset, certificate request)."""

from django import forms

from core.widgets import CodeInput, PhoneInput

from .models import Certificate


class PageForm(forms.Form):
    """A form of the member pages: labels stand above their fields, without a trailing colon."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class LoginForm(PageForm):
    # Not type=tel: a member without a confirmed mobile signs in with a username (m0000123),
    # which a phone's numeric keypad could not type.
    login = forms.CharField(
        label="手机号或用户名", max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}),
    )  # fmt: skip
    password = forms.CharField(label="密码", widget=forms.PasswordInput)


class ClaimForm(PageForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18, min_length=18)
    mobile = forms.RegexField(
        label="手机号码", regex=r"^1\d{10}$", widget=PhoneInput(attrs={"maxlength": "11"}), error_messages={"invalid": "请输入11位手机号码。"}
    )


class PasswordForm(PageForm):
    password1 = forms.CharField(label="设置密码", widget=forms.PasswordInput, min_length=10)
    password2 = forms.CharField(label="再次输入密码", widget=forms.PasswordInput)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            raise forms.ValidationError("两次输入的密码不一致。")
        return data


def _code_field():
    return forms.RegexField(
        label="短信验证码", regex=r"^\d{6}$", widget=CodeInput(attrs={"maxlength": "6"}), error_messages={"invalid": "请输入6位验证码。"}
    )


class CodePasswordForm(PasswordForm):
    code = _code_field()
    field_order = ["code", "password1", "password2"]


class CodeForm(PageForm):
    """Confirming the registry mobile on /me/: the code only."""

    code = _code_field()


class ResetStartForm(PageForm):
    mobile = forms.RegexField(
        label="手机号码", regex=r"^1\d{10}$", widget=PhoneInput(attrs={"maxlength": "11"}), error_messages={"invalid": "请输入11位手机号码。"}
    )


class CertificateRequestForm(PageForm):
    purpose = forms.ChoiceField(label="用途", choices=[(p, p) for p in Certificate.PURPOSES])
    purpose_other = forms.CharField(label="其他用途（选“其他”时填写）", max_length=90, required=False)

    def clean(self):
        data = super().clean()
        if data.get("purpose") == "其他":
            other = (data.get("purpose_other") or "").strip()
            if not other:
                raise forms.ValidationError("请填写具体用途。")
            data["purpose_text"] = other
        else:
            data["purpose_text"] = data.get("purpose", "")
        return data


SERIAL_PATTERN = r"^[A-Za-z0-9-]{1,30}$"


class VerifyLookupForm(PageForm):
    """The printed serial and code of a certificate or card, typed in (the QR code carries both)."""

    serial = forms.RegexField(
        label="证明编号或卡号", regex=SERIAL_PATTERN, max_length=30,
        error_messages={"invalid": "编号只含字母、数字和“-”，请按证明上印的编号填写。", "required": "请填写证明编号或卡号。"},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
    code = forms.RegexField(
        label="验证码", regex=r"^[A-Za-z0-9]{1,16}$", max_length=16,
        error_messages={"invalid": "验证码只含字母和数字，请按证明上印的验证码填写。", "required": "请填写验证码。"},
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}),
    )  # fmt: skip
