"""core.dates: the one whole-year arithmetic (ages, look-back windows, card validity)."""

import datetime

from core.dates import years_after, years_before
from members.admin.filters import birth_range_for_ages

D = datetime.date


def test_years_before_keeps_the_day():
    assert years_before(D(2026, 5, 17), 60) == D(1966, 5, 17)
    assert years_before(D(2026, 5, 17), -3) == D(2029, 5, 17)


def test_29_february_becomes_the_28th_in_a_common_year():
    assert years_before(D(2024, 2, 29), 1) == D(2023, 2, 28)
    assert years_after(D(2024, 2, 29), 3) == D(2027, 2, 28)
    assert years_after(D(2024, 2, 29), 4) == D(2028, 2, 29)


def test_age_filter_range_on_29_february():
    oldest, youngest = birth_range_for_ages(60, 69, D(2024, 2, 29))
    assert (oldest, youngest) == (D(1954, 3, 1), D(1964, 2, 29))
