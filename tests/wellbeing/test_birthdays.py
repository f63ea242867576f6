"""Whose birthday is it: solar, 29 February, lunar, lunar leap months and missing 30th days."""

import datetime

import pytest

from tests import factories as f
from wellbeing.birthdays import (
    lunar_birthday_in_year,
    lunar_birthdays,
    solar_birthday_in_year,
    solar_birthdays,
    to_lunar,
)
from wellbeing.services.greetings import birthday_preference_set

CATEGORIES = ["craftsman", "model_worker", "both"]
D = datetime.date


def names(qs):
    return sorted(m.name for m in qs)


@pytest.mark.django_db
def test_solar_birthday_comes_from_the_id_number(xihu):
    f.member_born(xihu, D(1975, 3, 9), name="三月九")
    f.member_born(xihu, D(1975, 3, 10), name="三月十")
    assert names(solar_birthdays(D(2026, 3, 9), CATEGORIES)) == ["三月九"]


@pytest.mark.django_db
def test_leap_day_birthday_is_greeted_on_28_february_in_common_years(xihu):
    f.member_born(xihu, D(1964, 2, 29), name="闰日生")
    f.member_born(xihu, D(1964, 2, 28), name="二月廿八")
    assert names(solar_birthdays(D(2026, 2, 28), CATEGORIES)) == ["二月廿八", "闰日生"]
    assert names(solar_birthdays(D(2026, 3, 1), CATEGORIES)) == []


@pytest.mark.django_db
def test_leap_day_birthday_is_greeted_on_29_february_in_leap_years(xihu):
    f.member_born(xihu, D(1964, 2, 29), name="闰日生")
    f.member_born(xihu, D(1964, 2, 28), name="二月廿八")
    assert names(solar_birthdays(D(2028, 2, 28), CATEGORIES)) == ["二月廿八"]
    assert names(solar_birthdays(D(2028, 2, 29), CATEGORIES)) == ["闰日生"]
    assert solar_birthday_in_year(D(1964, 2, 29), 2027) == D(2027, 2, 28)


@pytest.mark.django_db
def test_only_chosen_categories_and_active_members_are_selected(xihu):
    f.member_born(xihu, D(1970, 6, 1), name="工匠", category="craftsman")
    f.member_born(xihu, D(1970, 6, 1), name="双重", category="both")
    f.member_born(xihu, D(1970, 6, 1), name="无荣誉", category="")
    f.member_born(xihu, D(1970, 6, 1), name="已故", category="craftsman", status="deceased")
    assert names(solar_birthdays(D(2026, 6, 1), ["craftsman", "both"])) == ["双重", "工匠"]


@pytest.mark.django_db
def test_lunar_preference_moves_the_birthday_to_the_lunar_date(xihu):
    # 1970's 二月 began on 1970-03-08, so 1970-03-12 is 二月初五; 2026's 二月初五 is 2026-03-23.
    member = f.member_born(xihu, D(1970, 3, 12), name="农历生")
    birthday_preference_set(member=member, calendar="lunar")
    pref = member.birthday_preference
    assert (pref.lunar_month, pref.lunar_day, pref.lunar_leap) == (2, 5, False)
    assert names(solar_birthdays(D(2026, 3, 12), CATEGORIES)) == []
    members, lunar_year = lunar_birthdays(D(2026, 3, 23), CATEGORIES)
    assert names(members) == ["农历生"] and lunar_year == 2026


def test_lunar_twelfth_month_thirtieth_falls_on_new_years_eve():
    # 腊月三十 of lunar 2023 is 2024-02-09; lunar 2024's 腊月 has 29 days, so 除夕 2025-01-28 is used.
    assert lunar_birthday_in_year(2023, 12, 30) == D(2024, 2, 9)
    assert lunar_birthday_in_year(2024, 12, 30) == D(2025, 1, 28)


@pytest.mark.django_db
def test_thirtieth_day_birthday_is_greeted_on_the_29th_of_a_short_month(xihu):
    member = f.member_born(xihu, D(1970, 1, 1), name="三十生")
    birthday_preference_set(member=member, calendar="lunar", lunar_month=12, lunar_day=30)
    assert names(lunar_birthdays(D(2025, 1, 28), CATEGORIES)[0]) == ["三十生"]
    assert names(lunar_birthdays(D(2025, 1, 27), CATEGORIES)[0]) == []
    assert names(lunar_birthdays(D(2024, 2, 9), CATEGORIES)[0]) == ["三十生"]
    assert names(lunar_birthdays(D(2024, 2, 8), CATEGORIES)[0]) == []


def test_leap_month_birthday_uses_the_leap_month_when_the_year_has_it():
    # 2020 has 闰四月 (starting 2020-05-23); 2021 has no leap month.
    assert lunar_birthday_in_year(2020, 4, 1, leap=True) == D(2020, 5, 23)
    assert lunar_birthday_in_year(2020, 4, 1, leap=False) == D(2020, 4, 23)
    assert lunar_birthday_in_year(2021, 4, 1, leap=True) == D(2021, 5, 12)


@pytest.mark.django_db
def test_leap_month_born_member_is_greeted_once_per_year(xihu):
    member = f.member_born(xihu, D(1970, 1, 1), name="闰月生")
    birthday_preference_set(member=member, calendar="lunar", lunar_month=4, lunar_day=1, lunar_leap=True)
    ordinary = f.member_born(xihu, D(1970, 1, 2), name="四月生")
    birthday_preference_set(member=ordinary, calendar="lunar", lunar_month=4, lunar_day=1)
    assert names(lunar_birthdays(D(2020, 4, 23), CATEGORIES)[0]) == ["四月生"]
    assert names(lunar_birthdays(D(2020, 5, 23), CATEGORIES)[0]) == ["闰月生"]
    assert names(lunar_birthdays(D(2021, 5, 12), CATEGORIES)[0]) == ["四月生", "闰月生"]


def test_born_in_a_leap_month_is_read_from_the_birth_date():
    # 2023-04-05 is 闰二月十五 of lunar 2023.
    born = to_lunar(D(2023, 4, 5))
    assert (born.year, born.month, born.day, born.leap) == (2023, 2, 15, True)


@pytest.mark.django_db
def test_opted_out_member_is_not_selected(xihu):
    member = f.member_born(xihu, D(1970, 6, 1), name="不祝福")
    birthday_preference_set(member=member, calendar="solar", opt_out=True)
    assert names(solar_birthdays(D(2026, 6, 1), CATEGORIES)) == []


def test_month_table_conversion_agrees_with_the_librarys_own_conversion():
    import random

    from lunar_python import Lunar, Solar

    rng = random.Random(20261129)
    for _ in range(60):
        day = D(1941, 1, 1) + datetime.timedelta(days=rng.randrange(0, 33000))
        lib = Solar.fromYmd(day.year, day.month, day.day).getLunar()
        ours = to_lunar(day)
        assert (ours.year, ours.month, ours.day, ours.leap) == (
            lib.getYear(), abs(lib.getMonth()), lib.getDay(), lib.getMonth() < 0
        )  # fmt: skip
        back = Lunar.fromYmd(ours.year, -ours.month if ours.leap else ours.month, ours.day).getSolar()
        assert lunar_birthday_in_year(ours.year, ours.month, ours.day, ours.leap) == D(
            back.getYear(), back.getMonth(), back.getDay()
        )
