"""Calendar helpers shared by the generators."""

from __future__ import annotations

import calendar
from datetime import date, datetime, timedelta
from random import Random

from seed.draw import randint

DAY = timedelta(days=1)


def month_start(d: date) -> date:
    return d.replace(day=1)


def month_end(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


def quarter_start(d: date) -> date:
    return date(d.year, 3 * ((d.month - 1) // 3) + 1, 1)


def next_working_day(d: date) -> date:
    d += DAY
    while d.weekday() >= 5:
        d += DAY
    return d


def days(rng: Random, low: int, high: int) -> timedelta:
    return timedelta(days=randint(rng, low, high))


def between(rng: Random, first: date, last: date) -> date:
    """A uniformly drawn day in [first, last]."""
    return first + timedelta(days=randint(rng, 0, (last - first).days))


def at_time(rng: Random, d: date, from_hour: int = 8, to_hour: int = 21) -> datetime:
    """A moment on d within contact hours (DOMAIN rule: no calls before 08:00 or after 21:00)."""
    second = rng.randrange(from_hour * 3600, to_hour * 3600)
    return datetime(d.year, d.month, d.day, second // 3600, second // 60 % 60, second % 60)
