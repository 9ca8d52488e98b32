"""The lender's clock: business dates and times are those of the lender's time zone, never the server's.

A server in UTC would otherwise refuse today's visits as future between 00:00 and 08:00 Beijing time,
call a 09:00 call outside contact hours and roll collector scope over at 08:00. The zone is
`POSTLOAN_TIMEZONE` (default Asia/Shanghai). Times are returned naive because the schema stores the
lender's wall-clock times (acted_at, audit at) without a zone.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_ZONE = "Asia/Shanghai"


@lru_cache(maxsize=8)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise SystemExit(
            f"POSTLOAN_TIMEZONE: {name!r} is not a known time zone (e.g. Asia/Shanghai)"
        ) from exc


def zone() -> ZoneInfo:
    """The lender's time zone, read from the environment on each call so tests can change it."""
    return _zone(os.environ.get("POSTLOAN_TIMEZONE") or DEFAULT_ZONE)


def now() -> datetime:
    """The lender's wall-clock time now, naive."""
    return datetime.now(zone()).replace(tzinfo=None)


def today() -> date:
    """The lender's business date now."""
    return now().date()
