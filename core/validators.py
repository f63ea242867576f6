"""Field validators shared by the model, the admin, the API and the importer (one rule each)."""

import re

from django.core.exceptions import ValidationError

# A mainland mobile: 11 digits starting 13-19, optionally +86/86 first; spaces or dashes as
# people group it (138 1234 5678, 138-1234-5678).
CELL_MOBILE = re.compile(r"^(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}$")
# A landline with its area code (0 and 2-3 digits): 0571-87654321, 057187654321, (0571)87654321,
# 010 12345678; an extension after -, 转 or "ext".
LANDLINE = re.compile(r"^(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3}[ -]?)[1-9]\d{6,7}(?:(?:-|转|ext\.?)\d{1,6})?$")
MOBILE_RULE = "应为11位手机号码（如13812345678），或带区号的固定电话（如0571-87654321）"


def is_phone(value: str) -> bool:
    """A mobile or a landline with area code, as ``validate_mobile`` accepts it."""
    text = value.strip()
    return bool(CELL_MOBILE.match(text) or LANDLINE.match(text))


def validate_mobile(value: str) -> None:
    """The registry's 手机号码: a mobile, or a landline with its area code ("1381234" is neither)."""
    if value and not is_phone(value):
        raise ValidationError(f"手机号码“{value[:30]}”格式不正确：{MOBILE_RULE}。", code="invalid_mobile")
