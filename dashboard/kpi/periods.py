"""Calendar helpers: month ends, quarters, parsing YYYY-MM. The one place months are added: the KPI engine,
the seed and the database's pl_add_months all use add_months / shift_months from here."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def parse_month(text: str) -> tuple[int, int]:
    """'2025-03' -> (2025, 3); raises ValueError with the expected form."""
    try:
        year, month = (int(part) for part in text.split("-"))
        date(year, month, 1)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{text!r} is not a month (expected YYYY-MM)") from exc
    return year, month


def previous_month(year: int, month: int) -> tuple[int, int]:
    return (year - 1, 12) if month == 1 else (year, month - 1)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + n
    return index // 12, index % 12 + 1


def shift_months(d: date, n: int) -> date:
    """d + n calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb), the way
    instalment dates fall."""
    year, month = add_months(d.year, d.month, n)
    if d.day <= 28:  # every month has the day: skip the slower month-length look-up
        return date(year, month, d.day)
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def month_ends_until(as_of: date, count: int) -> list[date]:
    """The last `count` month-ends on or before as_of, oldest first."""
    year, month = as_of.year, as_of.month
    if month_end(year, month) > as_of:
        year, month = previous_month(year, month)
    ends = [month_end(*add_months(year, month, -k)) for k in range(count)]
    return list(reversed(ends))


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first_month = 3 * (quarter - 1) + 1
    return date(year, first_month, 1), month_end(year, first_month + 2)


def previous_sunday(d: date) -> date:
    """The last Sunday before d: the end of the previous week (weeks run Monday to Sunday)."""
    return d - timedelta(days=d.weekday() + 1)


def previous_month_end(d: date) -> date:
    """The last month-end before d: what "against the previous month-end" compares with."""
    return month_ends_until(d - timedelta(days=1), 1)[0]
