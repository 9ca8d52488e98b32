"""Parsers for one CSV cell: each returns the Python value or raises BadValue saying what was expected.

Cells arrive stripped and non-blank; blank handling (NULL, default or "required") is the caller's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from dashboard.config import parse_floors

Parser = Callable[[str], Any]

# ASCII digits only: \d would also take full-width and other scripts' digits, which int() accepts.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", re.ASCII)
_INTEGER = re.compile(r"-?\d+", re.ASCII)
# PostgreSQL INTEGER is 32-bit; SQLite would take more, so check here to refuse the same on both.
_INT_MAX = 2**31 - 1


class BadValue(ValueError):
    """The message completes `file:line: column: ` in a problem report."""


def quoted(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")


def text(max_length: int | None) -> Parser:
    def parse(value: str) -> str:
        if "\x00" in value:
            raise BadValue("contains a NUL character, which the database cannot store")
        if max_length is not None and len(value) > max_length:
            raise BadValue(f"too long: {len(value)} characters, at most {max_length} allowed")
        return value

    return parse


def parse_dpd_floors(value: str) -> str:
    """A product's DPD floors "S/D/L", strictly rising; stored as written, without spaces."""
    try:
        floors = parse_floors(value)
    except ValueError as exc:
        raise BadValue(str(exc)) from None
    return "/".join(str(n) for n in floors)


def one_of(allowed: Iterable[str]) -> Parser:
    allowed = tuple(allowed)
    choices = ", ".join(allowed)

    def parse(value: str) -> str:
        if value not in allowed:
            raise BadValue(f"{quoted(value)} is not an allowed value (expected one of {choices})")
        return value

    return parse


def parse_date(value: str) -> date:
    # date.fromisoformat alone would also take 20240101 and week dates; the extract promises YYYY-MM-DD.
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise BadValue(f"{quoted(value)} is not a date (expected YYYY-MM-DD)")


def parse_datetime(value: str) -> datetime:
    if _DATETIME.fullmatch(value):
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    raise BadValue(
        f"{quoted(value)} is not a date-time (expected YYYY-MM-DDTHH:MM[:SS] or YYYY-MM-DD HH:MM[:SS])"
    )


def parse_integer(value: str) -> int:
    if not _INTEGER.fullmatch(value):
        raise BadValue(f"{quoted(value)} is not a whole number")
    number = int(value)
    if abs(number) > _INT_MAX:
        raise BadValue(f"{quoted(value)} is too large (at most {_INT_MAX})")
    return number


def parse_boolean(value: str) -> bool:
    if value not in ("0", "1"):
        raise BadValue(f"{quoted(value)} is not 0 or 1")
    return value == "1"


def decimal(precision: int, scale: int) -> Parser:
    """A NUMERIC(precision, scale) value, kept exact as Decimal and never through float."""
    pattern = re.compile(rf"-?\d+(\.\d{{1,{scale}}})?", re.ASCII)
    whole_digits = precision - scale
    if scale == 2:
        expected = "an amount (expected a number with at most 2 decimals, like 1234.56)"
    else:
        expected = f"a decimal (expected a number with at most {scale} decimals, like 0.0435)"

    def parse(value: str) -> Decimal:
        if not pattern.fullmatch(value):
            raise BadValue(f"{quoted(value)} is not {expected}")
        number = Decimal(value)
        if number and number.adjusted() >= whole_digits:
            raise BadValue(f"{quoted(value)} is too large (at most {whole_digits} digits before the point)")
        return number

    return parse
