"""Whose birthday is it? Solar birthdays from the ID card, lunar birthdays (农历生日) through lunar-python.

Rules:
- A solar birthday on 29 February is greeted on 28 February in years without a 29th.
- A lunar birthday in a leap month (闰月) is greeted in that leap month when the year has
  it, otherwise in the ordinary month of the same number. A lunar birthday on the 30th is
  greeted on the 29th in a year whose month has only 29 days (小月).
- The greeting year of a lunar birthday is the lunar year, so that each lunar year gives
  exactly one birthday even when two fall in one solar year.

Selection never walks the members: the solar side is an indexed lookup on the birth
date's month and day (``member_birth_month_day``), the lunar side an indexed lookup of
the (month, day, leap) keys that fall on the day (``birthday_pref_lunar_md``).
"""

import calendar
import datetime
import functools
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from lunar_python import LunarYear, Solar

from members.models import Member

from .models import BirthdayPreference


@dataclass(frozen=True)
class LunarDate:
    year: int
    month: int  # 1..12
    day: int  # 1..30
    leap: bool = False


@dataclass(frozen=True)
class LunarMonth:
    first_day: datetime.date
    month: int
    leap: bool
    days: int


@functools.lru_cache(maxsize=256)
def month_table(lunar_year: int) -> tuple[LunarMonth, ...]:
    """The months of a lunar year with their first solar day (computed once per year and process).

    lunar-python's per-date conversion (Solar.getLunar) also computes solar terms and takes
    tens of milliseconds; the month table gives every conversion here in microseconds.
    """
    months = []
    for m in LunarYear.fromYear(lunar_year).getMonthsInYear():
        first = Solar.fromJulianDay(m.getFirstJulianDay())
        months.append(
            LunarMonth(
                first_day=datetime.date(first.getYear(), first.getMonth(), first.getDay()),
                month=abs(m.getMonth()),
                leap=m.getMonth() < 0,
                days=m.getDayCount(),
            )
        )
    return tuple(months)


def to_lunar(day: datetime.date) -> LunarDate:
    """The lunar date of a solar date."""
    for lunar_year in (day.year, day.year - 1):
        for m in month_table(lunar_year):
            offset = (day - m.first_day).days
            if 0 <= offset < m.days:
                return LunarDate(year=lunar_year, month=m.month, day=offset + 1, leap=m.leap)
    raise ValueError(f"no lunar date for {day}")


def _month(lunar_year: int, month: int, leap: bool) -> LunarMonth:
    for m in month_table(lunar_year):
        if m.month == month and m.leap == leap:
            return m
    raise ValueError(f"lunar year {lunar_year} has no {'leap ' if leap else ''}month {month}")


def leap_month_of(lunar_year: int) -> int:
    """The leap month of a lunar year (0 when there is none)."""
    return next((m.month for m in month_table(lunar_year) if m.leap), 0)


def days_in_lunar_month(lunar_year: int, month: int, leap: bool = False) -> int:
    return _month(lunar_year, month, leap).days


def lunar_birthday_in_year(lunar_year: int, month: int, day: int, leap: bool = False) -> datetime.date:
    """The solar date on which a lunar birthday (month, day, leap) is greeted in ``lunar_year``."""
    use_leap = leap and leap_month_of(lunar_year) == month
    target = _month(lunar_year, month, use_leap)
    return target.first_day + datetime.timedelta(days=min(day, target.days) - 1)


def solar_birthday_in_year(birth_date: datetime.date, year: int) -> datetime.date:
    """The day a solar birthday is greeted in ``year`` (29 Feb → 28 Feb in common years)."""
    if birth_date.month == 2 and birth_date.day == 29 and not calendar.isleap(year):
        return datetime.date(year, 2, 28)
    return birth_date.replace(year=year)


def solar_keys(day: datetime.date) -> list[tuple[int, int]]:
    """(month, day) pairs of birth dates greeted on ``day``."""
    keys = [(day.month, day.day)]
    if day.month == 2 and day.day == 28 and not calendar.isleap(day.year):
        keys.append((2, 29))
    return keys


def lunar_keys(day: datetime.date) -> tuple[LunarDate, list[tuple[int, int, bool]]]:
    """The lunar date of ``day`` and the (month, day, leap) birthdays greeted on it."""
    today = to_lunar(day)
    days = [today.day]
    if today.day == days_in_lunar_month(today.year, today.month, today.leap) and today.day == 29:
        days.append(30)  # a month of 29 days greets the 30th-born on its last day
    keys = [(today.month, d, today.leap) for d in days]
    if not today.leap and leap_month_of(today.year) != today.month:
        # No leap month of this number this year: the leap-month-born are greeted in the ordinary month.
        keys += [(today.month, d, True) for d in days]
    return today, keys


def members_for_greeting(categories):
    """Active members of the chosen categories who have not declined greetings."""
    declined = BirthdayPreference.objects.filter(member=OuterRef("pk"), opt_out=True)
    return Member.objects.filter(status=Member.Status.ACTIVE, category__in=list(categories)).exclude(
        Exists(declined)
    )


def solar_birthdays(day: datetime.date, categories):
    """Members greeted by their ID card's birth date on ``day``."""
    by_lunar = BirthdayPreference.objects.filter(member=OuterRef("pk"), calendar="lunar")
    match = Q()
    for month, dom in solar_keys(day):
        match |= Q(birth_date__month=month, birth_date__day=dom)
    return members_for_greeting(categories).filter(match).exclude(Exists(by_lunar))


def lunar_birthdays(day: datetime.date, categories):
    """Members greeted by their lunar birthday on ``day``, and the lunar year it belongs to."""
    today, keys = lunar_keys(day)
    match = Q()
    for month, dom, leap in keys:
        match |= Q(lunar_month=month, lunar_day=dom, lunar_leap=leap)
    prefs = BirthdayPreference.objects.filter(match, calendar="lunar", opt_out=False)
    members = members_for_greeting(categories).filter(Exists(prefs.filter(member=OuterRef("pk"))))
    return members, today.year
