"""Citizen ID numbers (公民身份号码) per GB 11643-1999: parse, validate, mask."""

import datetime
import operator
from dataclasses import dataclass

from django.core.exceptions import ValidationError

# Province-level codes of GB/T 2260 (first two digits of the address code).
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
        "65", "71", "81", "82", "83", "91",
    }
)  # fmt: skip
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
FULL_WIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９Ｘｘ"}


# One answer wherever a number already in the registry is refused (admin, API): it says no
# more than that, and the door logs the confirmation (core.audit.id_numbers_confirmed).
ID_NUMBER_TAKEN = "该身份证号不能在此登记：名册中已有此人。如需调入，请联系协会办理转移。"


@dataclass(frozen=True)
class IdNumber:
    """A validated 18-character ID number and what it encodes."""

    value: str
    birth_date: datetime.date
    gender: str  # "M" or "F"

    @property
    def region(self) -> str:
        return self.value[:6]


def check_char(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17:
        raise ValueError("17 digits expected")
    # map() keeps this in C: imports check 100,000 numbers at a time.
    total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def normalise(raw: str) -> str:
    """Strip spaces and full-width characters; upper-case a trailing x."""
    value = (raw or "").strip().replace(" ", "").replace("\u3000", "")
    value = value.translate(FULL_WIDTH)
    return value.upper()


def parse_id_number(raw: str, *, today: datetime.date | None = None) -> IdNumber:
    """Validate and parse; raise ValidationError with a Chinese reason."""
    value = normalise(raw)
    if not value:
        raise ValidationError("身份证号不能为空。", code="id_empty")
    if len(value) == 15 and value.isdigit():
        raise ValidationError(
            "这是15位旧身份证号，请先转换为18位新号码（在出生年份前补“19”并计算校验码）后再录入。",
            code="id_old_15",
        )
    if len(value) != 18:
        raise ValidationError(f"身份证号应为18位，当前为{len(value)}位。", code="id_length")
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError("身份证号前17位必须是数字，最后一位是数字或X。", code="id_chars")
    if value[:2] not in PROVINCE_CODES:
        raise ValidationError(f"身份证号的地区码“{value[:6]}”无效。", code="id_region")
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(f"身份证号中的出生日期“{value[6:14]}”不是有效日期。", code="id_birth") from None
    today = today or datetime.date.today()
    if birth > today:
        raise ValidationError("身份证号中的出生日期晚于今天。", code="id_birth_future")
    if birth.year < 1900:
        raise ValidationError("身份证号中的出生年份早于1900年。", code="id_birth")
    if check_char(value[:17]) != value[17]:
        raise ValidationError("身份证号校验码不正确，请核对号码。", code="id_checksum")
    return IdNumber(value=value, birth_date=birth, gender="M" if int(value[16]) % 2 else "F")


def validate_id_number(raw: str) -> None:
    """Model/form field validator."""
    parse_id_number(raw)


def mask_id_number(value: str) -> str:
    """Keep the first two and the last character: the birth date must not survive (docs/security.md)."""
    if not value:
        return ""
    if len(value) < 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 3) + value[-1]


def mask_id_for_document(value: str) -> str:
    """``330106********0481``: what a certificate prints, so a receiving office can match it
    against the card in front of them (region and last four); the birth date never shows."""
    if len(value or "") != 18:
        return mask_id_number(value)
    return value[:6] + "*" * 8 + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678 style."""
    if not value:
        return ""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def make_id_number(region: str, birth: datetime.date, sequence: int) -> str:
    """Build a valid ID number (for demo data and tests); sequence 0..999, odd = male."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
