"""China's working days (issue 17): the `workdays` table and the one rule every working-day deadline uses.

Working days in China are not Monday to Friday: Spring Festival and National Day take a week off, and the
State Council moves weekend days to make up for them (a Sunday becomes a working day). The calendar is
published each December for the next year, so it is data: the table is filled from the chinesecalendar
package (which knows 2004 to the year it was released for), from calendar.csv for later years, and edited
by admins on the Settings page.

`workday_after(start, n)` is the rule, as an SQL expression so lists and figures compute deadlines in the
database; `add_workdays` runs the same expression for one date. Where the table has no row for a date in
the span it counts Monday to Friday only and says so (Deadline.source, `calendar_gap` for the pages).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import chinese_calendar
from sqlalchemy import (
    Connection,
    Date,
    and_,
    case,
    func,
    literal,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from db.models import Workday
from db.sqlfuncs import add_days, days_between, weekday

WARN_DAYS = 30  # pages warn when the calendar lacks any of the next this many days
SOURCES = ("calendar", "weekends")
INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


@dataclass(frozen=True)
class Deadline:
    day: date
    source: str  # "calendar": every date of the span has a row; "weekends": some has none, Mon-Fri counted


def _span(start: Any, n: Any) -> tuple[Any, Any]:
    """(base, k): N working days after start is the k-th working day after base.

    n >= 1: the n-th working day after start. n == 0: start itself when a working day, else the next one,
    that is the first working day after the day before start.
    """
    if isinstance(n, int):
        if n < 0:
            raise ValueError(f"working days must not be negative, not {n}")
        return (start if n else add_days(start, -1)), max(n, 1)
    return add_days(start, case((n == 0, -1), else_=0)), case((n == 0, 1), else_=n)


def _from_table(base: Any, k: Any) -> ColumnElement[date]:
    """The k-th working day after base by the table; NULL unless the table has every date from base to it."""
    start, found = aliased(Workday), aliased(Workday)
    return (
        select(found.day)
        .select_from(start)
        .join(found, and_(found.workday_no == start.workday_no + k, found.is_workday.is_(True)))
        .where(start.day == base, found.day_no - start.day_no == days_between(found.day, start.day))
        .scalar_subquery()
    )


def _weekends_only(base: Any, k: Any) -> ColumnElement[date]:
    """The k-th day Monday to Friday after base. A weekend base counts from the Friday before it."""
    monday_based = (weekday(base) + 6) % 7  # 0 Monday … 6 Sunday
    back = case((monday_based > 4, monday_based - 4), else_=0)
    return add_days(base, k - back + 2 * ((monday_based - back + k) // 5))


def workday_after(start: Any, n: Any) -> ColumnElement[date]:
    """start + n working days (n a number or an SQL expression; 0: the same day if a working day), by the
    workdays table; Monday to Friday only where the table lacks a date of the span."""
    base, k = _span(start, n)
    return func.coalesce(_from_table(base, k), _weekends_only(base, k), type_=Date)


def add_workdays(conn: Connection, day: date, n: int) -> Deadline:
    """day + n working days by workday_after, saying whether the calendar covered the span."""
    base, k = _span(literal(day, Date), n)
    by_table, by_weekdays = conn.execute(select(_from_table(base, k), _weekends_only(base, k))).one()
    if by_table is not None:
        return Deadline(_as_date(by_table), "calendar")
    return Deadline(_as_date(by_weekdays), "weekends")


def _as_date(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


# --- the table -----------------------------------------------------------------------------------------


def package_years() -> range:
    """The years chinesecalendar knows (it raises NotImplementedError for the others)."""
    first, last = 2004, 2004
    while True:
        try:
            chinese_calendar.is_workday(date(last + 1, 1, 1))
        except NotImplementedError:
            return range(first, last + 1)
        last += 1


def package_days(years: range) -> list[tuple[date, bool]]:
    out = []
    for year in years:
        day = date(year, 1, 1)
        while day.year == year:
            out.append((day, bool(chinese_calendar.is_workday(day))))
            day += timedelta(days=1)
    return out


def fill_from_package(conn: Connection, years: range | None = None) -> int:
    """Add the package's days that the table does not have (imported and edited days stay as they are);
    returns how many were added. Renumbers the table."""
    known = package_years()
    wanted = range(max(known.start, years.start), min(known.stop, years.stop)) if years else known
    rows = [{"date": day, "is_workday": on} for day, on in package_days(wanted)]
    before = conn.execute(select(func.count()).select_from(Workday)).scalar_one()
    statement = INSERTS[conn.dialect.name](Workday).on_conflict_do_nothing(index_elements=["date"])
    for start in range(0, len(rows), 2000):
        conn.execute(statement, rows[start : start + 2000])
    renumber(conn)
    # executemany's rowcount is not reliable across drivers: count instead.
    return conn.execute(select(func.count()).select_from(Workday)).scalar_one() - before


def renumber(conn: Connection) -> None:
    """Recount workday_no and day_no after any change to the table (one UPDATE with window sums)."""
    numbered = select(
        Workday.day.label("d"),
        func.sum(case((Workday.is_workday.is_(True), 1), else_=0)).over(order_by=Workday.day).label("wn"),
        func.row_number().over(order_by=Workday.day).label("dn"),
    ).subquery()
    conn.execute(
        update(Workday)
        .where(Workday.day == numbered.c.d)
        .values(workday_no=numbered.c.wn, day_no=numbered.c.dn)
    )


def calendar_gap(conn: Connection, start: date, days: int = WARN_DAYS) -> int:
    """How many of the `days` dates from start have no row: pages warn when any has none."""
    end = start + timedelta(days=days)
    have = conn.execute(
        select(func.count()).select_from(Workday).where(Workday.day >= start, Workday.day < end)
    ).scalar_one()
    return days - have


def calendar_rows(conn: Connection, start: date, end: date) -> list[dict[str, Any]]:
    """The table's rows for [start, end), for the Settings page."""
    return [
        {"date": day, "is_workday": bool(on)}
        for day, on in conn.execute(
            select(Workday.day, Workday.is_workday)
            .where(Workday.day >= start, Workday.day < end)
            .order_by(Workday.day)
        )
    ]
