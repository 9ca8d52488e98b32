"""Snapshot groups: each snapshot's active loans summed per branch, product, channel, officer, oldest unpaid
due date and override (db.models.SnapshotGroup), built and kept with the snapshot by dashboard.kpi.snapshots.

A figure that only sums loans per bucket, class and dimension (the portfolio, its trend, its breakdowns, the
base of the roll rates, the officers' scores) reads them when its dates have a current snapshot and its scope
is a condition on the dimensions; `usable` says when.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import ColumnElement, Connection, delete, func, insert, literal, select

from dashboard.kpi.scope import Scope
from dashboard.kpi.state import has_current_snapshot
from db.models import Loan, LoanStateSnapshot, RollMonth, SnapshotGroup

KEY = ("branch_id", "product_id", "channel_id", "officer_id", "first_due", "override_rank")
SUMS = ("loans", "op_cents", "overdue_cents")


def build(conn: Connection, *, as_of: date) -> None:
    """(Re)build the groups of as_of from its snapshot rows."""
    conn.execute(delete(SnapshotGroup).where(SnapshotGroup.as_of == as_of))
    _add(conn, as_of, None, 1)


def rebuild_all(conn: Connection) -> None:
    """Rebuild the groups of every snapshot date, and drop the roll groups: after loans moved to another
    branch, product, channel or officer, which both are keyed by."""
    dates = conn.execute(select(LoanStateSnapshot.as_of).distinct()).scalars().all()
    conn.execute(delete(SnapshotGroup))
    conn.execute(delete(RollMonth))  # keyed by dimensions too: the next `postloan refresh` builds them again
    for as_of in dates:
        _add(conn, as_of, None, 1)


def remove(conn: Connection, *, as_of: date, loans: Sequence[str]) -> None:
    """Take these loans' snapshot rows of as_of out of the groups (before the rows are replaced)."""
    _add(conn, as_of, loans, -1)


def add(conn: Connection, *, as_of: date, loans: Sequence[str]) -> None:
    """Put these loans' snapshot rows of as_of into the groups (after the rows are written)."""
    _add(conn, as_of, loans, 1)


def _add(conn: Connection, as_of: date, loans: Sequence[str] | None, sign: int) -> None:
    s = LoanStateSnapshot
    loan = (Loan.branch_id, Loan.product_id, Loan.channel_id, Loan.officer_id)
    dimensions = (*loan, s.first_due, s.override_rank)
    query = (
        select(
            literal(as_of, SnapshotGroup.as_of.type),
            *dimensions,
            sign * func.count(),
            sign * func.sum(s.op_cents),
            sign * func.sum(s.overdue_cents),
        )
        .join(Loan, Loan.loan_id == s.loan_id)
        .where(s.as_of == as_of, s.active == 1)
        .group_by(*dimensions)
    )
    if loans is not None:
        query = query.where(s.loan_id.in_(loans))
    conn.execute(insert(SnapshotGroup).from_select(["as_of", *KEY, *SUMS], query))


def usable(conn: Connection, *, dates: Sequence[date], scope: Scope) -> ColumnElement[bool] | None:
    """The scope as a condition on SnapshotGroup when every date has a current snapshot (so its groups are
    current) and the scope is one on the dimensions (not so for collectors and agencies), else None."""
    if not dates or not all(has_current_snapshot(conn, as_of=d) for d in dates):
        return None
    return scope.dimension_condition(SnapshotGroup)
