"""Field validators shared by the model, the admin, the API and the importer (one rule each)."""

import re

from django.core.validators import RegexValidator

# A phone as people write it: digits with an optional +, dashes, spaces or brackets.
MOBILE = re.compile(r"^[0-9+\-() ]{5,20}$")

validate_mobile = RegexValidator(
    MOBILE, message="手机号码格式不正确：只能包含数字、空格、+、- 和括号，5 到 20 位。", code="invalid_mobile"
)
