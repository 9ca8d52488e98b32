"""Building loan-state snapshots (`postloan refresh`): the state of every loan at chosen dates, so
trends over many month-ends read stored rows instead of recomputing from schedule and repayments.

A snapshot records the state version it was built from. A later write that changes loan state either
updates the snapshots it reaches in its own transaction (`refresh_loans`: an override, a small import) or
logs the earliest date it reaches (db.data_version); the snapshots of that date and later are then stale
and the KPI engine computes them live until the next refresh, so a figure is never out of date.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from sqlalchemy import Connection, Engine, and_, delete, exists, func, insert, literal, not_, or_, select

from dashboard.kpi import groups
from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import live_base, reaching
from dashboard.progress import QUIET, Progress
from db.data_version import state_version
from db.engine import parallel_workers
from db.models import LoanStateSnapshot, RollMonth, SnapshotDate, SnapshotGroup, StateChange

SNAPSHOT_COLUMNS = ["as_of", "loan_id", "op_cents", "overdue_cents", "first_due", "override_rank", "active"]


def default_dates(latest: date, months: int = 13, weeks: int = 5) -> list[date]:
    """The last `months` month-ends and `weeks` Sundays up to `latest` (what the trend pages and the
    weekly review read), and `latest` itself."""
    last_sunday = latest - timedelta(days=(latest.weekday() + 1) % 7)
    sundays = [last_sunday - timedelta(weeks=k) for k in range(weeks)]
    return sorted({*month_ends_until(latest, months), *sundays, latest})


def refresh(
    conn: Connection, *, dates: Sequence[date], analyze: bool = True, progress: Progress = QUIET
) -> int:
    """Rebuild the snapshot of each date (idempotent); returns the rows written."""
    if conn.dialect.name == "postgresql":
        # Sessions plan for the dashboard's lookups by key (db.engine); a snapshot aggregates whole tables,
        # which the default cost plans better (bench/RESULTS.md).
        conn.exec_driver_sql("SET LOCAL random_page_cost = 4")
    version = state_version(conn)
    for as_of in dates:
        forget_roll_months(conn, dates=[as_of])
        conn.execute(delete(LoanStateSnapshot).where(LoanStateSnapshot.as_of == as_of))
        conn.execute(delete(SnapshotDate).where(SnapshotDate.as_of == as_of))
        _insert_state(conn, as_of)
        groups.build(conn, as_of=as_of)
        conn.execute(insert(SnapshotDate).values(as_of=as_of, data_version=version))
        progress.advance(str(as_of))
    if dates and analyze:
        _analyze(conn)
    # Drivers differ on rowcount for INSERT … SELECT, so count what is there.
    return conn.execute(
        select(func.count()).select_from(LoanStateSnapshot).where(LoanStateSnapshot.as_of.in_(dates))
    ).scalar_one()


def refresh_side_by_side(engine: Engine, *, dates: Sequence[date], progress: Progress = QUIET) -> int:
    """refresh() of each date in its own transaction, a date per core at a time, then ANALYZE; returns the
    rows written. PostgreSQL builds an INSERT … SELECT on one core, so a refresh of many dates (a seed, a
    `refresh --all`) takes half the time on two. The dates at once are bounded by the connection pool too
    (POSTLOAN_POOL_SIZE less a margin): a worker per core on a many-core host waited on the pool. Each date
    is replaced at its commit, whole: a reader sees its old snapshot or its new one. SQLite, with one writer
    at a time, builds them in one transaction."""
    if dates:
        progress.begin(len(dates), "snapshots", unit="date")
    if engine.dialect.name != "postgresql" or len(dates) < 2:
        with engine.begin() as conn:
            return refresh(conn, dates=dates, progress=progress)

    def one(as_of: date) -> int:
        with engine.begin() as conn:
            return refresh(conn, dates=[as_of], analyze=False, progress=progress)

    # A roll month spans two dates: dropped by both dates' transactions, its row would make the second wait
    # for the first to commit (seen at a million loans: the dates were built one after another). Dropped
    # first, at once, no date's transaction has one to wait for.
    with engine.begin() as conn:
        forget_roll_months(conn, dates=dates)

    # A date per core, but never more dates at once than the pool has connections for (db.engine).
    with ThreadPoolExecutor(max_workers=parallel_workers(engine, len(dates))) as pool:
        rows = sum(pool.map(one, dates))
    with engine.begin() as conn:
        _analyze(conn)
    return rows


def stale_dates(conn: Connection, *, dates: Sequence[date]) -> list[date]:
    """Those of `dates` with no snapshot, or one that a later state change reaches back to."""
    current = set(current_dates(conn))
    return [d for d in dates if d not in current]


def current_dates(conn: Connection) -> list[date]:
    """Every snapshot date no state change since its build reaches back to."""
    s = SnapshotDate
    return list(
        conn.execute(
            select(s.as_of).where(not_(exists().where(*reaching(s.as_of, s.data_version)))).order_by(s.as_of)
        ).scalars()
    )


def refresh_loans(conn: Connection, *, loans: Sequence[str], affects_from: date | None) -> int:
    """Bring the current snapshots of `affects_from` and later up to date for these loans only, in the
    caller's transaction (which must then bump the state version unlogged); returns the dates updated."""
    dates = [d for d in current_dates(conn) if affects_from is None or d >= affects_from]
    forget_roll_months(conn, dates=dates)
    for as_of in dates:
        groups.remove(conn, as_of=as_of, loans=loans)
        conn.execute(
            delete(LoanStateSnapshot).where(
                and_(LoanStateSnapshot.as_of == as_of, LoanStateSnapshot.loan_id.in_(loans))
            )
        )
        _insert_state(conn, as_of, loans)
        groups.add(conn, as_of=as_of, loans=loans)
    return len(dates)


