"""ISBN-10 and ISBN-13: normalise, validate, format, through python-stdnum (``stdnum.isbn``).

stdnum does the checksums, the 978/979 prefix and the hyphenation by the ISBN agency's range
table; this module adds what the portal needs around it: the input forms officers type
(an "ISBN" prefix, full-width colons, Unicode dashes) and a Chinese message saying what is wrong.
"""

import re

from django.core.exceptions import ValidationError
from stdnum import ean
from stdnum import isbn as stdnum_isbn
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat
from stdnum.exceptions import ValidationError as StdnumError

SEPARATORS = re.compile(r"[\s\-‐‑–—]")


def normalise_isbn(value: str) -> str:
    """Digits (and a final X) without hyphens or spaces; an 'ISBN' prefix is dropped."""
    value = (value or "").strip().upper()
    if value.startswith("ISBN"):
        value = value[4:].lstrip(":： ")
    return SEPARATORS.sub("", value)


def isbn13_check_digit(first12: str) -> str:
    return ean.calc_check_digit(first12)


def _problem(isbn: str) -> str | None:
    """The error code for a normalised ISBN, or None when it is valid."""
    if len(isbn) not in (10, 13):
        return "isbn_length"  # checked first: stdnum would take 9 digits as an old SBN
    try:
        stdnum_isbn.validate(isbn)
    except InvalidComponent:
        return "isbn_prefix"
    except InvalidChecksum:
        # stdnum compares the check digit before the prefix, and any last character with it:
        # name the more telling fault.
        if len(isbn) == 13 and isbn[:3] not in ("978", "979"):
            return "isbn_prefix"
        if isbn[-1] not in "0123456789X":
            return "isbn_chars"
        return "isbn_checksum"
    except InvalidFormat:
        return "isbn_chars"
    except StdnumError:
        return "isbn_length"
    return None


def is_valid_isbn(value: str) -> bool:
    return _problem(normalise_isbn(value)) is None


def validate_isbn(value: str) -> None:
    """Model/form validator with a Chinese message saying what is wrong."""
    isbn = normalise_isbn(value)
    code = _problem(isbn)
    if code is None:
        return
    if code == "isbn_length":
        raise ValidationError(
            "ISBN 应为10位或13位（可含连字符），当前为%(n)s位。", code="isbn_length", params={"n": len(isbn)}
        )
    if code == "isbn_chars" and len(isbn) == 13:
        raise ValidationError("13位ISBN只能由数字组成。", code="isbn_chars")
    if code == "isbn_chars":
        raise ValidationError("10位ISBN前9位应为数字，最后一位为数字或X。", code="isbn_chars")
    if code == "isbn_prefix":
        raise ValidationError("13位ISBN应以978或979开头。", code="isbn_prefix")
    raise ValidationError("ISBN 校验位不正确，请核对。", code="isbn_checksum")


def to_isbn13(value: str) -> str:
    """The ISBN-13 form of a valid ISBN (an ISBN-10 gains the 978 prefix and a new check digit)."""
    return stdnum_isbn.to_isbn13(normalise_isbn(value))


def format_isbn13(value: str) -> str:
    """The ISBN-13 hyphenated as the ISBN agency's ranges split it: 978-7-5213-0001-7.
    A value that is no ISBN (a row saved around the validator) is shown as it is."""
    isbn = normalise_isbn(value)
    if _problem(isbn) is not None:
        return value
    return stdnum_isbn.format(isbn, convert=True)
