"""The lender's clock: business dates follow POSTLOAN_TIMEZONE, not the server's zone (tests run in UTC)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, select

from dashboard import clock
from dashboard.work.visits import record_visit
from db.models import Visit
from tests.work.test_visits import GOOD, RISK, book  # noqa: F401  (fixture)

# 20:30 UTC on 1 Jan 2030 is 04:30 on 2 Jan in Beijing.
INSTANT = datetime(2030, 1, 1, 20, 30, tzinfo=UTC)


class _Frozen(datetime):
    @classmethod
    def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
        return INSTANT.astimezone(tz) if tz else INSTANT.replace(tzinfo=None)


@pytest.fixture
def frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(clock, "datetime", _Frozen)


def test_the_process_runs_in_utc() -> None:
    assert time.strftime("%z") == "+0000"


def test_today_is_the_lenders_date(frozen: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POSTLOAN_TIMEZONE", raising=False)
    assert clock.today() == date(2030, 1, 2)
    assert clock.now() == datetime(2030, 1, 2, 4, 30)
    monkeypatch.setenv("POSTLOAN_TIMEZONE", "Europe/London")
    assert clock.today() == date(2030, 1, 1)


def test_an_unknown_zone_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTLOAN_TIMEZONE", "Mars/Olympus")
    with pytest.raises(SystemExit, match="POSTLOAN_TIMEZONE"):
        clock.today()


def test_a_visit_on_the_lenders_today_is_not_future(frozen: None, book: Engine) -> None:  # noqa: F811
    """At 04:30 in Beijing the server's UTC date is still the day before: the visit must be accepted."""
    form = GOOD.__class__(**{**GOOD.__dict__, "visited_on": date(2030, 1, 2), "next_follow_up_on": None})
    record_visit(book, RISK, form, "tok-clock")
    with book.connect() as conn:
        assert conn.execute(select(Visit.visited_on)).scalar_one() == date(2030, 1, 2)
