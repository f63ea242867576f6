"""Input that enters by hand: one parser per kind (integer, year, date) with sane ranges.

Query parameters, list filters and typed dates all pass through here, so an out-of-range
year never reaches ``datetime.date`` (ValueError) and a huge integer never reaches a 64-bit
column (PostgreSQL: DataError). NUL bytes are refused earlier, by
``core.middleware.BadInputMiddleware``; ``contains_nul`` is the one test for them.
"""

import datetime

from django.core.exceptions import ValidationError

# A year or date anyone in the registry could mean: births, honours, events, cases.
YEAR_MIN = 1900
YEAR_MAX = 2100
DATE_MIN = datetime.date(YEAR_MIN, 1, 1)
DATE_MAX = datetime.date(YEAR_MAX, 12, 31)

# Ids and counts: what a signed 64-bit column holds.
INT_MIN = -(2**63)
INT_MAX = 2**63 - 1
ID_MAX = INT_MAX

# Longer than any number we accept; int("9" * 10**6) would cost the server, not the client.
MAX_DIGITS = 20


def contains_nul(value) -> bool:
    """True for text (or bytes) holding a NUL character, which PostgreSQL refuses in text."""
    if isinstance(value, bytes):
        return b"\x00" in value
    return isinstance(value, str) and "\x00" in value


def parse_int(value, *, min_value: int = INT_MIN, max_value: int = INT_MAX, default=None):
    """An integer within [min_value, max_value]; ``default`` for anything else (blank, text, out of range)."""
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        number = value
    else:
        text = str(value if value is not None else "").strip()
        digits = text.lstrip("+-")
        if not digits.isdigit() or not digits.isascii() or len(digits) > MAX_DIGITS:
            return default
        number = int(text)
    return number if min_value <= number <= max_value else default


def parse_year(value, *, default=None):
    """A calendar year within YEAR_MIN..YEAR_MAX, or ``default``."""
    return parse_int(value, min_value=YEAR_MIN, max_value=YEAR_MAX, default=default)


def parse_date(value, *, default=None):
    """An ISO date (YYYY-MM-DD) within DATE_MIN..DATE_MAX, or ``default``."""
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        text = str(value if value is not None else "").strip()
        if len(text) > 10:
            return default
        try:
            value = datetime.date.fromisoformat(text)
        except ValueError:
            return default
    return value if DATE_MIN <= value <= DATE_MAX else default


def validate_reasonable_date(value) -> None:
    """Model and form validator: a date (or datetime) between 1900-01-01 and 2100-12-31."""
    if value is None:
        return
    day = value.date() if isinstance(value, datetime.datetime) else value
    if not DATE_MIN <= day <= DATE_MAX:
        raise ValidationError(
            "日期超出合理范围，请填写 %(low)s 至 %(high)s 之间的日期。",
            code="date_out_of_range",
            params={"low": DATE_MIN.isoformat(), "high": DATE_MAX.isoformat()},
        )


def validate_reasonable_year(value) -> None:
    """Model and form validator for a year typed as a number."""
    if value is None:
        return
    if parse_year(value) is None:
        raise ValidationError(
            "年份超出合理范围，请填写 %(low)s 至 %(high)s 之间的年份。",
            code="year_out_of_range",
            params={"low": YEAR_MIN, "high": YEAR_MAX},
        )
