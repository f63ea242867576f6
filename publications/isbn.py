"""ISBN-10 and ISBN-13: normalise, validate by checksum, format."""

import re

from django.core.exceptions import ValidationError

SEPARATORS = re.compile(r"[\s\-‐‑–—]")


def normalise_isbn(value: str) -> str:
    """Digits (and a final X) without hyphens or spaces; an 'ISBN' prefix is dropped."""
    value = (value or "").strip().upper()
    if value.startswith("ISBN"):
        value = value[4:].lstrip(":： ")
    return SEPARATORS.sub("", value)


def isbn10_check_digit(first9: str) -> str:
    total = sum((10 - i) * int(d) for i, d in enumerate(first9))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first12: str) -> str:
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(first12))
    return str((10 - total % 10) % 10)


def is_valid_isbn(value: str) -> bool:
    isbn = normalise_isbn(value)
    if len(isbn) == 10 and re.fullmatch(r"\d{9}[\dX]", isbn):
        return isbn10_check_digit(isbn[:9]) == isbn[9]
    if len(isbn) == 13 and isbn.isdigit() and isbn[:3] in ("978", "979"):
        return isbn13_check_digit(isbn[:12]) == isbn[12]
    return False


def validate_isbn(value: str) -> None:
    """Model/form validator with a Chinese message saying what is wrong."""
    isbn = normalise_isbn(value)
    if len(isbn) not in (10, 13):
        raise ValidationError(
            "ISBN 应为10位或13位（可含连字符），当前为%(n)s位。", code="isbn_length", params={"n": len(isbn)}
        )
    if len(isbn) == 13 and not isbn.isdigit():
        raise ValidationError("13位ISBN只能由数字组成。", code="isbn_chars")
    if len(isbn) == 13 and isbn[:3] not in ("978", "979"):
        raise ValidationError("13位ISBN应以978或979开头。", code="isbn_prefix")
    if len(isbn) == 10 and not re.fullmatch(r"\d{9}[\dX]", isbn):
        raise ValidationError("10位ISBN前9位应为数字，最后一位为数字或X。", code="isbn_chars")
    if not is_valid_isbn(isbn):
        raise ValidationError("ISBN 校验位不正确，请核对。", code="isbn_checksum")


def to_isbn13(value: str) -> str:
    """The ISBN-13 form of a valid ISBN (an ISBN-10 gains the 978 prefix and a new check digit)."""
    isbn = normalise_isbn(value)
    if len(isbn) == 13:
        return isbn
    first12 = "978" + isbn[:9]
    return first12 + isbn13_check_digit(first12)


def format_isbn13(value: str) -> str:
    """978-7-xxxxxxxxx-x: prefix, group 7 (China) split off when present, check digit."""
    isbn = to_isbn13(value)
    if isbn[3] == "7":
        return f"{isbn[:3]}-7-{isbn[4:12]}-{isbn[12]}"
    return f"{isbn[:3]}-{isbn[3:12]}-{isbn[12]}"
