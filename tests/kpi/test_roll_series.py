"""roll_rate_series, one grouped query over the snapshots for many months, gives exactly what roll_rates
gives month by month (the one definition), on a generated portfolio, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.roll import roll_rate_series, roll_rates
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import default_dates, refresh
from seed import generate, write_to_database

AS_OF = date(2026, 10, 31)
CONFIG = Config()
MONTHS = [(end.year, end.month) for end in month_ends_until(AS_OF, 6)]


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    write_to_database(engine, generate(n_loans=400, seed=11, as_of=AS_OF))
    return engine


@pytest.mark.parametrize("scope", [Scope(), Scope(branch_id="B01")])
def test_series_over_snapshots_equals_month_by_month_live(seeded: Engine, scope: Scope) -> None:
    with seeded.connect() as conn:
        # No snapshots yet: every month computed live from schedule and repayments.
        live = {
            month: roll_rates(conn, year=month[0], month=month[1], scope=scope, config=CONFIG)
            for month in MONTHS
        }
    with seeded.begin() as conn:
        refresh(conn, dates=default_dates(AS_OF))
    with seeded.connect() as conn:
        series = roll_rate_series(conn, months=MONTHS, scope=scope, config=CONFIG)
        per_month = {
            month: roll_rates(conn, year=month[0], month=month[1], scope=scope, config=CONFIG)
            for month in MONTHS
        }
    assert series == live == per_month
    # The data must exercise the figures, or equality proves nothing.
    assert all(rows["M0"].base_count > 0 for rows in series.values())
    assert any(rows["M1"].cured_balance > 0 for rows in series.values())
    assert any(rows["M0"].worse_balance > 0 for rows in series.values())


def test_series_without_snapshots_computes_each_month_live(seeded: Engine) -> None:
    with seeded.connect() as conn:
        assert roll_rate_series(conn, months=MONTHS[:2], scope=Scope(), config=CONFIG) == {
            month: roll_rates(conn, year=month[0], month=month[1], scope=Scope(), config=CONFIG)
            for month in MONTHS[:2]
        }
        assert roll_rate_series(conn, months=[], scope=Scope(), config=CONFIG) == {}
