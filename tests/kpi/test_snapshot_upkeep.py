"""Keeping loan-state snapshots current: an import or an override reaches only the dates from its earliest
change on, `postloan refresh` rebuilds only what is stale, and figures read from what is kept always equal
the figures computed live."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from dashboard.config import Config
from dashboard.importer import extract
from dashboard.importer.extract import import_files
from dashboard.kpi.portfolio import portfolio
from dashboard.kpi.scope import Scope
from dashboard.kpi.snapshots import (
    SNAPSHOT_COLUMNS,
    current_dates,
    default_dates,
    prune,
    refresh,
    refresh_side_by_side,
    stale_dates,
)
from dashboard.kpi.state import loan_state
from db.data_version import bump_data_version, state_version
from db.models import LoanStateSnapshot, ScheduleItem, SnapshotDate, StateChange
from seed import generate, write_to_database

AS_OF = date(2026, 10, 31)
PAID_ON = date(2026, 10, 20)
CONFIG = Config()
DATES = default_dates(AS_OF)  # 13 month-ends and the Sundays 27 September to 25 October


@pytest.fixture
def refreshed(engine: Engine) -> Engine:
    write_to_database(engine, generate(n_loans=300, seed=11, as_of=AS_OF))
    with engine.begin() as conn:
        bump_data_version(conn)
        refresh(conn, dates=DATES)
    return engine


def _overdue_instalment(engine: Engine) -> tuple[str, int, str]:
    """An overdue loan at AS_OF, its oldest unpaid instalment and the amount due on it."""
    with engine.connect() as conn:
        state = loan_state(AS_OF, Scope(), CONFIG, conn=conn)
        loan_id, first_due = conn.execute(
            select(state.c.loan_id, state.c.first_due)
            .where(state.c.dpd > 0, state.c.first_due < PAID_ON)
            .order_by(state.c.loan_id)
        ).first()  # type: ignore[misc]
        number, principal, interest = conn.execute(
            select(ScheduleItem.instalment_no, ScheduleItem.principal_due, ScheduleItem.interest_due).where(
                ScheduleItem.loan_id == loan_id, ScheduleItem.due_on == first_due
            )
        ).one()
    return loan_id, number, f"{principal},{interest}"


def _payment_csv(tmp_path: Path, engine: Engine) -> tuple[Path, str]:
    loan_id, number, amounts = _overdue_instalment(engine)
    path = tmp_path / "repayments.csv"
    path.write_text(
        "repayment_id,loan_id,instalment_no,paid_on,principal_paid,interest_paid\n"
        f"UPKEEP-1,{loan_id},{number},{PAID_ON},{amounts}\n",
        encoding="utf-8",
    )
    return path, loan_id


def _portfolios(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        return [portfolio(conn, as_of=d, scope=Scope(), config=CONFIG) for d in DATES]


def _live_portfolios(engine: Engine) -> list[object]:
    """The same figures with every snapshot ignored (a change reaching all dates, rolled back)."""
    with engine.connect() as conn:
        bump_data_version(conn)
        assert current_dates(conn) == []
        return [portfolio(conn, as_of=d, scope=Scope(), config=CONFIG) for d in DATES]


def test_a_large_import_makes_only_the_dates_after_its_changes_stale(
    refreshed: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(extract, "REBUILD_LOANS_MAX", 0)  # as if the import changed more loans than that
    path, _ = _payment_csv(tmp_path, refreshed)
    import_files(refreshed, {"repayments.csv": path})
    with refreshed.connect() as conn:
        stale = stale_dates(conn, dates=DATES)
    assert stale == [d for d in DATES if d >= PAID_ON]
    assert stale == [date(2026, 10, 25), AS_OF]
    assert _portfolios(refreshed) == _live_portfolios(refreshed)
    with refreshed.begin() as conn:
        refresh(conn, dates=stale_dates(conn, dates=DATES))
        assert stale_dates(conn, dates=DATES) == []
    assert _portfolios(refreshed) == _live_portfolios(refreshed)


def test_a_small_import_rebuilds_its_loans_in_its_own_transaction(refreshed: Engine, tmp_path: Path) -> None:
    before = _portfolios(refreshed)
    path, loan_id = _payment_csv(tmp_path, refreshed)
    import_files(refreshed, {"repayments.csv": path})
    with refreshed.connect() as conn:
        assert stale_dates(conn, dates=DATES) == []
        overdue_at_end = conn.execute(
            select(LoanStateSnapshot.overdue_cents).where(
                LoanStateSnapshot.as_of == AS_OF, LoanStateSnapshot.loan_id == loan_id
            )
        ).scalar_one()
    after = _portfolios(refreshed)
    assert after == _live_portfolios(refreshed)
    # The payment moved the figures of the dates after it, and only those.
    assert [b == a for b, a in zip(before, after, strict=True)] == [d < PAID_ON for d in DATES]
    assert overdue_at_end >= 0


def test_importing_the_same_rows_again_changes_no_state(refreshed: Engine, tmp_path: Path) -> None:
    path, _ = _payment_csv(tmp_path, refreshed)
    import_files(refreshed, {"repayments.csv": path})
    with refreshed.connect() as conn:
        version = state_version(conn)
        changes = conn.execute(select(func.count()).select_from(StateChange)).scalar_one()
    import_files(refreshed, {"repayments.csv": path})
    with refreshed.connect() as conn:
        assert state_version(conn) == version
        assert conn.execute(select(func.count()).select_from(StateChange)).scalar_one() == changes
        assert stale_dates(conn, dates=DATES) == []


def test_prune_keeps_month_ends_and_the_dates_asked_for(refreshed: Engine) -> None:
    with refreshed.begin() as conn:
        refresh(conn, dates=[date(2026, 10, 28)])  # an old "latest" date of a daily refresh
        bump_data_version(conn, affects_from=AS_OF)
        dropped = prune(conn, keep=default_dates(AS_OF, weeks=2))
        kept = list(conn.execute(select(SnapshotDate.as_of).order_by(SnapshotDate.as_of)).scalars())
        rows = conn.execute(select(func.count(func.distinct(LoanStateSnapshot.as_of)))).scalar_one()
        changes = list(conn.execute(select(StateChange.affects_from)).scalars())
    assert dropped == [date(2026, 9, 27), date(2026, 10, 4), date(2026, 10, 11), date(2026, 10, 28)]
    assert kept == default_dates(AS_OF, weeks=2)
    assert rows == len(kept)
    assert changes == [AS_OF]  # still makes the 31 October snapshot stale


def test_refresh_leaves_planner_statistics_for_the_snapshots(refreshed: Engine) -> None:
    with refreshed.connect() as conn:
        if conn.dialect.name == "postgresql":
            analyzed = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'loan_state_snapshots'"
                " AND schemaname = current_schema()"
            ).scalar_one()
        else:
            analyzed = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'loan_state_snapshots'"
            ).scalar_one()
    assert analyzed > 0


def test_dates_built_side_by_side_equal_dates_built_in_one_transaction(refreshed: Engine) -> None:
    s = LoanStateSnapshot
    every_row = select(*(s.__table__.c[name] for name in SNAPSHOT_COLUMNS))
    with refreshed.connect() as conn:
        in_one = set(conn.execute(every_row).all())
    with refreshed.begin() as conn:
        bump_data_version(conn)  # every date stale
    assert refresh_side_by_side(refreshed, dates=DATES) == len(in_one)
    with refreshed.connect() as conn:
        assert current_dates(conn) == DATES
        assert set(conn.execute(every_row).all()) == in_one
    assert _portfolios(refreshed) == _live_portfolios(refreshed)


def test_a_refresh_plans_with_the_default_page_cost_and_leaves_the_sessions_setting(
    refreshed: Engine,
) -> None:
    if refreshed.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL setting")
    with refreshed.begin() as conn:
        refresh(conn, dates=[AS_OF])
        assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "4"
    with refreshed.connect() as conn:
        assert conn.exec_driver_sql("SHOW random_page_cost").scalar() == "1.1"
