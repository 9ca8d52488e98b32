"""Figures read from loan-state snapshots equal the figures computed live, on a generated portfolio;
a write makes a snapshot stale so the engine computes live again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine

from dashboard.config import Config
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.portfolio import loans_at, portfolio, portfolio_series
from dashboard.kpi.roll import roll_rates
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import default_dates, refresh
from dashboard.kpi.staff import officer_scores
from dashboard.kpi.state import has_current_snapshot
from dashboard.kpi.vintage import vintage
from db.data_version import bump_data_version
from seed import generate, write_to_database

AS_OF = date(2026, 10, 31)
CONFIG = Config()


@pytest.fixture
def seeded(engine: Engine) -> Engine:
    write_to_database(engine, generate(n_loans=400, seed=7, as_of=AS_OF))
    return engine


def _figures(engine: Engine, scope: Scope) -> dict:
    with engine.connect() as conn:
        return {
            "portfolio": [
                portfolio(conn, as_of=d, scope=scope, config=CONFIG) for d in month_ends_until(AS_OF, 3)
            ],
            # One grouped query over the snapshots once they exist; date by date before that.
            "series": portfolio_series(conn, dates=month_ends_until(AS_OF, 3), scope=scope, config=CONFIG),
            "loans": loans_at(conn, as_of=AS_OF, scope=scope, config=CONFIG).to_dict("records"),
            "roll": roll_rates(conn, year=2026, month=10, scope=scope, config=CONFIG),
            "vintage": vintage(conn, as_of=AS_OF, scope=scope, config=CONFIG, months=6).to_dict("records"),
            "staff": officer_scores(conn, as_of=AS_OF, scope=scope, config=CONFIG),
        }


@pytest.mark.parametrize("scope", [Scope(), Scope(branch_id="B01")])
def test_snapshot_figures_equal_live_figures(seeded: Engine, scope: Scope) -> None:
    live = _figures(seeded, scope)
    with seeded.begin() as conn:
        written = refresh(conn, dates=default_dates(AS_OF))
        assert has_current_snapshot(conn, as_of=AS_OF)
    assert written > 0
    assert _figures(seeded, scope) == live
    assert live["series"] == live["portfolio"]
    assert live["portfolio"][-1].active_loans > 0


def test_refresh_is_idempotent_and_a_write_makes_it_stale(seeded: Engine) -> None:
    with seeded.begin() as conn:
        first = refresh(conn, dates=[AS_OF])
        assert refresh(conn, dates=[AS_OF]) == first == 400  # every loan was disbursed by as_of
        assert has_current_snapshot(conn, as_of=AS_OF)
        assert not has_current_snapshot(conn, as_of=date(2026, 10, 30))
        bump_data_version(conn)
        assert not has_current_snapshot(conn, as_of=AS_OF)


def test_default_dates_cover_month_ends_sundays_and_the_latest_date() -> None:
    dates = default_dates(date(2026, 11, 4), months=2, weeks=2)  # 4 Nov 2026 is a Wednesday
    assert dates == [
        date(2026, 9, 30),
        date(2026, 10, 25),
        date(2026, 10, 31),
        date(2026, 11, 1),
        date(2026, 11, 4),
    ]
