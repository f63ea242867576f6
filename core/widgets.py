"""Form widgets shared by the member pages and the admin: phone and one-time-code inputs.

``type=tel`` gives a phone the telephone keypad and lets the browser offer the owner's
number; ``inputmode`` says which keypad: ``numeric`` for the member pages' 11-digit mobiles,
``tel`` (digits and -, +) where a landline with its area code is accepted too.
"""

from django import forms


class PhoneInput(forms.TextInput):
    input_type = "tel"

    def __init__(self, attrs=None, *, inputmode: str = "numeric"):
        super().__init__({"inputmode": inputmode, "autocomplete": "tel", **(attrs or {})})


class CodeInput(forms.TextInput):
    """A numeric one-time code (SMS): the numeric keypad, and the phone may offer the code it received."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "numeric", "autocomplete": "one-time-code", **(attrs or {})})


PHONE_FIELD_SUFFIXES = ("mobile", "phone")


def is_phone_field_name(name: str) -> bool:
    """``mobile``, ``recovery_mobile``, ``contact_phone``, ``emergency_contact_phone`` …"""
    return name.endswith(PHONE_FIELD_SUFFIXES)
