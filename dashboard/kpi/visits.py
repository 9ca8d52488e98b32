"""Quarterly visit plan, record accuracy and satisfaction (DOMAIN section 4, rule 7; seed 004 七(二))."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pandas as pd
from sqlalchemy import Connection, and_, case, exists, func, select

from dashboard.config import Config
from dashboard.kpi.money import ratio
from dashboard.kpi.periods import quarter_bounds
from dashboard.kpi.scope import Scope
from dashboard.kpi.state import loan_state
from db.models import AuditEntry, Loan, Visit

QUALITY_COLUMNS = [
    "branch_id",
    "staff_id",
    "visits",
    "corrected",
    "accuracy",
    "rated",
    "satisfaction",
]


@dataclass(frozen=True)
class VisitPlan:
    planned: int
    done: int

    @property
    def completion(self) -> Decimal | None:
        return ratio(self.done, self.planned)


def visit_plan(
    conn: Connection, *, year: int, quarter: int, as_of: date, scope: Scope, config: Config
) -> VisitPlan:
    """Loans active through the whole quarter, and those of them visited in it.

    A loan active at the quarter's end was active every day since its start (principal only goes
    down and a write-off is final), so "disbursed by the first day and active on the last" suffices.
    For a quarter still running, the last day is as_of.
    """
    first, last = quarter_bounds(year, quarter)
    last = min(last, as_of)
    state = loan_state(last, scope, config, conn=conn)
    visited = exists().where(Visit.loan_id == state.c.loan_id, Visit.visited_on.between(first, last))
    planned, done = conn.execute(
        select(func.count(), func.coalesce(func.sum(case((visited, 1), else_=0)), 0)).where(
            state.c.disbursed_on <= first
        )
    ).one()
    return VisitPlan(planned=planned, done=done)


def visit_quality(conn: Connection, *, start: date, end: date, as_of: date, scope: Scope) -> pd.DataFrame:
    """Per branch of the loan and visitor, over the visits dated in [start, min(end, as_of)]: record accuracy
    = visits never corrected by as_of (no audit row "correct" on the record, dashboard.work.visits) / visits;
    satisfaction = the mean score (1-5) of the visits that have one."""
    until = datetime.combine(as_of + timedelta(days=1), time())
    corrected = exists().where(
        AuditEntry.table_name == "visits",
        AuditEntry.action == "correct",
        AuditEntry.record_key == Visit.visit_id,
        AuditEntry.at < until,
    )
    rows = conn.execute(
        select(
            Loan.branch_id,
            Visit.staff_id,
            func.count(),
            func.coalesce(func.sum(case((corrected, 1), else_=0)), 0),
            func.count(Visit.satisfaction),
            func.coalesce(func.sum(Visit.satisfaction), 0),
        )
        .join(Loan, Loan.loan_id == Visit.loan_id)
        .where(and_(Visit.visited_on >= start, Visit.visited_on <= min(end, as_of)), scope.condition())
        .group_by(Loan.branch_id, Visit.staff_id)
        .order_by(Loan.branch_id, Visit.staff_id)
    ).all()
    return pd.DataFrame(
        [
            (branch, staff, n, bad, ratio(n - bad, n), rated, ratio(total, rated))
            for branch, staff, n, bad, rated, total in rows
        ],
        columns=QUALITY_COLUMNS,
    )
