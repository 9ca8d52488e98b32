"""Date arithmetic that SQLite and PostgreSQL spell differently, as SQLAlchemy expressions.

SQLite keeps dates as ISO text; PostgreSQL as DATE. Each function compiles to the native form.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from sqlalchemy import Date, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

from dashboard.kpi.periods import shift_months


class add_days(GenericFunction[date]):  # noqa: N801 - SQL function names are lower case
    """date + n days (n may be a column)."""

    type = Date()
    inherit_cache = True


class add_months(GenericFunction[date]):  # noqa: N801
    """date + n calendar months, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""

    type = Date()
    inherit_cache = True


class days_between(GenericFunction[int]):  # noqa: N801
    """later - earlier, in whole days."""

    type = Integer()
    inherit_cache = True


class weekday(GenericFunction[int]):  # noqa: N801
    """0 = Sunday … 6 = Saturday."""

    type = Integer()
    inherit_cache = True


class as_date(GenericFunction[date]):  # noqa: N801
    """The date part of a timestamp."""

    type = Date()
    inherit_cache = True


class cents(GenericFunction[int]):  # noqa: N801
    """An amount as integer cents, so SUM is exact even where SQLite stores NUMERIC as REAL."""

    type = Integer()
    inherit_cache = True


@compiles(cents)
def _cents(element: Any, compiler: Any, **kw: Any) -> str:
    (x,) = _args(compiler, element, **kw)
    return f"CAST(ROUND(({x}) * 100) AS BIGINT)"


def _args(compiler: Any, element: Any, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(add_days, "sqlite")
def _add_days_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    d, n = _args(compiler, element, **kw)
    return f"date({d}, printf('%+d days', {n}))"


@compiles(add_days, "postgresql")
def _add_days_pg(element: Any, compiler: Any, **kw: Any) -> str:
    d, n = _args(compiler, element, **kw)
    return f"(CAST({d} AS DATE) + CAST({n} AS INTEGER))"


@compiles(add_months, "sqlite")
def _add_months_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    d, n = _args(compiler, element, **kw)
    return f"pl_add_months({d}, {n})"


@compiles(add_months, "postgresql")
def _add_months_pg(element: Any, compiler: Any, **kw: Any) -> str:
    d, n = _args(compiler, element, **kw)
    return f"CAST(CAST({d} AS DATE) + make_interval(months => CAST({n} AS INTEGER)) AS DATE)"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    a, b = _args(compiler, element, **kw)
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_pg(element: Any, compiler: Any, **kw: Any) -> str:
    a, b = _args(compiler, element, **kw)
    return f"(CAST({a} AS DATE) - CAST({b} AS DATE))"


@compiles(weekday, "sqlite")
def _weekday_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"CAST(strftime('%w', {d}) AS INTEGER)"


@compiles(weekday, "postgresql")
def _weekday_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"CAST(EXTRACT(DOW FROM CAST({d} AS DATE)) AS INTEGER)"


@compiles(as_date, "sqlite")
def _as_date_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"date({d})"


@compiles(as_date, "postgresql")
def _as_date_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"CAST({d} AS DATE)"


def _pl_add_months(value: str | None, n: int | None) -> str | None:
    """add_months on SQLite, by the Python function the rest of the code uses."""
    if value is None or n is None:
        return None
    return shift_months(date.fromisoformat(value[:10]), int(n)).isoformat()


def register_sqlite_functions(connection: sqlite3.Connection) -> None:
    connection.create_function("pl_add_months", 2, _pl_add_months, deterministic=True)


class month_index(GenericFunction[int]):  # noqa: N801
    """year * 12 + month - 1: whole months between two dates are a difference of these."""

    type = Integer()
    inherit_cache = True


@compiles(month_index, "sqlite")
def _month_index_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"(CAST(strftime('%Y', {d}) AS INTEGER) * 12 + CAST(strftime('%m', {d}) AS INTEGER) - 1)"


@compiles(month_index, "postgresql")
def _month_index_pg(element: Any, compiler: Any, **kw: Any) -> str:
    (d,) = _args(compiler, element, **kw)
    return f"CAST(EXTRACT(YEAR FROM {d}) * 12 + EXTRACT(MONTH FROM {d}) - 1 AS INTEGER)"


def python_month_index(d: date) -> int:
    return d.year * 12 + d.month - 1