def prune(conn: Connection, *, keep: Sequence[date]) -> list[date]:
    """Drop the snapshots of dates neither in `keep` nor a month-end (month-ends are kept for the trends);
    returns the dates dropped."""
    dropped = [
        d
        for d in conn.execute(select(SnapshotDate.as_of)).scalars()
        if d not in keep and (d + timedelta(days=1)).day != 1
    ]
    if dropped:
        forget_roll_months(conn, dates=dropped)
        conn.execute(delete(LoanStateSnapshot).where(LoanStateSnapshot.as_of.in_(dropped)))
        conn.execute(delete(SnapshotGroup).where(SnapshotGroup.as_of.in_(dropped)))
        conn.execute(delete(SnapshotDate).where(SnapshotDate.as_of.in_(dropped)))
    # Changes older than every snapshot can no longer make one stale.
    oldest = conn.execute(select(func.min(SnapshotDate.data_version))).scalar()
    if oldest is not None:
        conn.execute(delete(StateChange).where(StateChange.version <= oldest))
    return dropped


def forget_roll_months(conn: Connection, *, dates: Sequence[date]) -> None:
    """Drop the roll groups of the months that start or end at one of these dates, whose snapshots are being
    replaced; `postloan refresh` builds them again (dashboard.kpi.roll.build_roll_groups)."""
    if dates:
        conn.execute(delete(RollMonth).where(or_(RollMonth.end_on.in_(dates), RollMonth.start_on.in_(dates))))


def _insert_state(conn: Connection, as_of: date, loans: Sequence[str] | None = None) -> None:
    base = live_base(as_of, Scope(), loans)
    conn.execute(
        insert(LoanStateSnapshot).from_select(
            SNAPSHOT_COLUMNS,
            select(
                literal(as_of, LoanStateSnapshot.as_of.type),
                base.c.loan_id,
                base.c.op_cents,
                base.c.overdue_cents,
                base.c.first_due,
                base.c.override_rank,
                base.c.active,
            ),
        )
    )


def _analyze(conn: Connection) -> None:
    """Fresh planner statistics. Without them PostgreSQL takes a date's million snapshot rows for a few
    dozen and picks nested loops, and SQLite, which has none until told, plans the agency scores and the
    weekly fold with the wrong indexes: several times slower either way (bench/RESULTS.md)."""
    if conn.dialect.name == "postgresql":
        # `postloan seed` analyzes the other tables
        conn.exec_driver_sql("ANALYZE loan_state_snapshots, snapshot_groups")
    else:
        conn.exec_driver_sql("ANALYZE")  # the whole file: imports change the other tables too
