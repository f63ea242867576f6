"""Calendar arithmetic in whole years (ages, look-back windows, validity periods)."""

import datetime


def years_before(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` years earlier (later when negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year - years, day=28)


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` years later; 29 February becomes the 28th."""
    return years_before(day, -years)
