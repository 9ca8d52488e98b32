"""Building loan-state snapshots (`postloan refresh`): the state of every loan at chosen dates, so
trends over many month-ends read stored rows instead of recomputing from schedule and repayments.

A snapshot records the data version it was built from; any later write makes it stale and the
KPI engine goes back to computing live until the next refresh, so a figure is never out of date.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, delete, func, insert, literal, select

from dashboard.kpi.periods import month_ends_until
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import live_base
from db.data_version import state_version
from db.models import LoanStateSnapshot, SnapshotDate


def default_dates(latest: date, months: int = 13, weeks: int = 5) -> list[date]:
    """The last `months` month-ends and `weeks` Sundays up to `latest` (what the trend pages and the
    weekly review read), and `latest` itself."""
    last_sunday = latest - timedelta(days=(latest.weekday() + 1) % 7)
    sundays = [last_sunday - timedelta(weeks=k) for k in range(weeks)]
    return sorted({*month_ends_until(latest, months), *sundays, latest})


def refresh(conn: Connection, dates: list[date]) -> int:
    """Rebuild the snapshot of each date (idempotent); returns the rows written."""
    version = state_version(conn)
    for as_of in dates:
        conn.execute(delete(LoanStateSnapshot).where(LoanStateSnapshot.as_of == as_of))
        conn.execute(delete(SnapshotDate).where(SnapshotDate.as_of == as_of))
        base = live_base(as_of, Scope())
        conn.execute(
            insert(LoanStateSnapshot).from_select(
                ["as_of", "loan_id", "op_cents", "overdue_cents", "first_due", "override_rank", "active"],
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
        conn.execute(insert(SnapshotDate).values(as_of=as_of, data_version=version))
    # Drivers differ on rowcount for INSERT … SELECT, so count what is there.
    return conn.execute(
        select(func.count()).select_from(LoanStateSnapshot).where(LoanStateSnapshot.as_of.in_(dates))
    ).scalar_one()
